"""The extraction quality gate: the desk's F1 on the Article Extraction Benchmark.

A change that makes the extractor worse on the benchmark fails here, before it reaches a
curator. The figure is quality only, never speed (a shared CI machine's timings would make
a flaky gate). The metric and the loading are the benchmark script's own
(benchmarks/extraction.py), so this test and the published figure cannot drift apart.
The data lives beside the repository (../shared/data, or wherever the environment
variable FOREIGNDESK_BENCHMARK_DATA points: set it for a clone elsewhere) and is never
copied into it; where it is absent the test is skipped, saying so.
"""

from __future__ import annotations

import pytest
from benchmarks.extraction import BENCHMARK, desk_text, load_pages, score

#: What the extractor reaches (F1 0.9744, P 0.9655, R 0.9835), rounded down: extraction is
#: deterministic, so any rule that loses text or lets furniture in fails here. Raise the
#: pins with an improvement; a new trafilatura release that moves them is a decision to
#: make in its issue, not a pin to lower quietly.
PINNED_F1 = 0.974
PINNED_PRECISION = 0.965
PINNED_RECALL = 0.983

needs_benchmark = pytest.mark.skipif(
    not (BENCHMARK / "ground-truth.json").is_file(),
    reason=f"the Article Extraction Benchmark is not at {BENCHMARK}: set"
    " FOREIGNDESK_BENCHMARK_DATA to the folder that holds article-extraction-benchmark",
)


def test_the_benchmark_metric_scores_known_cases() -> None:
    gold = "one two three four five six"
    assert score([(gold, gold)]).f1 == 1.0
    assert score([(gold, "")]).f1 == 0.0
    half = score([(gold, "one two three four")])  # 1 of 3 gold shingles found
    assert half.precision == 1.0
    assert round(half.recall, 3) == 0.333


@needs_benchmark
def test_extraction_f1_does_not_drop() -> None:
    pages = load_pages()
    result = score((page.gold, desk_text(page.html, page.url)) for page in pages)
    assert len(pages) == 181
    assert result.f1 >= PINNED_F1, result
    assert result.precision >= PINNED_PRECISION, result
    assert result.recall >= PINNED_RECALL, result
