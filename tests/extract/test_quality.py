"""The extraction quality gate: the desk's F1 on the Article Extraction Benchmark's test part.

A change that makes the extractor worse on pages nobody tuned it on fails here, before it
reaches a curator. The pages are the benchmark's fixed test part (``part_of`` in
benchmarks/extraction.py: the pages whose id hashes odd), never looked at while shaping a
rule; the tuning part is not pinned, so a rule cannot be shaped to pass this gate. The
figure is quality only, never speed (a shared CI machine's timings would make a flaky
gate). The metric, the loading and the split are the benchmark script's own, so this test
and the published figure cannot drift apart. The data lives beside the repository
(../shared/data, or wherever the environment variable FOREIGNDESK_BENCHMARK_DATA points:
set it for a clone elsewhere) and is never copied into it; where it is absent the test is
skipped, saying so.
"""

from __future__ import annotations

import pytest
from benchmarks.extraction import BENCHMARK, TEST, desk_text, load_pages, pages_of, score

#: The issue's bar for the test part (F1 0.970), with the precision and recall below what
#: the extractor reaches there (F1 0.9761, P 0.9667, R 0.9857) by about a point: room for
#: a rule that trades a little of one for the other, none for a rule that loses text or
#: lets furniture in across many pages. A new trafilatura release that moves the figures
#: is a decision to make in its issue, not a pin to lower quietly.
PINNED_F1 = 0.970
PINNED_PRECISION = 0.955
PINNED_RECALL = 0.975
TEST_PART_PAGES = 79

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
def test_extraction_f1_on_the_test_part_does_not_drop() -> None:
    pages = pages_of(TEST, load_pages())
    result = score((page.gold, desk_text(page.html, page.url)) for page in pages)
    assert len(pages) == TEST_PART_PAGES
    assert result.f1 >= PINNED_F1, result
    assert result.precision >= PINNED_PRECISION, result
    assert result.recall >= PINNED_RECALL, result
