"""Translation throughput, three figures, each against its baseline in the same run.

(a) apertium words per second through the desk's engine (one process call per article,
    segments in numbered divs, marks stripped) against the bare ``apertium`` command on
    the same text: what the engine's wrapping costs. Goal: ratio >= 0.9.
(b) 2,000 segments, one per request, against a fake engine server with 100 ms latency
    that serves at most 8 requests at once: the translator's wall time against the ideal
    2000 / 8 x 0.1 s. It measures whether the desk keeps every slot busy. Goal <= 1.2.
(c) Engine calls made when an already translated article is translated again, through
    the pipeline's translation stage and its translation memory. Goal: 0.

Run: ``.venv/bin/python benchmarks/translate.py``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes and tests.conftest

from tests.conftest import write_config  # noqa: E402
from tests.fakes import LibreTranslateFake  # noqa: E402

from foreigndesk.config import load_settings  # noqa: E402
from foreigndesk.models import ArticleStatus  # noqa: E402
from foreigndesk.pipeline import Desk, RunReport  # noqa: E402
from foreigndesk.sample import SAMPLE_SITE, serve_directory  # noqa: E402
from foreigndesk.store import Store  # noqa: E402
from foreigndesk.translate.engine import EngineLimits  # noqa: E402
from foreigndesk.translate.engines.apertium import ApertiumEngine  # noqa: E402
from foreigndesk.translate.engines.libretranslate import LibreTranslateEngine  # noqa: E402
from foreigndesk.translate.http import RetryPolicy  # noqa: E402
from foreigndesk.translate.translator import Translator  # noqa: E402

MODES = Path("/usr/share/apertium/modes")


def sample_paragraphs() -> list[str]:
    """Every paragraph of the bundled sample magazine, as plain text."""
    from lxml import html

    paragraphs: list[str] = []
    for page in sorted((SAMPLE_SITE / "articles").glob("*.html")):
        tree = html.fromstring(page.read_bytes())
        for element in tree.iter("p"):
            paragraphs.append(" ".join("".join(str(t) for t in element.itertext()).split()))
    return [p for p in paragraphs if len(p) > 40]


def apertium_ratio(repeat: int) -> dict[str, float]:
    paragraphs = sample_paragraphs() * repeat
    words = sum(len(p.split()) for p in paragraphs)
    # Baseline: the bare command, the same text, one paragraph per line, one process.
    started = time.perf_counter()
    subprocess.run(
        ["apertium", "eng-spa"],
        input="\n".join(paragraphs).encode(),
        capture_output=True,
        check=True,
    )
    bare = time.perf_counter() - started

    engine = ApertiumEngine("apertium", MODES, timeout=600)
    started = time.perf_counter()
    result = asyncio.run(engine.translate(paragraphs, "en", "es"))
    wrapped = time.perf_counter() - started
    assert len(result.segments) == len(paragraphs)
    return {
        "apertium_words_per_s": words / wrapped,
        "apertium_bare_words_per_s": words / bare,
        "apertium_ratio": bare / wrapped,
    }


def latency_ratio(segments: int, latency: float, slots: int) -> dict[str, float]:
    texts = [f"Segment number {i} of the benchmark." for i in range(segments)]
    with LibreTranslateFake(latency=latency, concurrency_limit=slots) as fake:
        engine = LibreTranslateEngine(
            fake.url, languages=["en", "es"], concurrency=slots, policy=RetryPolicy(attempts=1)
        )
        # One segment per request: the figure is about keeping the slots busy.
        engine.limits = EngineLimits(
            max_segments=1, max_chars=10_000, max_segment_chars=5_000, concurrency=slots
        )

        async def go() -> float:
            translator = Translator([engine])
            started = time.perf_counter()
            run = await translator.translate(texts, "en", "es")
            elapsed = time.perf_counter() - started
            await engine.aclose()
            assert not run.failures, list(run.failures.values())[:3]
            return elapsed

        wall = asyncio.run(go())
        assert len(fake.requests) == segments
        peak = fake.max_in_flight
    ideal = segments / slots * latency
    return {
        "latency_wall_s": wall,
        "latency_ideal_s": ideal,
        "latency_ratio": wall / ideal,
        "latency_peak_in_flight": float(peak),
    }


def retranslate_calls() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder, serve_directory() as url:
        config = write_config(Path(folder))
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        desk = Desk(settings, store)
        store.sources.add(f"{url}feed.xml", "en", "CC BY 4.0")
        first = desk.run()
        assert first.translated == 10, first
        for article in store.articles.all():
            store.articles.set_status(article.id, ArticleStatus.EXTRACTED)
        again = RunReport()
        desk.translate(again)
        store.close()
    assert again.translated == 10
    return {
        "retranslate_calls": float(again.engine_calls),
        "retranslate_memory_hits": float(again.memory_hits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="copies of the sample text for (a)")
    parser.add_argument("--segments", type=int, default=2000)
    args = parser.parse_args()

    figures: dict[str, float] = {}
    figures |= apertium_ratio(args.repeat)
    print(
        f"(a) apertium through the engine: {figures['apertium_words_per_s']:.0f} words/s;"
        f" bare command: {figures['apertium_bare_words_per_s']:.0f} words/s;"
        f" ratio {figures['apertium_ratio']:.2f} (goal >= 0.9)"
    )
    figures |= latency_ratio(args.segments, latency=0.1, slots=8)
    print(
        f"(b) {args.segments} segments, 100 ms latency, 8 slots: {figures['latency_wall_s']:.2f} s"
        f" against the ideal {figures['latency_ideal_s']:.2f} s;"
        f" ratio {figures['latency_ratio']:.3f} (goal <= 1.2);"
        f" at most {figures['latency_peak_in_flight']:.0f} requests in flight"
    )
    figures |= retranslate_calls()
    print(
        f"(c) translating 10 translated articles again: {figures['retranslate_calls']:.0f} engine"
        f" calls, {figures['retranslate_memory_hits']:.0f} segments from memory (goal 0 calls)"
    )
    print(
        json.dumps(
            {
                "apertium_ratio": round(figures["apertium_ratio"], 3),
                "latency_ratio": round(figures["latency_ratio"], 3),
                "retranslate_calls": int(figures["retranslate_calls"]),
            }
        )
    )


if __name__ == "__main__":
    main()
