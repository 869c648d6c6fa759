"""`foreigndesk watch` keeps the desk running: each source is checked when it is due, new
articles go through every stage, and SIGTERM stops it between articles with nothing
half-written, so the next start carries on as if it had never stopped."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from foreigndesk.pipeline import Desk
from foreigndesk.watch import Watcher, seconds_until
from tests.conftest import invoke, write_config
from tests.fakes.slow_site import SlowSite, serve_slow_site

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_the_watcher_sleeps_until_the_next_source_is_due_but_no_longer_than_a_tick() -> None:
    assert seconds_until(NOW + timedelta(seconds=30), NOW, tick=60) == 30
    assert seconds_until(NOW + timedelta(hours=3), NOW, tick=60) == 60
    assert seconds_until(NOW - timedelta(seconds=5), NOW, tick=60) == 0
    assert seconds_until(None, NOW, tick=60) == 60


def test_a_source_is_checked_again_only_when_it_is_due(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en")
    watcher = Watcher(desk, tick=0)
    first = watcher.cycle()
    assert first.new_articles == 10
    assert first.in_review == 10
    next_check = desk.store.sources.next_check()
    assert next_check is not None
    assert next_check > datetime.now(UTC) + timedelta(minutes=30)
    assert desk.store.sources.due() == []
    second = watcher.cycle()
    assert (second.new_articles, second.fetched, second.translated) == (0, 0, 0)


def test_a_stopped_watcher_returns_after_the_cycle_in_hand(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en")
    watcher = Watcher(desk, tick=3600)
    watcher.on_cycle = lambda report: watcher.stop()
    started = time.monotonic()
    assert watcher.run() == 1
    assert time.monotonic() - started < 60


@pytest.fixture(scope="module")
def slow_site() -> Iterator[SlowSite]:
    with serve_slow_site(delay=0.2) as site:
        yield site


def count(folder: Path, table: str, where: str = "1") -> int:
    with sqlite3.connect(folder / "desk.db", timeout=10) as db:
        return int(db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])


def foreigndesk(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "foreigndesk", *args, "--config", str(folder / "desk.toml")]


def test_sigterm_stops_watch_between_articles_and_the_next_run_carries_on(
    tmp_path: Path, slow_site: SlowSite
) -> None:
    """The site answers seven article pages, then holds the others back until watch has
    stopped: the SIGTERM lands mid-fetch however slow the machine. Pages are stored in
    batches, at the latest when a page comes half a second after the oldest one waiting;
    the seven come two at a time, 0.2 s each, so over at least 0.6 s, and some are stored
    before the stop."""
    write_config(tmp_path, desk={"auto_approve": True})
    subprocess.run(
        foreigndesk(tmp_path, "source", "add", f"{slow_site.url}feed.xml"),
        check=True,
        capture_output=True,
    )
    with slow_site.holding("/articles/", let_through=7) as gate:
        watch = subprocess.Popen(
            foreigndesk(tmp_path, "watch", "--tick", "0.2"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert gate.requested.wait(120), "watch never asked for the eighth page"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and watch.poll() is None:
            if count(tmp_path, "pages") >= 2:
                break
            time.sleep(0.02)
        assert watch.poll() is None, "watch ended on its own"
        assert count(tmp_path, "pages") >= 2, "watch stored no pages while fetching"
        watch.send_signal(signal.SIGTERM)
        stdout, stderr = watch.communicate(timeout=30)
    assert watch.returncode == 0, stderr.decode()
    assert stdout.decode().rstrip().endswith("stopped")
    assert count(tmp_path, "pages") < 10, "the stop came too late to test anything"
    # Every article either has its page or is still waiting for it: nothing half-stored.
    assert count(tmp_path, "articles", "status = 'fetched'") <= count(tmp_path, "pages")

    again = subprocess.run(foreigndesk(tmp_path, "run"), capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert count(tmp_path, "articles") == 10
    assert count(tmp_path, "articles", "status = 'published'") == 10
    assert count(tmp_path, "posts") == 10


OPML = """<?xml version="1.0"?><opml version="2.0"><head><title>Reader</title></head><body>
<outline text="News"><outline type="rss" text="Diario" xmlUrl="https://diario.test/rss"
 language="es"/></outline>
<outline type="rss" text="Daily" xmlUrl="https://daily.test/feed"/>
</body></opml>"""


def test_sources_come_in_and_go_out_as_opml(config_path: Path, tmp_path: Path) -> None:
    reader = tmp_path / "reader.opml"
    reader.write_text(OPML, encoding="utf-8")
    imported = invoke("source", "import", reader, "--config", config_path)
    assert imported.exit_code == 0
    assert "2 sources added, 0 already there" in imported.stdout
    again = invoke("source", "import", reader, "--config", config_path)
    assert "0 sources added, 2 already there" in again.stdout

    exported = invoke("source", "export", "--config", config_path)
    assert exported.exit_code == 0
    assert 'xmlUrl="https://diario.test/rss"' in exported.stdout
    assert 'language="es"' in exported.stdout
    assert 'xmlUrl="https://daily.test/feed"' in exported.stdout


def test_an_unreadable_opml_file_is_one_clear_line(config_path: Path, tmp_path: Path) -> None:
    result = invoke("source", "import", tmp_path / "missing.opml", "--config", config_path)
    assert result.exit_code == 1
    assert "missing.opml: cannot be read" in result.stderr


def test_a_paused_source_shows_as_paused_and_is_not_checked(
    config_path: Path, desk: Desk, sample_url: str
) -> None:
    source, _ = desk.store.sources.add(f"{sample_url}feed.xml", "en")
    assert invoke("source", "pause", source.id, "--config", config_path).exit_code == 0
    listing = invoke("source", "list", "--config", config_path)
    assert "paused" in listing.stdout
    assert desk.store.sources.due() == []
    assert Watcher(desk).cycle().new_articles == 0

    assert invoke("source", "resume", source.id, "--config", config_path).exit_code == 0
    assert Watcher(desk).cycle().new_articles == 10


def test_pausing_a_source_that_does_not_exist_says_how_to_find_one(config_path: Path) -> None:
    result = invoke("source", "pause", 99, "--config", config_path)
    assert result.exit_code == 1
    assert "no source 99 — see `foreigndesk source list`" in result.stderr
