"""The HTTP side of remote engines: retries, Retry-After, timeouts, and errors in one line.

Every remote engine sends its requests through ``EngineHttp``, so they all retry the same
way (429 and 5xx, honouring Retry-After, with jittered backoff), give up the same way, and
describe a failure the same way: which engine, what the service said, and what to do.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Any

import httpx

from foreigndesk.errors import EngineError
from foreigndesk.retry import backoff, parse_retry_after

logger = logging.getLogger(__name__)

_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base: float = 0.5
    cap: float = 20.0
    #: A Retry-After longer than this is not waited out in-process: the call fails and
    #: the article is retried on a later run.
    max_wait: float = 120.0


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error.get("status") or error)[:200]
        if error:
            return str(error)[:200]
        if body.get("message"):
            return str(body["message"])[:200]
    return str(body)[:200]


class EngineHttp:
    """An httpx client bound to one engine's API, with its retry policy."""

    def __init__(
        self,
        engine: str,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
        policy: RetryPolicy | None = None,
        key_hint: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy or RetryPolicy()
        self.key_hint = key_hint
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"User-Agent": "foreigndesk", **(headers or {})},
            timeout=httpx.Timeout(timeout),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _failure(self, response: httpx.Response) -> EngineError:
        status, detail = response.status_code, _detail(response)
        prefix = f"{self.engine}: HTTP {status}"
        if status in (401, 403):
            fix = f"set {self.key_hint}" if self.key_hint else "check the engine's credentials"
            return EngineError(f"{prefix} ({detail}) — the credentials were refused; {fix}")
        if status == 456:
            return EngineError(
                f"{prefix} ({detail}) — the account's quota is used up; raise it or wait"
                " for the next billing period"
            )
        if status == 413:
            return EngineError(
                f"{prefix} ({detail}) — the request was too large for the service",
                engine_wide=False,
            )
        if status in _RETRYABLE:
            return EngineError(f"{prefix} ({detail}) — the service is unavailable; try later")
        return EngineError(f"{prefix} ({detail}) — the service refused the text", engine_wide=False)

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like ``request``, for the parsed JSON body; a body that is not JSON is an error."""
        response = await self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise EngineError(
                f"{self.engine}: the answer is not JSON ({response.text[:60]!r}) — is the"
                " engine's URL right?"
            ) from exc

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send, retrying what may succeed later; returns a 2xx response or raises."""
        last: EngineError | None = None
        for attempt in range(self.policy.attempts):
            wait: float | None = None
            try:
                response = await self._client.request(method, path, **kwargs)
            except httpx.TimeoutException:
                last = EngineError(
                    f"{self.engine}: no answer within {self._client.timeout.read:g} s"
                    " — the service is slow or down; try later"
                )
            except httpx.TransportError as exc:
                last = EngineError(
                    f"{self.engine}: cannot reach {self._client.base_url} ({exc}) — check"
                    " the engine's URL"
                )
            else:
                if response.is_success:
                    return response
                last = self._failure(response)
                if response.status_code not in _RETRYABLE:
                    raise last
                wait = parse_retry_after(response.headers.get("retry-after"))
                if wait is not None and wait > self.policy.max_wait:
                    raise EngineError(
                        f"{self.engine}: HTTP {response.status_code}, asked to wait {wait:.0f} s"
                        " — the run goes on and the text is tried again later"
                    )
            if attempt + 1 < self.policy.attempts:
                delay = (
                    wait
                    if wait is not None
                    else backoff(attempt, self.policy.base, self.policy.cap, self._rng)
                )
                logger.info("%s: retrying in %.2f s after: %s", self.engine, delay, last)
                await asyncio.sleep(delay)
        assert last is not None
        raise EngineError(f"{last} (after {self.policy.attempts} tries)")
