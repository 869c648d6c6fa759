"""What triage saves: characters billed by a paying engine in triage mode against full mode,
and whether what triage picks is translated exactly as full mode translates it (#17).

Two desks read the same generated pages (200 by default, from ``benchmarks/pipeline.py``'s
generator, seeded, served over HTTP on loopback) and translate them with the same engine:
the desk's real DeepL client against the DeepL fake (``tests/fakes/deepl.py``, on
loopback; it upper-cases text and bills every character it is sent). Each desk has its
own fake, its own temporary folder and its own store, so neither finds the other's
translations in its memory; each makes one ``desk.run()``.

- The measured desk runs in ``translate.mode = "triage"``: every article's brief (title and
  summary) is translated, and a rule picks articles, which are then translated in full in
  the same run. The summary is the page's meta description when it has one (every
  generated page has: the first sentence of its first paragraph), else its opening
  paragraphs up to ``translate.triage_chars`` (default 300).
- The baseline is the same desk in ``translate.mode = "full"``: every article translated
  whole, on the same pages with the same engine (and the same rule, which full mode does
  not use).

The rule is ``translate.rules = [{ action = "pick", words = ["gardens"] }]``. Rules look at
the title and summary in both languages; "gardens" is in one of the ten sample titles
("Gardens in the Sky: The Town's Rooftop Growers"), which the generator cycles through, so
it is in 20 of the 200 titles (10%), and in none of the descriptions. The articles the rule
should pick are worked out from the generated pages themselves (the word, whole and in any
case, in a page's title or description), and the run must pick exactly those: the script
stops with the difference otherwise.

Figures:

- ``billed_triage`` and ``billed_full``: characters billed over the run, from each desk's
  own record (``store.memory.usage()``, every month, every engine), checked against the
  characters its fake received. ``billed_ratio`` = ``billed_triage / billed_full``
  (goal: <= 0.15).
- ``billed_briefs`` and ``billed_picked_text``: the triage bill split into the distinct
  brief segments of every article, and the distinct segments of the picked articles'
  full text that no brief held (each segment is billed once per desk: the translation
  memory serves repeats).
- ``picked_identical``: for every picked article, ``desk.translation(article)`` of the
  triage desk has the same title as the full desk's translation of the same URL, and the
  same translated HTML and caption, block for block. ``picked_untranslated_blocks`` counts
  translatable blocks of picked articles that triage left without a translation (0, or
  "identical" would be hollow).

Every setting that differs from the defaults, written to each desk's desk.toml:
``desk.target_lang = "es"``, ``desk.locale = "es_ES"``, ``fetch.allow_hosts =
["127.0.0.1"]`` and ``fetch.host_delay = 0`` (pages on loopback, one host),
``translate.engine = "deepl"``, ``translate.deepl.api_url`` (the desk's fake),
``translate.mode`` ("triage" or "full") and ``translate.rules`` (above).
``desk.auto_approve`` stays false, so articles stop at ``in_review`` and nothing is
published. The DeepL key comes from ``DEEPL_API_KEY`` (``translate.deepl.key_env``'s
default), which the script sets to the fake's key in its own environment.

Run: ``.venv/bin/python benchmarks/triage.py [--articles 200]``. The last line of output
is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for benchmarks.pipeline_run and tests.fakes

from benchmarks.pipeline_run import (  # noqa: E402
    Page,
    StageReporter,
    check,
    generate_site,
    stage_on_raise,
    status_counts,
)
from tests.fakes import DeepLFake  # noqa: E402

from foreigndesk.config import (  # noqa: E402
    DeskSettings,
    FetchSettings,
    Settings,
    TranslateSettings,
    load_settings,
    render_config,
)
from foreigndesk.models import TRANSLATABLE_KINDS, Article, ArticleStatus  # noqa: E402
from foreigndesk.pipeline import Desk, RunReport, segments_of  # noqa: E402
from foreigndesk.sample import serve_directory  # noqa: E402
from foreigndesk.store import Store  # noqa: E402
from foreigndesk.triage import brief_of  # noqa: E402

#: The word the pick rule looks for; see the module docstring.
PICK_WORD = "gardens"
RULES = [{"action": "pick", "words": [PICK_WORD]}]
GOAL = 0.15
KEY_ENV = "DEEPL_API_KEY"


def expected_picks(pages: list[Page]) -> set[str]:
    """Paths of the pages whose title or description has the rule's word, whole, in any
    case: the texts triage reads in the source language. (The fake's translation only
    upper-cases them, so the translated brief holds the word exactly where these do.)"""
    word = re.compile(rf"(?<!\w){re.escape(PICK_WORD)}(?!\w)", re.IGNORECASE)
    return {p.path for p in pages if word.search(p.title) or word.search(p.description)}


def open_desk(root: Path, feed_url: str, engine_url: str, mode: str) -> tuple[Desk, StageReporter]:
    """A fresh desk in ``root`` translating with DeepL at ``engine_url`` in ``mode``,
    configured through desk.toml as a user's would be (as pipeline.py's ``open_desk``)."""
    root.mkdir()
    desk_settings = DeskSettings.model_validate({"target_lang": "es", "locale": "es_ES"})
    # Loopback pages, which the SSRF guard refuses unless allowed; one host serves them all.
    fetch_settings = FetchSettings.model_validate({"allow_hosts": ["127.0.0.1"], "host_delay": 0.0})
    translate_settings = TranslateSettings.model_validate(
        {"engine": "deepl", "deepl": {"api_url": engine_url}, "mode": mode, "rules": RULES}
    )
    settings = Settings(
        desk=desk_settings, fetch=fetch_settings, translate=translate_settings, root=root
    )
    config = root / "desk.toml"
    config.write_text(render_config(settings), encoding="utf-8")
    settings = load_settings(config)
    if not settings.database_url.startswith(f"sqlite:///{root}"):
        raise SystemExit(f"the desk's store is not in {root}: {settings.database_url}")
    if (settings.translate.mode, settings.translate.engine) != (mode, "deepl"):
        raise SystemExit(f"{config}: translate settings did not survive: {settings.translate}")
    store = Store.open(settings.database_url)
    store.sources.add(feed_url, "en", "CC BY 4.0")
    reporter = StageReporter()
    return Desk(settings, store, reporter=reporter), reporter


def billed(store: Store) -> tuple[int, int]:
    """(engine calls, characters billed) over every engine and month, as the store has it."""
    usage = store.memory.usage().values()
    return sum(calls for calls, _ in usage), sum(units for _, units in usage)


@dataclass(frozen=True)
class DeskRun:
    desk: Desk
    report: RunReport
    seconds: float
    calls: int
    billed: int


def run_desk(
    root: Path, feed_url: str, mode: str, fake: DeepLFake
) -> tuple[DeskRun, StageReporter]:
    desk, reporter = open_desk(root, feed_url, fake.url, mode)
    start = time.perf_counter()
    with stage_on_raise(f"desk.run() in {mode} mode", reporter):
        report = desk.run()
    seconds = time.perf_counter() - start
    calls, units = billed(desk.store)
    if units != fake.character_count:
        raise SystemExit(
            f"{mode} mode: the store records {units:,} characters billed, but the DeepL fake"
            f" was sent {fake.character_count:,}"
        )
    return DeskRun(desk, report, seconds, calls, units), reporter


def path_of(article: Article) -> str:
    """The generated page's path (``articles/<slug>.html``) from the article's URL."""
    match = re.search(r"articles/[^/?#]+\.html$", article.url)
    if match is None:
        raise SystemExit(f"article {article.id}: not a generated page's URL: {article.url}")
    return match.group()


def check_triage(run: DeskRun, reporter: StageReporter, count: int, wanted: set[str]) -> None:
    """Every article briefed, exactly the wanted ones picked and translated, none lost."""
    report, store = run.report, run.desk.store
    label = "desk.run() in triage mode"
    check(
        run.desk,
        reporter,
        label,
        {
            "new_articles": report.new_articles,
            "fetched": report.fetched,
            "extracted": report.extracted,
            "triaged + picked + dismissed": report.triaged + report.picked + report.dismissed,
            "failed": report.failed,
            "duplicates": report.duplicates,
        },
        count,
    )
    counts = status_counts(store)
    check(
        run.desk,
        reporter,
        label,
        {"triaged": report.triaged, "articles in status triaged": counts["triaged"]},
        count - len(wanted),
    )
    check(
        run.desk,
        reporter,
        label,
        {
            "picked": report.picked,
            "translated": report.translated,
            "articles in status in_review": counts["in_review"],
        },
        len(wanted),
    )
    picked = {path_of(a) for a in store.articles.all() if a.picked}
    not_triaged = {path_of(a) for a in store.articles.all() if a.status != ArticleStatus.TRIAGED}
    if picked != wanted or not_triaged != wanted:
        raise SystemExit(
            f"{label}: the rule picked {len(picked)} articles, {len(wanted)} expected;"
            f" picked but not expected: {sorted(picked - wanted)[:5]};"
            f" expected but not picked: {sorted(wanted - picked)[:5]};"
            f" not triaged but not expected: {sorted(not_triaged - wanted)[:5]}"
        )


def check_full(run: DeskRun, reporter: StageReporter, count: int) -> None:
    report = run.report
    actual = {
        "new_articles": report.new_articles,
        "fetched": report.fetched,
        "extracted": report.extracted,
        "translated": report.translated,
        "in_review": report.in_review,
        "articles in status in_review": status_counts(run.desk.store)["in_review"],
        "failed": report.failed,
        "duplicates": report.duplicates,
    }
    check(run.desk, reporter, "desk.run() in full mode", actual, count)
    if report.triaged or report.picked or report.dismissed:
        raise SystemExit(f"full mode triaged articles: {report}")


@dataclass(frozen=True)
class Comparison:
    identical: bool
    differing: list[str]
    untranslated_blocks: int


def compare_picked(triage: Desk, full: Desk) -> Comparison:
    """Each picked article's translation in the triage desk against the full desk's."""
    full_ids = {path_of(a): a.id for a in full.store.articles.all()}
    differing: list[str] = []
    untranslated = 0
    for listed in triage.store.articles.all():
        if not listed.picked:
            continue
        path = path_of(listed)
        mine = triage.translation(triage.store.articles.get(listed.id))
        theirs = full.translation(full.store.articles.get(full_ids[path]))
        blocks = [(b.html, b.caption) for b in mine.blocks]
        if mine.title != theirs.title or blocks != [(b.html, b.caption) for b in theirs.blocks]:
            differing.append(path)
        untranslated += sum(
            1 for b in mine.blocks if b.block.kind in TRANSLATABLE_KINDS and b.html is None
        )
    return Comparison(not differing, differing, untranslated)


@dataclass(frozen=True)
class Breakdown:
    """The triage bill by what was sent: briefs, and the rest of the picked articles."""

    briefs: int
    brief_segments: int
    picked_text: int
    picked_segments: int
    #: What the full desk billed for the picked articles' distinct segments.
    picked_in_full: int


def breakdown(triage: Desk) -> Breakdown:
    store, limit = triage.store, triage.settings.translate.triage_chars
    articles = [store.articles.get(a.id) for a in store.articles.all()]
    briefs = {s for a in articles for s in brief_of(a, limit).segments()}
    picked = {s for a in articles if a.picked for s in segments_of(a)}
    rest = picked - briefs
    return Breakdown(
        sum(map(len, briefs)),
        len(briefs),
        sum(map(len, rest)),
        len(rest),
        sum(map(len, picked)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=200, help="pages to generate (200)")
    args = parser.parse_args()
    count: int = args.articles
    if count < 10:
        parser.error("--articles must be at least 10 (one of each sample title)")
    if os.environ.pop("FOREIGNDESK_DATABASE_URL", None):
        print("note: FOREIGNDESK_DATABASE_URL ignored; each desk gets its own temporary store")

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="foreigndesk-bench-") as temp:
        tmp = Path(temp)
        site = tmp / "site"
        pages = generate_site(site, count)
        wanted = expected_picks(pages)
        # The client reads the key from the environment; this process talks only to fakes.
        os.environ[KEY_ENV] = "test-key"
        with (
            serve_directory(site) as base_url,
            DeepLFake(auth_key="test-key", character_limit=10**12) as triage_fake,
            DeepLFake(auth_key="test-key", character_limit=10**12) as full_fake,
        ):
            feed_url = base_url + "feed.xml"
            triage, triage_reporter = run_desk(tmp / "desk-triage", feed_url, "triage", triage_fake)
            check_triage(triage, triage_reporter, count, wanted)
            full, full_reporter = run_desk(tmp / "desk-full", feed_url, "full", full_fake)
            check_full(full, full_reporter, count)
        comparison = compare_picked(triage.desk, full.desk)
        parts = breakdown(triage.desk)
        triage.desk.store.close()
        full.desk.store.close()
    total = time.perf_counter() - began

    ratio = triage.billed / full.billed
    print(
        f"{count} generated pages; rule: pick words = [{PICK_WORD!r}] → "
        f"{triage.report.picked} picked ({triage.report.picked / count:.0%}), "
        f"{triage.report.triaged} left triaged"
    )
    print(f"{'mode':<8} {'translated whole':>16} {'briefs':>7} {'calls':>6} {'billed':>11}  ratio")
    for label, run, whole, briefed, note in (
        ("full", full, full.report.translated, 0, "baseline"),
        (
            "triage",
            triage,
            triage.report.translated,
            count,
            f"{ratio:.4f} of full (goal <= {GOAL})",
        ),
    ):
        print(f"{label:<8} {whole:>16} {briefed:>7} {run.calls:>6} {run.billed:>11,}  {note}")
    other = triage.billed - parts.briefs - parts.picked_text
    print(
        f"triage bill: briefs {parts.briefs:,} characters ({parts.brief_segments} segments,"
        f" {parts.briefs / full.billed:.4f} of full), picked articles' text beyond their"
        f" briefs {parts.picked_text:,} ({parts.picked_segments} segments,"
        f" {parts.picked_text / full.billed:.4f} of full)"
        + (f", unaccounted {other:,}" if other else "")
    )
    print(
        f"the picked articles' distinct segments: {parts.picked_in_full:,} characters,"
        f" {parts.picked_in_full / full.billed:.4f} of the full bill"
    )
    print(
        f"picked translations identical to full mode's: {comparison.identical}"
        + (f" (differing: {', '.join(comparison.differing[:5])})" if comparison.differing else "")
        + f"; untranslated blocks in picked articles: {comparison.untranslated_blocks}"
    )
    print(
        f"desk.run(): triage {triage.seconds:.1f}s, full {full.seconds:.1f}s;"
        f" whole benchmark {total:.1f}s"
    )
    print(
        json.dumps(
            {
                "articles": count,
                "picked": triage.report.picked,
                "billed_triage": triage.billed,
                "billed_full": full.billed,
                "billed_ratio": round(ratio, 4),
                "picked_identical": comparison.identical,
                "billed_briefs": parts.briefs,
                "billed_picked_text": parts.picked_text,
                "picked_untranslated_blocks": comparison.untranslated_blocks,
                "engine_calls_triage": triage.calls,
                "engine_calls_full": full.calls,
            }
        )
    )


if __name__ == "__main__":
    main()
