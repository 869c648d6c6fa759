"""An independent labelled set for the translation checks, built from WMT23 English→Japanese.

The checks in ``foreigndesk.qa`` were first measured on a set written in the same commit as
they were (#15): it said what the checks already knew. This set is made another way. Its
clean records are professional translations nobody wrote for the desk (the WMT23 general
test set, source and human reference, Kocmi et al., 2023, "Findings of the 2023 Conference
on Machine Translation (WMT23)"); its faulty records are copies of them with one fault
injected by a small module per fault kind (:mod:`benchmarks.qaset.faults`), each labelled
with the check that should find it. The split into dev and test is fixed here
(:mod:`benchmarks.qaset.split`), so one can tune on dev and report on test.

Nothing is written to disk and nothing of the data is copied into the repository: the set
is rebuilt in memory from ``../shared/data/wmt23-en-ja`` (or ``$FOREIGNDESK_DATA``) on
every run, deterministically (every random choice comes from a seeded ``random.Random``).
"""

from __future__ import annotations

from benchmarks.qaset.article import Article
from benchmarks.qaset.build import build, clean_articles, faulty_articles
from benchmarks.qaset.corpus import Corpus, DataMissing, data_folder, load_corpus
from benchmarks.qaset.faults import KINDS, FaultKind
from benchmarks.qaset.split import ARTICLE_LINES, PARTS, articles
from benchmarks.qaset.systems import system_articles

__all__ = [
    "ARTICLE_LINES",
    "KINDS",
    "PARTS",
    "Article",
    "Corpus",
    "DataMissing",
    "FaultKind",
    "articles",
    "build",
    "clean_articles",
    "data_folder",
    "faulty_articles",
    "load_corpus",
    "system_articles",
]
