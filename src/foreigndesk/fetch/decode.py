"""Content-Encoding decoded by hand, with the size cap counted on decoded bytes.

A gzip bomb turns a few kilobytes on the wire into gigabytes in memory if it is decoded
in one go. Each decoder here is asked for at most what is left under the cap, chunk by
chunk, through every stacked encoding (``gzip, gzip, gzip``), so the desk never holds
more than the cap, whatever the server sends.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from foreigndesk.errors import FetchError

try:  # brotli is optional: without it the desk does not ask for br
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency
    brotli = None

SUPPORTED = ("gzip", "deflate", "br") if brotli is not None else ("gzip", "deflate")
ACCEPT_ENCODING = ", ".join(SUPPORTED)


class TooLarge(FetchError):
    """The decoded content passed the size cap."""


class _Stage:
    """One decoding layer; ``feed`` returns at most ``limit`` bytes, keeping the rest."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        self._brotli: object | None = None
        if encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = None  # zlib-wrapped or raw: decided by the first byte
            self._deflate_pending = True
        elif encoding == "br" and brotli is not None:
            self._brotli = brotli.Decompressor()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes, limit: int) -> bytes:
        if getattr(self, "_deflate_pending", False) and data:
            # RFC 9110 says zlib format, but servers also send raw deflate.
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if data[0] == 0x78 else -zlib.MAX_WBITS)
            self._deflate_pending = False
        if getattr(self, "_deflate_pending", False):
            return b""
        try:
            if self._zlib is not None:
                return self._feed_zlib(data, limit)
            assert self._brotli is not None
            decompressor: Callable[..., bytes] = self._brotli.process  # type: ignore[attr-defined]
            return decompressor(data, output_buffer_limit=max(limit, 1))
        except (zlib.error, Exception) as exc:  # brotli.error has no common base
            if isinstance(exc, FetchError):
                raise
            raise FetchError(f"the {self.encoding} content is corrupt ({exc})") from exc

    def _feed_zlib(self, data: bytes, limit: int) -> bytes:
        assert self._zlib is not None
        out = self._zlib.decompress(self._zlib.unconsumed_tail + data, max(limit, 1))
        # Concatenated gzip members: each ended one starts the next, in a loop (thousands
        # of empty members in one chunk are as valid as two, and no deeper).
        while self._zlib.eof and self._zlib.unused_data and self.encoding != "deflate":
            rest = self._zlib.unused_data
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self._zlib.decompress(rest, max(limit - len(out), 1))
        return out

    @property
    def has_more(self) -> bool:
        if self._zlib is not None:
            return bool(self._zlib.unconsumed_tail)
        if self._brotli is not None:
            return not self._brotli.can_accept_more_data()  # type: ignore[attr-defined]
        return False


class CappedDecoder:
    """Raw bytes in, decoded bytes out, never more than ``cap`` in all."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        names = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
        # Encodings are listed in the order applied; undo them in reverse.
        self.stages = [_Stage(name) for name in reversed(names) if name != "identity"]
        self.cap = cap
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        chunk = data
        for stage in self.stages:
            pieces = [stage.feed(chunk, self.cap - self.size + 1)]
            while stage.has_more and sum(map(len, pieces)) <= self.cap - self.size:
                pieces.append(stage.feed(b"", self.cap - self.size + 1))
            chunk = b"".join(pieces)
            if len(chunk) > self.cap - self.size:
                raise TooLarge("")
        self.size += len(chunk)
        if self.size > self.cap:
            raise TooLarge("")
        return chunk
