"""The independent QA set's builder (``benchmarks/qaset``), not the checks it measures.

The split is fixed and its parts disjoint; clean records are the data's lines with a
glossary the reference honours and markup carried on both sides; every fault module makes
the fault it is named for, in one place, labelled with its check, the same way on every
run. Skipped where the WMT23 data is not beside the repository (``../shared/data``, or
``$FOREIGNDESK_DATA``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from html import unescape

import pytest
from benchmarks.qaset import (
    KINDS,
    PARTS,
    Article,
    Corpus,
    DataMissing,
    FaultKind,
    articles,
    clean_articles,
    load_corpus,
)
from benchmarks.qaset.faults import llm_artefacts
from benchmarks.qaset.glossary import exact
from benchmarks.qaset.split import groups
from benchmarks.qaset.text import JAPANESE, balanced, ja_sentences, plain

#: Faulty copies made per kind in these tests: enough to meet several variants.
COPIES = 6


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    try:
        return load_corpus()
    except DataMissing as missing:
        pytest.skip(f"the WMT23 en-ja data is not here: {missing}")


@pytest.fixture(scope="module")
def clean(corpus: Corpus) -> list[Article]:
    return clean_articles(corpus, "test")


def test_the_split_is_fixed_and_its_parts_disjoint(corpus: Corpus) -> None:
    assert dict(PARTS) == {"dev": range(0, 1037), "test": range(1037, 2074)}
    covered = [line for part in PARTS.values() for group in groups(part) for line in group]
    assert covered == list(range(2074))  # every line once, in order, in one part
    for name, part in PARTS.items():
        for group in groups(part):
            assert group.start in part and group.stop - 1 in part, name
            assert 3 <= len(group) <= 8


def test_articles_are_the_data_lines_escaped(corpus: Corpus) -> None:
    dev = articles(corpus, "dev")
    test = articles(corpus, "test")
    assert {a.id for a in dev}.isdisjoint(a.id for a in test)
    for article in (dev[0], test[-1]):
        lines = range(article.first_line, article.first_line + len(article.source))
        assert [unescape(s) for s in article.source] == [corpus.source[i] for i in lines]
        assert [unescape(t) for t in article.target] == [corpus.reference[i] for i in lines]


def test_clean_records_are_unlabelled_honour_their_glossary_and_carry_markup_both_sides(
    clean: list[Article],
) -> None:
    assert all(a.clean and not a.fault for a in clean)
    assert sum(len(a.source) for a in clean) >= 300
    assert sum(1 for a in clean if a.glossary) > len(clean) // 3
    for article in clean:
        for term, rendering in article.glossary:
            for source, target in zip(article.source, article.target, strict=True):
                if exact(term).search(plain(source)):
                    assert rendering in plain(target), (article.id, term)
        for source, target in zip(article.source, article.target, strict=True):
            assert Counter(re.findall("<[^>]+>", source)) == Counter(re.findall("<[^>]+>", target))
    assert sum(1 for a in clean if any("<" in t for t in a.target)) > len(clean) // 3


def _changed(before: Article, after: Article) -> list[int]:
    return [i for i, (b, a) in enumerate(zip(before.target, after.target, strict=False)) if b != a]


def _digits(text: str) -> list[str]:
    return re.findall(r"\d+|午[前後]", unicodedata.normalize("NFKC", text))


def _katakana(text: str) -> set[str]:
    return set(re.findall("[ァ-ヺー・＝]{2,}", text))


def _polite(article: Article) -> int:
    text = "".join(article.target)
    return len(re.findall("(?:です|ます|ました|でした|ません|でしょう)[よね]*[。！？]", text))


def _numbers(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    return _digits(before.target[i]) != _digits(after.target[i])


def _brackets(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    return balanced(before.target[i]) and not balanced(after.target[i])


def _untranslated(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    words = len(re.findall("[A-Za-z]+", after.target[i])) - len(
        re.findall("[A-Za-z]+", before.target[i])
    )
    return words >= 4


def _repeats(before: Article, after: Article) -> bool:
    if len(after.target) == len(before.target) + 1:
        return any(a == b for a, b in zip(after.target, after.target[1:], strict=False))
    (i,) = _changed(before, after)
    return any(
        after.target[i].count(s) > before.target[i].count(s) for s in ja_sentences(before.target[i])
    )


def _paragraphs(before: Article, after: Article) -> bool:
    return len(after.target) != len(after.source) == len(before.source)


def _glossary(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    return any(
        exact(term).search(plain(after.source[i]))
        and rendering in plain(before.target[i])
        and rendering not in plain(after.target[i])
        for term, rendering in after.glossary
    )


def _names(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    return bool(_katakana(after.target[i]) - _katakana("".join(before.target)))


def _markup(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    tags = re.compile("<[^>]+>")
    return tags.findall(after.source[i]) != tags.findall(after.target[i])


def _punctuation(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    latin = [m.start() for m in re.finditer("[.,!?]", after.target[i])]
    halfwidth = re.search("[\uff66-\uff9f]", after.target[i])
    return bool(halfwidth) or any(JAPANESE.match(after.target[i][p - 1]) for p in latin)


def _register(before: Article, after: Article) -> bool:
    return 0 < _polite(before) - _polite(after) <= 2


def _length(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    return len(after.target[i]) <= 0.35 * len(before.target[i])


def _llm_artefacts(before: Article, after: Article) -> bool:
    (i,) = _changed(before, after)
    added = [*llm_artefacts.PREFACES, *llm_artefacts.NOTES, "```"]
    return any(plain(a) in plain(after.target[i]) for a in added)


def _consistency(before: Article, after: Article) -> bool:
    twice = [s for s, n in Counter(after.source).items() if n == 2]
    if len(after.source) != len(before.source) + 1 or len(twice) != 1:
        return False
    translations = {t for s, t in zip(after.source, after.target, strict=True) if s == twice[0]}
    return len(translations) == 2


#: Fault kind → what its copy must show, compared with the clean article.
MADE: dict[str, Callable[[Article, Article], bool]] = {
    "numbers": _numbers,
    "brackets": _brackets,
    "untranslated": _untranslated,
    "repeats": _repeats,
    "paragraphs": _paragraphs,
    "glossary": _glossary,
    "names": _names,
    "markup": _markup,
    "punctuation": _punctuation,
    "register": _register,
    "length": _length,
    "llm_artefacts": _llm_artefacts,
    "consistency": _consistency,
}


def _copies(kind: FaultKind, clean: list[Article], seed: int) -> list[tuple[Article, Article]]:
    rng = random.Random(seed)
    made: list[tuple[Article, Article]] = []
    for article in clean:
        copy = kind.inject(article, rng)
        if copy is not None:
            made.append((article, copy))
        if len(made) == COPIES:
            break
    return made


def test_every_kind_has_a_test() -> None:
    assert set(MADE) == set(KINDS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_injector_makes_its_fault_and_labels_it(name: str, clean: list[Article]) -> None:
    kind = KINDS[name]
    made = _copies(kind, clean, seed=15)
    assert len(made) == COPIES, f"{name}: fewer than {COPIES} places in the test part"
    for before, after in made:
        assert before.clean, "the clean article itself is left as it was"
        assert after.label == kind.check and after.id == f"{before.id}/{name}"
        assert after.variant.startswith(f"{name}/") and after.fault
        assert after.glossary == before.glossary
        assert kind.check not in after.tolerated
        if name != "consistency":
            assert after.source == before.source
        assert MADE[name](before, after), (after.id, after.variant, after.fault)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_injection_is_deterministic(name: str, clean: list[Article]) -> None:
    first = _copies(KINDS[name], clean, seed=7)
    again = _copies(KINDS[name], clean, seed=7)
    assert [after for _, after in first] == [after for _, after in again]
