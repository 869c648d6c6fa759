"""Translation QA on the labelled set: precision and recall per check and overall.

tests/data/qa/pairs.jsonl holds en→ja and en→es records, clean and with errors of every
kind the checks look for, each labelled with the checks that should fire. A record counts
for a check as found (the check fired and the label says so), a false alarm, or a miss.
The baseline is the label set itself: the figures are ratios against it. Goal: precision
>= 0.90 and recall >= 0.95 overall, and no check below 0.85 on either.

Run: ``.venv/bin/python benchmarks/qa.py [--show-misses]``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from foreigndesk.qa import CHECK_NAMES, BlockPair, QAContext, check_pairs

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "qa" / "pairs.jsonl"


def load(path: Path = DATA) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def predicted(item: dict[str, Any]) -> set[str]:
    """The checks that fire on one record."""
    context = QAContext(
        source_lang=item["from"],
        target_lang=item["to"],
        glossary=tuple((s, t) for s, t in item["glossary"]),
    )
    pairs = [BlockPair(i, s, t) for i, (s, t) in enumerate(item["blocks"])]
    return {f.check for f in check_pairs(pairs, context)}


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def evaluate(items: list[dict[str, Any]], show_misses: bool = False) -> dict[str, float]:
    found: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for item in items:
        expected, fired = set(item["expected"]), predicted(item)
        for check in expected & fired:
            found[check] += 1
        for check in fired - expected:
            alarms[check] += 1
            if show_misses:
                print(f"  false alarm {check}: {item['id']}")
        for check in expected - fired:
            missed[check] += 1
            if show_misses:
                print(f"  missed {check}: {item['id']}")
    print(f"{'check':<16}{'labelled':>9}{'found':>7}{'alarms':>8}{'precision':>11}{'recall':>8}")
    precisions, recalls = [], []
    for check in CHECK_NAMES:
        labelled = found[check] + missed[check]
        precision = ratio(found[check], found[check] + alarms[check])
        recall = ratio(found[check], labelled)
        precisions.append(precision)
        recalls.append(recall)
        print(
            f"{check:<16}{labelled:>9}{found[check]:>7}{alarms[check]:>8}"
            f"{precision:>11.3f}{recall:>8.3f}"
        )
    total_found, total_alarms = sum(found.values()), sum(alarms.values())
    total_labelled = total_found + sum(missed.values())
    return {
        "precision": ratio(total_found, total_found + total_alarms),
        "recall": ratio(total_found, total_labelled),
        "min_check_precision": min(precisions),
        "min_check_recall": min(recalls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-misses", action="store_true", help="List each miss and alarm.")
    args = parser.parse_args()
    items = load()
    pairs = sum(len(item["blocks"]) for item in items)
    clean = sum(1 for item in items if not item["expected"])
    started = time.perf_counter()
    figures = evaluate(items, args.show_misses)
    elapsed = time.perf_counter() - started
    print(
        f"{len(items)} records ({pairs} block pairs, {clean} clean) in {elapsed:.2f} s:"
        f" precision {figures['precision']:.3f} (goal >= 0.90),"
        f" recall {figures['recall']:.3f} (goal >= 0.95);"
        f" lowest check precision {figures['min_check_precision']:.3f},"
        f" lowest check recall {figures['min_check_recall']:.3f} (goal >= 0.85)"
    )
    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
