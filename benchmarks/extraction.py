"""Article-body extraction quality and speed, the desk against bare trafilatura.

The figure is how much of each page's article body the desk's extractor gets right, scored
with the Article Extraction Benchmark's own metric (see its SOURCE.txt): the text is cut
into ``\\w+`` tokens, the tokens into 4-token shingles counted as multisets, and for each
page the true positives, false positives and false negatives are normalised to sum to 1,
so a long page weighs no more than a short one. Precision and recall are then taken over
those per-page figures averaged across pages, and F1 is their harmonic mean.

The desk's text is the text of its blocks, one block a line, exactly what translation gets.
The baseline is trafilatura with ``fast=True`` and comments left out, on the same pages in
the same run: the library the desk is built on, in the mode the benchmark's reference
figure was measured with (``include_comments=False`` is what reproduces that figure, and
comments are not the article). Speed is documents per second over the whole set, best of
``--rounds`` interleaved rounds, and is reported as a ratio to the baseline because
absolute rates depend on the machine.

Run from the project root: ``.venv/bin/python benchmarks/extraction.py [--rounds 3]``. The
data is read from ``../shared/data/article-extraction-benchmark`` (or the folder of that
name under ``$FOREIGNDESK_BENCHMARK_DATA``) and never copied into the repository. The
last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from foreigndesk.errors import DeskError
from foreigndesk.extract import extract_article

#: The benchmark data, beside the repository (never inside it): ``../shared/data`` from
#: the repository's root, or wherever ``FOREIGNDESK_BENCHMARK_DATA`` says (relative to
#: that root), for a clone that is not beside it.
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / os.environ.get("FOREIGNDESK_BENCHMARK_DATA", "../shared/data")
BENCHMARK = DATA / "article-extraction-benchmark"

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class Page:
    """One benchmark page: its id, address, raw HTML and the annotated article body."""

    id: str
    url: str
    html: bytes
    gold: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The text's 4-token shingles as a multiset; a text shorter than that is one shingle."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised to sum to 1 so every page weighs the same."""
    expected, found = shingles(gold), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum(found.values()) - tp
    fn = sum(expected.values()) - tp
    total = tp + fp + fn
    if total == 0:  # nothing expected and nothing found: a perfect page
        return 1.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Precision, recall and F1 over (gold, predicted) pairs, by the benchmark's metric."""
    counts = [page_counts(gold, predicted) for gold, predicted in pairs]
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def load_pages(root: Path = BENCHMARK) -> list[Page]:
    """Every page of the benchmark, in the ground truth's order."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            id=page_id,
            url=item["url"],
            html=gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()),
            gold=item["articleBody"],
        )
        for page_id, item in truth.items()
    ]


def desk_text(html: bytes, url: str) -> str:
    """What the desk extracts from a page, as text: its blocks' text, one block a line."""
    try:
        article = extract_article(html, url)
    except DeskError:
        return ""
    return "\n".join(block.text for block in article.blocks if block.text)


def trafilatura_text(html: bytes, url: str) -> str:
    """What bare trafilatura extracts from a page in its fast mode, comments left out."""
    return trafilatura.extract(html, url=url, fast=True, include_comments=False) or ""


Extractor = Callable[[bytes, str], str]


def run(extractor: Extractor, pages: Sequence[Page]) -> tuple[list[str], float]:
    """(the extractor's text for every page, seconds it took)."""
    started = time.perf_counter()
    texts = [extractor(page.html, page.url) for page in pages]
    return texts, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (best is kept)")
    args = parser.parse_args(argv)
    if not BENCHMARK.is_dir():
        print(f"benchmark data not found at {BENCHMARK}", file=sys.stderr)
        return 2
    pages = load_pages()
    extractors: dict[str, Extractor] = {"desk": desk_text, "trafilatura": trafilatura_text}
    texts: dict[str, list[str]] = {}
    best: dict[str, float] = {}
    for round_ in range(max(1, args.rounds)):
        # Alternate which goes first, so neither always runs on a warmer machine.
        order = list(extractors) if round_ % 2 == 0 else list(reversed(extractors))
        for name in order:
            texts[name], seconds = run(extractors[name], pages)
            best[name] = min(best.get(name, seconds), seconds)
    scores = {name: score(zip((p.gold for p in pages), texts[name], strict=True)) for name in texts}
    rates = {name: len(pages) / best[name] for name in best}
    print(f"{len(pages)} pages, best of {max(1, args.rounds)} rounds")
    print(f"{'':12} {'precision':>9} {'recall':>7} {'F1':>6} {'docs/s':>7}")
    for name, result in scores.items():
        print(
            f"{name:12} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f}"
            f" {rates[name]:7.1f}"
        )
    print(f"speed ratio desk/trafilatura: {rates['desk'] / rates['trafilatura']:.2f}x")
    print(
        json.dumps(
            {
                "f1": round(scores["desk"].f1, 4),
                "precision": round(scores["desk"].precision, 4),
                "recall": round(scores["desk"].recall, 4),
                "docs_per_s": round(rates["desk"], 1),
                "trafilatura_f1": round(scores["trafilatura"].f1, 4),
                "trafilatura_docs_per_s": round(rates["trafilatura"], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
