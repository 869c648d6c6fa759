"""Segments through a chain of engines: split, protected, batched, checked, put back.

The translator adapts every engine to the desk's needs: long segments are split at
sentence boundaries to the engine's size limit; glossary terms are hidden behind tokens
for engines without glossaries; inline tags become placeholders for engines that do not
keep markup; segments are batched to the engine's limits and batches run concurrently up
to the engine's concurrency. A batch that fails because of its text is bisected until the
failing segment is found, so one bad block never costs the others. An engine that fails
as a whole (bad key, quota, outage, budget) hands the remaining segments to the next
engine in the chain. What comes back is checked: every placeholder and glossary token
must return, or the segment carries a flag.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from foreigndesk.errors import BudgetExceeded, EngineError
from foreigndesk.slots import LocalSlots, Slots
from foreigndesk.translate import segment
from foreigndesk.translate.breaker import CircuitBreaker
from foreigndesk.translate.engine import Engine
from foreigndesk.translate.glossary import Glossary, is_token, restore
from foreigndesk.translate.placeholders import MARKUP_LOST, Masked, markup_intact, mask, unmask

logger = logging.getLogger(__name__)

GLOSSARY_LOST = "glossary_lost"
UNKNOWN_WORDS = "unknown_words"


@dataclass(frozen=True)
class SegmentResult:
    """One source segment's outcome: its translation and by which engine, or why not."""

    source: str
    text: str | None = None
    engine: str | None = None
    flags: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class Usage:
    calls: int = 0
    billed: int = 0


@dataclass
class TranslationRun:
    results: dict[str, SegmentResult] = field(default_factory=dict)
    usage: dict[str, Usage] = field(default_factory=dict)

    @property
    def failures(self) -> dict[str, str]:
        return {s: r.error or "not translated" for s, r in self.results.items() if r.text is None}


@dataclass
class _Piece:
    """A chunk of a segment as one engine will see it."""

    segment: str
    index: int
    original: str
    sent: str
    masked: Masked | None
    output: str | None = None
    unknown: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class _EngineState:
    engine: Engine
    breaker: CircuitBreaker
    budget: int | None
    usage: Usage
    down: str | None = None


