"""Glossaries: one spelling for every name and term, with every engine.

A glossary belongs to a language pair. Engines that take glossaries natively (DeepL,
Google) get the entries; LLMs get them in the prompt; every other engine gets the terms
hidden behind placeholder tokens it passes through untouched, and the target spellings
put back afterwards. The glossary version that keys the translation memory is computed
per segment from the entries that occur in it, so adding a term re-translates only the
text that uses it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from foreigndesk.errors import DeskError

NO_GLOSSARY = "none"
#: The token a protected term travels as: no engine translates or inflects it.
_TOKEN = "ZXG{}QZ"  # noqa: S105 - a placeholder pattern, not a secret
_TOKEN_RE = re.compile(r"ZXG(\d+)QZ")


@dataclass(frozen=True, order=True)
class GlossaryEntry:
    source: str
    target: str


@dataclass(frozen=True)
class Glossary:
    """The entries for one language pair; empty when the curator has none."""

    source_lang: str
    target_lang: str
    entries: tuple[GlossaryEntry, ...] = ()

    def __post_init__(self) -> None:
        # Longest terms first, so "Jane Roe" wins over "Roe".
        ordered = tuple(sorted(set(self.entries), key=lambda e: (-len(e.source), e.source)))
        object.__setattr__(self, "entries", ordered)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _pattern(self, entry: GlossaryEntry) -> re.Pattern[str]:
        # Whole words only for alphabetic scripts; a term in CJK text has no word edges.
        return _whole(entry.source, r"\w")

    def matches(self, text: str) -> tuple[GlossaryEntry, ...]:
        """Entries whose source term occurs in ``text`` (outside markup)."""
        plain = re.sub(r"<[^>]+>", " ", text)
        return tuple(e for e in self.entries if self._pattern(e).search(plain))

    def version_for(self, text: str) -> str:
        """The memory key's glossary part: a hash of the entries ``text`` uses."""
        used = sorted(self.matches(text))
        if not used:
            return NO_GLOSSARY
        raw = "\x1e".join(f"{e.source}\x1f{e.target}" for e in used)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    def protect(self, text: str) -> tuple[str, dict[str, str]]:
        """Hide each term behind a token; returns the text and token → target spelling."""
        mapping: dict[str, str] = {}
        pieces = re.split(r"(<[^>]+>)", text)
        for number, entry in enumerate(self.matches(text)):
            token = _TOKEN.format(number)
            pattern = self._pattern(entry)
            replaced = False
            for index, piece in enumerate(pieces):
                if piece.startswith("<"):
                    continue
                new = pattern.sub(token, piece)
                replaced = replaced or new != piece
                pieces[index] = new
            if replaced:
                mapping[token] = entry.target
        return "".join(pieces), mapping

    def enforce(self, source: str, output: str) -> tuple[str, list[GlossaryEntry]]:
        """``output``, an engine's translation of ``source``, with the glossary's spelling
        of every term ``source`` holds: a term the engine left as the source writes it
        ("Jane Roe" in a Japanese answer, as a small model does) is respelled, in text
        only, never inside a tag. Returns the text and the entries it still lacks (dropped,
        or spelled another way), which no translation may be stored without. The marks
        between a name's parts do not count (ジェーン・ロウ = ジェーン＝ロウ)."""
        pieces = re.split(r"(<[^>]+>)", output)
        for entry in self.matches(source):
            # A target that holds its source ("NATO" → "NATO（北大西洋条約機構）") is not
            # respelled where the answer has it already: that would write it twice.
            present = _folded(entry.target) in _folded(_TAG.sub("", "".join(pieces)))
            if not (present and entry.source in entry.target):
                pattern = _in_translation(entry.source)
                literal = entry.target.replace("\\", "\\\\")  # a backslash as written
                for index, piece in enumerate(pieces):
                    if not piece.startswith("<"):
                        pieces[index] = pattern.sub(literal, piece)
        respelled = "".join(pieces)
        return respelled, self.lacking(source, respelled)

    def lacking(self, source: str, output: str) -> list[GlossaryEntry]:
        """The entries ``source`` holds whose spelling ``output`` (its translation) lacks,
        in text, not counting the marks between a name's parts: what every engine's answer
        is checked for, whether the glossary was sent to it or its terms were hidden."""
        text = _folded(_TAG.sub("", output))
        return [e for e in self.matches(source) if _folded(e.target) not in text]

    def rename(self, name: str) -> str:
        """A name as the glossary spells it, or unchanged: for authors in bylines."""
        for entry in self.entries:
            if entry.source == name:
                return entry.target
        return name


_TAG = re.compile(r"<[^>]+>")
_MARKS = re.compile(r"[\s・＝=·]")


def _whole(term: str, letters: str) -> re.Pattern[str]:
    """``term`` not run into by any of ``letters`` (a character class's inside) at an
    edge where it has a letter or digit itself."""
    left = f"(?<![{letters}])" if term[:1].isalnum() else ""
    right = f"(?![{letters}])" if term[-1:].isalnum() else ""
    return re.compile(left + re.escape(term) + right)


def _in_translation(term: str) -> re.Pattern[str]:
    """A source term as it may stand in a translation: a whole word among Latin letters,
    but not among kana or Han, which run into it without a space ("Jane Roeは")."""
    return _whole(term, "0-9A-Za-z\u00c0-\u024f")


def _folded(text: str) -> str:
    return _MARKS.sub("", text)


def is_token(word: str) -> bool:
    """Whether ``word`` is one of the tokens that carry a protected term."""
    return bool(_TOKEN_RE.fullmatch(word))


def restore(text: str, mapping: dict[str, str]) -> tuple[str, list[str]]:
    """Put target spellings back; returns the text and the tokens the engine lost."""
    missing = [token for token in mapping if token not in text]
    return _TOKEN_RE.sub(lambda m: mapping.get(m.group(0), m.group(0)), text), missing


def parse_csv(data: str) -> list[GlossaryEntry]:
    """Two columns, source term then target term; a header row is recognised and skipped."""
    rows = list(csv.reader(io.StringIO(data)))
    if rows and [c.strip().lower() for c in rows[0][:2]] in (
        ["source", "target"],
        ["term", "translation"],
    ):
        rows = rows[1:]
    entries = []
    for number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise DeskError(f"glossary CSV row {number}: needs a source and a target term")
        entries.append(GlossaryEntry(row[0].strip(), row[1].strip()))
    return entries


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_tbx(data: bytes, source_lang: str, target_lang: str) -> list[GlossaryEntry]:
    """Concept entries of a TBX file (TBX-Basic/v2 ``termEntry`` or v3 ``conceptEntry``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DeskError(f"glossary TBX: not well-formed XML ({exc})") from exc
    entries = []
    for concept in root.iter("{*}termEntry", "{*}conceptEntry", "termEntry", "conceptEntry"):
        terms: dict[str, str] = {}
        for lang_set in concept.iter("{*}langSet", "{*}langSec", "langSet", "langSec"):
            lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").split("-")[0].lower()
            term = next(iter(lang_set.iter("{*}term", "term")), None)
            if lang and term is not None and term.text and lang not in terms:
                terms[lang] = term.text.strip()
        if source_lang in terms and target_lang in terms:
            entries.append(GlossaryEntry(terms[source_lang], terms[target_lang]))
    return entries


def glossary_from(
    source_lang: str, target_lang: str, entries: Iterable[GlossaryEntry] | Sequence[tuple[str, str]]
) -> Glossary:
    items = [e if isinstance(e, GlossaryEntry) else GlossaryEntry(*e) for e in entries]
    return Glossary(source_lang, target_lang, tuple(items))
