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
absolute rates depend on the machine. It is measured twice: in CPU seconds of this
process (``time.process_time``), the figure that counts, because extraction is
single-threaded CPU work and another busy process on a shared machine takes wall-clock
time from whichever side it happens to overlap; and in wall-clock seconds, printed beside
it (``wall_speed_ratio``).

The pages are split once, for good, into a tuning part and a test part: a page is in the
test part when the SHA-256 of its id, read as a number, is odd (``part_of``). Of the 181
pages that makes 102 for tuning and 79 for the test. Rules are shaped on the tuning part
only (``--misses`` lists the tuning part's worst pages, never the test part's); the F1
that counts is the test part's, with the tuning part's printed beside it. Speed is
measured over the whole set, where more pages mean a steadier rate.

Run from the project root:
``.venv/bin/python benchmarks/extraction.py [--rounds 5] [--misses]``. The data is read
from ``../shared/data/article-extraction-benchmark`` (or the folder of that name under
``$FOREIGNDESK_BENCHMARK_DATA``) and never copied into the repository. The last line of
output is one JSON object: ``f1``, ``precision`` and ``recall`` are the desk's on the test
part, ``baseline_*`` trafilatura's on the same pages, ``tuning_*`` the same on the tuning
part, ``docs_per_s``, ``baseline_docs_per_s`` and ``speed_ratio`` the CPU rates over the
whole set (``wall_*`` the wall-clock ones), ``test_pages`` and ``tuning_pages`` the part
sizes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
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


def run(extractor: Extractor, pages: Sequence[Page]) -> tuple[list[str], float, float]:
    """(the extractor's text for every page, CPU seconds it took, wall-clock seconds)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    texts = [extractor(page.html, page.url) for page in pages]
    return texts, time.process_time() - started_cpu, time.perf_counter() - started


TEST = "test"
TUNING = "tuning"


def part_of(page_id: str) -> str:
    """The part a page belongs to, fixed by its id alone (see the docstring)."""
    return TEST if int(hashlib.sha256(page_id.encode("utf-8")).hexdigest(), 16) % 2 else TUNING


def pages_of(part: str, pages: Sequence[Page]) -> list[Page]:
    """The pages of one part (``TEST``: the pages whose figure counts, and is pinned)."""
    return [page for page in pages if part_of(page.id) == part]


def show_misses(pages: Sequence[Page], texts: Sequence[str], limit: int = 15) -> None:
    """The tuning part's worst pages by F1, to look at; the test part is never shown."""
    scored = [
        (score([(page.gold, text)]).f1, page.id, page.url)
        for page, text in zip(pages, texts, strict=True)
        if part_of(page.id) == TUNING
    ]
    for f1, page_id, url in sorted(scored)[:limit]:
        print(f"  tuning miss {f1:.3f} {page_id} {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (best is kept)")
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    args = parser.parse_args(argv)
    if not BENCHMARK.is_dir():
        print(f"benchmark data not found at {BENCHMARK}", file=sys.stderr)
        return 2
    pages = load_pages()
    extractors: dict[str, Extractor] = {"desk": desk_text, "trafilatura": trafilatura_text}
    texts: dict[str, list[str]] = {}
    best: dict[str, float] = {}
    best_wall: dict[str, float] = {}
    for round_ in range(max(1, args.rounds)):
        # Alternate which goes first, so neither always runs on a warmer machine.
        order = list(extractors) if round_ % 2 == 0 else list(reversed(extractors))
        for name in order:
            texts[name], seconds, wall = run(extractors[name], pages)
            best[name] = min(best.get(name, seconds), seconds)
            best_wall[name] = min(best_wall.get(name, wall), wall)
    scores = {
        part: {
            name: score(
                (p.gold, t)
                for p, t in zip(pages, texts[name], strict=True)
                if part_of(p.id) == part
            )
            for name in texts
        }
        for part in (TUNING, TEST)
    }
    sizes = {part: sum(1 for p in pages if part_of(p.id) == part) for part in (TUNING, TEST)}
    rates = {name: len(pages) / best[name] for name in best}
    wall_rates = {name: len(pages) / best_wall[name] for name in best_wall}
    if args.misses:
        show_misses(pages, texts["desk"])
    print(
        f"{len(pages)} pages, split by part_of: tuning {sizes[TUNING]}, test {sizes[TEST]};"
        f" best of {max(1, args.rounds)} rounds"
    )
    print(f"{'':20} {'precision':>9} {'recall':>7} {'F1':>6}")
    for part in (TUNING, TEST):
        for name, result in scores[part].items():
            label = f"{part} {name}"
            print(f"{label:20} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f}")
    for name, rate in rates.items():
        print(
            f"{name:12} {rate:7.1f} docs/CPU-s {wall_rates[name]:7.1f} docs/s wall"
            f" (all {len(pages)} pages)"
        )
    ratio = rates["desk"] / rates["trafilatura"]
    wall_ratio = wall_rates["desk"] / wall_rates["trafilatura"]
    print(f"speed ratio desk/trafilatura: {ratio:.2f}x CPU, {wall_ratio:.2f}x wall-clock")
    desk, base = scores[TEST]["desk"], scores[TEST]["trafilatura"]
    tuned, tuned_base = scores[TUNING]["desk"], scores[TUNING]["trafilatura"]
    print(
        json.dumps(
            {
                "f1": round(desk.f1, 4),
                "precision": round(desk.precision, 4),
                "recall": round(desk.recall, 4),
                "baseline_f1": round(base.f1, 4),
                "baseline_precision": round(base.precision, 4),
                "baseline_recall": round(base.recall, 4),
                "tuning_f1": round(tuned.f1, 4),
                "tuning_precision": round(tuned.precision, 4),
                "tuning_recall": round(tuned.recall, 4),
                "tuning_baseline_f1": round(tuned_base.f1, 4),
                "docs_per_s": round(rates["desk"], 1),
                "baseline_docs_per_s": round(rates["trafilatura"], 1),
                "speed_ratio": round(ratio, 2),
                "wall_docs_per_s": round(wall_rates["desk"], 1),
                "wall_baseline_docs_per_s": round(wall_rates["trafilatura"], 1),
                "wall_speed_ratio": round(wall_ratio, 2),
                "test_pages": sizes[TEST],
                "tuning_pages": sizes[TUNING],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