class Translator:
    """Translates segments with a chain of engines; the first one is preferred."""

    def __init__(
        self,
        chain: Sequence[Engine],
        *,
        breakers: dict[str, CircuitBreaker] | None = None,
        budget_left: Callable[[str], int | None] = lambda _name: None,
        slots: Slots | None = None,
    ) -> None:
        #: The engines' limits on requests in flight: shared with every other translation
        #: of the stage (and, in Redis, of every worker), or this translation's own.
        self.slots: Slots = slots or LocalSlots()
        self.chain = list(chain)
        self.breakers = breakers if breakers is not None else {}
        self.budget_left = budget_left

    async def translate(
        self, segments: Sequence[str], source: str, target: str, glossary: Glossary | None = None
    ) -> TranslationRun:
        glossary = glossary or Glossary(source, target)
        run = TranslationRun()
        pending = list(dict.fromkeys(s for s in segments if s.strip()))
        reasons: dict[str, str] = {}
        for engine in self.chain:
            if not pending:
                break
            if (source, target) not in engine.pairs():
                for text in pending:
                    reasons.setdefault(text, f"{engine.name} has no {source}→{target} pair")
                continue
            breaker = self.breakers.setdefault(engine.name, CircuitBreaker())
            if not breaker.allows():
                for text in pending:
                    reasons[text] = f"{engine.name}: paused after repeated failures"
                continue
            state = _EngineState(
                engine,
                breaker,
                self.budget_left(engine.name),
                run.usage.setdefault(engine.name, Usage()),
            )
            done, failed = await self._with_engine(state, pending, source, target, glossary)
            run.results.update(done)
            reasons.update(failed)
            pending = [text for text in pending if text not in done]
        for text in pending:
            run.results[text] = SegmentResult(text, error=reasons.get(text, "no engine configured"))
        return run

    async def _with_engine(
        self,
        state: _EngineState,
        segments: list[str],
        source: str,
        target: str,
        glossary: Glossary,
    ) -> tuple[dict[str, SegmentResult], dict[str, str]]:
        engine = state.engine
        pieces: list[_Piece] = []
        tokens: dict[str, dict[str, str]] = {}
        for text in segments:
            sendable = text
            if glossary and not engine.native_glossary:
                sendable, tokens[text] = glossary.protect(text)
            for index, chunk in enumerate(segment.split(sendable, engine.limits.max_segment_chars)):
                masked = None if engine.keeps_markup else mask(chunk)
                pieces.append(_Piece(text, index, chunk, masked.text if masked else chunk, masked))
        native = glossary if engine.native_glossary and glossary else None
        await asyncio.gather(
            *(
                self._send(state, batch, source, target, native)
                for batch in _batches(pieces, engine.limits.max_segments, engine.limits.max_chars)
            )
        )
        done: dict[str, SegmentResult] = {}
        failed: dict[str, str] = {}
        by_segment: dict[str, list[_Piece]] = {}
        for piece in pieces:
            by_segment.setdefault(piece.segment, []).append(piece)
        for text, parts in by_segment.items():
            errors = [p.error for p in parts if p.output is None]
            if errors:
                failed[text] = errors[0] or f"{engine.name}: no translation"
                continue
            done[text] = _assemble(engine.name, text, parts, tokens.get(text, {}), glossary)
        return done, failed

    async def _send(
        self,
        state: _EngineState,
        batch: list[_Piece],
        source: str,
        target: str,
        glossary: Glossary | None,
    ) -> None:
        engine = state.engine
        async with self.slots.hold(f"engine:{engine.name}", engine.limits.concurrency):
            if state.down:
                for piece in batch:
                    piece.error = state.down
                return
            size = sum(len(p.sent) for p in batch)
            try:
                if state.budget is not None and size > state.budget:
                    raise BudgetExceeded(
                        f"{state.engine.name}: the monthly budget is spent ({state.budget}"
                        f" {state.engine.billing_unit} left, {size} needed) — raise "
                        f"translate.budget.{state.engine.name} or wait for next month"
                    )
                result = await state.engine.translate(
                    [p.sent for p in batch], source, target, glossary
                )
            except EngineError as exc:
                state.breaker.failed()
                state.usage.billed += exc.billed
                if state.budget is not None:
                    state.budget -= exc.billed
                if exc.engine_wide or len(batch) == 1:
                    logger.warning("%s", exc)
                    if exc.engine_wide:
                        state.down = str(exc)
                    for piece in batch:
                        piece.error = str(exc)
                    return
                failure = exc
            else:
                state.breaker.succeeded()
                state.usage.calls += 1
                state.usage.billed += result.billed
                if state.budget is not None:
                    state.budget -= result.billed
                unknown = result.unknown_words or tuple(() for _ in batch)
                for piece, output, words in zip(batch, result.segments, unknown, strict=True):
                    piece.output, piece.unknown = output, words
                return
        # A batch refused for its text: halve it until the segment at fault stands alone.
        logger.info(
            "%s refused a batch of %d (%s); bisecting", state.engine.name, len(batch), failure
        )
        middle = len(batch) // 2
        await asyncio.gather(
            self._send(state, batch[:middle], source, target, glossary),
            self._send(state, batch[middle:], source, target, glossary),
        )


def _batches(pieces: list[_Piece], max_segments: int, max_chars: int) -> list[list[_Piece]]:
    """Consecutive runs of pieces within the engine's limits; order kept for context."""
    batches: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    for piece in pieces:
        if current and (len(current) >= max_segments or size + len(piece.sent) > max_chars):
            batches.append(current)
            current, size = [], 0
        current.append(piece)
        size += len(piece.sent)
    if current:
        batches.append(current)
    return batches


def _assemble(
    engine: str, text: str, parts: list[_Piece], tokens: dict[str, str], glossary: Glossary
) -> SegmentResult:
    flags: list[str] = []
    outputs: list[str] = []
    for part in sorted(parts, key=lambda p: p.index):
        output = part.output or ""
        if part.masked is not None:
            output, intact = unmask(output, part.masked)
        else:
            intact = markup_intact(part.original, output)
        if not intact and MARKUP_LOST not in flags:
            flags.append(MARKUP_LOST)
        outputs.append(output)
    joined = segment.join(outputs, [p.original for p in sorted(parts, key=lambda p: p.index)])
    joined, lost = restore(joined, tokens)
    if glossary and not tokens:
        # A native glossary was trusted with the terms: check that it used them.
        lost = [e.target for e in glossary.lacking(text, joined)]
    if lost:
        flags.append(GLOSSARY_LOST)
    words = sorted({w for p in parts for w in p.unknown if not is_token(w)})
    if words:
        flags.append(f"{UNKNOWN_WORDS}:{','.join(words)}")
    return SegmentResult(text, joined, engine, tuple(flags))
