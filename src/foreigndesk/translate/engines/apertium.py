"""apertium: rule-based, offline, free; Debian packages one language pair per package.

One process call translates a whole batch: each segment travels in its own numbered
``<div>`` through apertium's HTML format, which keeps inline tags in place and treats
the divs as block boundaries, so segments never run into each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Sequence
from html import unescape
from pathlib import Path
from typing import ClassVar, Literal

from foreigndesk.config import Settings
from foreigndesk.errors import EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary
from foreigndesk.translate.languages import to_iso639_1

_SEGMENT = re.compile(r'<div id="fd(\d+)">(.*?)</div>', re.S)
# apertium marks a word it does not know with *, one without a translation with @, and a
# generation failure with #; the mark stands right before the word.
_MARK = re.compile(r"(?<![\w*@#])[*@#](?=\w)")
_MARKED_WORD = re.compile(r"(?<![\w*@#])[*@#](\w[\w'-]*)")
_TAG = re.compile(r"<[^>]+>")


def installed_modes(modes_dir: Path) -> dict[tuple[str, str], str]:
    """(source, target) → apertium mode name, from the ``*.mode`` files of installed pairs.

    Regional variants (``spa-eng_US``) are skipped: the plain pair serves the language.
    """
    modes: dict[tuple[str, str], str] = {}
    if not modes_dir.is_dir():
        return modes
    for path in sorted(modes_dir.glob("*.mode")):
        parts = path.stem.split("-")
        if len(parts) != 2 or any("_" in p for p in parts):
            continue
        source, target = (to_iso639_1(p) for p in parts)
        modes.setdefault((source, target), path.stem)
    return modes


def strip_marks(text: str) -> tuple[str, tuple[str, ...]]:
    """(text without apertium's word marks, the marked words), marks inside tags left alone."""
    words = tuple(_MARKED_WORD.findall(_TAG.sub(" ", text)))
    pieces = _TAG.split(text)
    tags = _TAG.findall(text)
    cleaned = [_MARK.sub("", piece) for piece in pieces]
    out = cleaned[0]
    for tag, piece in zip(tags, cleaned[1:], strict=True):
        out += tag + piece
    return out, words


class ApertiumEngine:
    """The apertium engine as configured; see ``foreigndesk_engines`` for its registration."""

    name: ClassVar[str] = "apertium"
    keeps_markup: ClassVar[bool] = True
    native_glossary: ClassVar[bool] = False
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "characters"
    # A whole article goes in one process call: starting apertium costs more than its work.
    limits: ClassVar[EngineLimits] = EngineLimits(
        max_segments=100_000, max_chars=10_000_000, max_segment_chars=1_000_000, concurrency=2
    )

    def __init__(self, command: str, modes_dir: Path, timeout: float) -> None:
        self.command = command
        self.modes_dir = modes_dir
        self.timeout = timeout
        self._modes = installed_modes(modes_dir)

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        options = settings.translate.apertium
        return cls(options.command, Path(options.modes_dir), options.timeout)

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._modes)

    async def aclose(self) -> None:
        pass

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        mode = self._modes.get((source, target))
        if mode is None:
            raise EngineError(f"apertium has no {source}→{target} pair installed")
        if not segments:
            return EngineResult(segments=(), billed=0)
        document = "\n".join(f'<div id="fd{i}">{s}</div>' for i, s in enumerate(segments))
        output = await self._run([self.command, "-f", "html", mode], document)
        found = {int(i): body.strip() for i, body in _SEGMENT.findall(output)}
        if sorted(found) != list(range(len(segments))):
            raise EngineError(
                f"apertium returned {len(found)} of {len(segments)} segments — the input "
                "may hold markup apertium cannot carry",
                engine_wide=False,
            )
        texts: list[str] = []
        unknown: list[tuple[str, ...]] = []
        for index in range(len(segments)):
            text, words = strip_marks(found[index])
            # apertium leaves double spaces where it drops or moves a word.
            texts.append(" ".join(text.split()))
            unknown.append(words)
        characters = sum(len(unescape(_TAG.sub("", s))) for s in segments)
        return EngineResult(segments=tuple(texts), billed=characters, unknown_words=tuple(unknown))

    async def _run(self, argv: list[str], document: str) -> str:
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # its own process group, so a hang kills the pipeline
            )
        except FileNotFoundError as exc:
            raise EngineError(
                f"apertium program {argv[0]!r} not found — install Debian's apertium package"
            ) from exc
        try:
            stdout, stderr = await asyncio.wait_for(
                process.communicate(document.encode("utf-8")), self.timeout
            )
        except TimeoutError as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise EngineError(
                f"apertium took longer than {self.timeout:g} s — raise translate.apertium.timeout"
            ) from exc
        if process.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            raise EngineError(f"apertium failed: {message[-1] if message else process.returncode}")
        return stdout.decode("utf-8", "replace")


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=ApertiumEngine.name,
            create=ApertiumEngine.from_settings,
            description="apertium, rule-based and offline (Debian's apertium-* pair packages)",
            free=lambda _settings: True,
        )
    ]
