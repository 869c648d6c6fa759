"""Long blocks split at sentence boundaries to an engine's size limit, and joined back.

Splitting never cuts inside a tag or an entity; a sentence longer than the limit on its
own is cut at the last space before the limit (an engine that refuses long input would
otherwise fail the whole block).
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally closed by quotes or brackets) before a space, or
# at a CJK full stop; the split point is after the punctuation and any spaces.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ÖØ-ÞА-Я0-9¿¡<])|(?<=[。！？])"
)
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&[#\w]+;")


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Tags, entities, and whole inline elements: a chunk must never hold half a link."""
    spans = [(m.start(), m.end()) for m in _TAG_OR_ENTITY.finditer(text)]
    depth, opened_at = 0, 0
    for match in re.finditer(r"<(/?)[a-zA-Z][^>]*>", text):
        if match.group(1):
            depth = max(depth - 1, 0)
            if depth == 0:
                spans.append((opened_at, match.end()))
        else:
            if depth == 0:
                opened_at = match.start()
            depth += 1
    return spans


def sentences(text: str) -> list[str]:
    """``text`` cut after each sentence; joining the pieces gives ``text`` back exactly."""
    spans = _protected_spans(text)
    cuts = [
        m.end()
        for m in _BOUNDARY.finditer(text)
        if not any(start < m.end() < end for start, end in spans)
    ]
    pieces, last = [], 0
    for cut in cuts:
        if cut > last:
            pieces.append(text[last:cut])
            last = cut
    if last < len(text):
        pieces.append(text[last:])
    return pieces


def _hard_cut(piece: str, limit: int) -> list[str]:
    spans = _protected_spans(piece)
    out: list[str] = []
    start = 0
    while len(piece) - start > limit:
        end = start + limit
        space = piece.rfind(" ", start + 1, end)
        cut = space + 1 if space > start else end
        for span_start, span_end in spans:
            if span_start < cut < span_end:
                cut = span_start if span_start > start else span_end
        out.append(piece[start:cut])
        start = cut
    out.append(piece[start:])
    return out


def split(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` characters where possible, each a run of whole sentences.

    ``"".join(split(text, n)) == text`` always holds, so the translations join the same way.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in sentences(text):
        if len(sentence) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(_hard_cut(sentence, limit))
        elif len(current) + len(sentence) > limit:
            chunks.append(current)
            current = sentence
        else:
            current += sentence
    if current:
        chunks.append(current)
    return chunks


def join(translations: list[str], originals: list[str]) -> str:
    """Rejoin translated chunks, keeping a space between them where the source had one."""
    out = ""
    for translated, original in zip(translations, originals, strict=True):
        piece = translated.strip()
        if out and original[:1] != " " and out[-1:] != " " and not _is_cjk_end(out):
            out += " "
        out += piece
    return out


def _is_cjk_end(text: str) -> bool:
    return bool(text) and "\u3000" <= text[-1] <= "\u9fff"
