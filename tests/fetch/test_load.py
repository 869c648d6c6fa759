"""The load test: 1,000 feeds on 100 hosts, 20,000 articles, 5% of the answers faulty.

Through the desk's real discover and fetch stages into a real SQLite store, against a
loopback server in a process of its own (``LoadWeb``): every good article is taken exactly
once, every fault is recorded with its reason, robots.txt is obeyed, and the desk stays
under 500 MB. A second pass, once the faults' waits are over, takes everything a
transient fault held back.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import resource
import time
from pathlib import Path

import pytest

from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.store.tables import ArticleRow, PageRow
from tests.fakes.load_desk import open_load_desk
from tests.fakes.web import Answer, LoadPlan, LoadWeb

pytestmark = pytest.mark.slow

#: Long enough that no answer of the load web misses it on a busy machine (a CI runner
#: with other work beside it): only the planned stalls should, and they wait it out.
TIMEOUT = 15.0
#: The reason each fault must be recorded with.
REASONS = {
    "500": r"HTTP 500 Internal Server Error",
    "404": r"HTTP 404 Not Found",
    "503": r"HTTP 503, the site asks to wait 1 s",
    "429-seconds": r"HTTP 429, the site asks to wait 1 s",
    "429-date": r"HTTP 429, the site asks to wait [0-2] s",
    "stall": rf"not fetched within {TIMEOUT:g} s",
    # Reset before or while the request is written: either way the reason says so.
    "reset": r"h\d{3}\.test gave no HTTP answer \(.+\)|the connection broke \(.+\)",
    "garbage": r"h\d{3}\.test gave no HTTP answer \(illegal status line",
    "truncated": r"the connection broke",
    "corrupt-gzip": r"h\d{3}\.test:\d+/\S+: the gzip content is corrupt",
}
MAX_RSS_MB = 500
#: What a fresh process holds with the desk imported (measured: about 153 MB), counted in
#: place of whatever the test worker held before this test began.
FRESH_PROCESS_MB = 160


def open_desk(folder: Path, web: LoadWeb) -> Desk:
    return open_load_desk(folder, web, timeout=TIMEOUT)


def article_states(desk: Desk) -> dict[str, tuple[str, str | None]]:
    with desk.store.transaction() as session:
        rows = session.query(ArticleRow.url, ArticleRow.status, ArticleRow.error)
        return {url: (status, error) for url, status, error in rows}


def stored_pages(desk: Desk) -> dict[str, bytes]:
    with desk.store.transaction() as session:
        rows = session.query(ArticleRow.url, PageRow.body).join(
            PageRow, PageRow.article_id == ArticleRow.id
        )
        return {url: gzip.decompress(body) for url, body in rows}


def source_errors(desk: Desk) -> dict[str, str | None]:
    return {h.source.url: h.last_error for h in desk.store.sources.health()}


def _status_mb(field: str) -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    [line] = [line for line in status.splitlines() if line.startswith(f"{field}:")]
    return int(line.split()[1]) / 1024


def reset_peak_rss() -> float:
    """Start this process's peak RSS afresh (Linux: ``clear_refs`` 5) and return what it
    holds now: a test worker may hold memory of tests it ran before this one."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    """This process's peak RSS since ``reset_peak_rss``, in MB."""
    peak = _status_mb("VmHWM")
    if peak is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak


def wait_for_retries(desk: Desk) -> None:
    """Sleep until every failed article may be tried again."""
    with desk.store.transaction() as session:
        rows = session.query(ArticleRow.retry_at).filter(ArticleRow.status == "failed")
        waits = [at.timestamp() - time.time() for (at,) in rows if at is not None]
    time.sleep(max([0.0, *waits]) + 0.1)


def faults_served(answers: list[Answer]) -> list[Answer]:
    return [a for a in answers if a.kind not in {"ok", "not-modified", "missing"}]


def test_a_thousand_feeds_on_a_hundred_hosts_with_five_percent_faults(tmp_path: Path) -> None:
    plan = LoadPlan()
    faults, listed, good, private = plan.faults, plan.listed, plan.good, set(plan.private)
    dead_feeds = {key for key, fault in faults.items() if fault.permanent and "/feeds/" in key[1]}
    dead_articles = listed - private - good
    assert len(plan.feeds) == 1000
    assert len(plan.articles) == 20_000
    assert len(plan.host_names) == 100

    held_before = reset_peak_rss()
    started = time.monotonic()
    with LoadWeb(plan) as web:
        url = web.url
        desk = open_desk(tmp_path, web)
        desk.discover(RunReport())
        desk.fetch_pages(RunReport())
        first_seconds = time.monotonic() - started
        first = web.answers()
        states_first = article_states(desk)
        sources_first = source_errors(desk)

        wait_for_retries(desk)
        desk.discover(RunReport())
        desk.fetch_pages(RunReport())
        everything = web.answers()
        states = article_states(desk)
        sources = source_errors(desk)
        pages = stored_pages(desk)
        desk.store.close()
    seconds = time.monotonic() - started
    # What the load itself took: the peak less what the process held when it began.
    peak_mb = peak_rss_mb() - held_before + FRESH_PROCESS_MB

    # 5% of the first pass's answers were faults, each one the plan's.
    served = faults_served(first)
    assert 0.045 <= len(served) / len(first) <= 0.06, (len(served), len(first))
    for answer in served:
        assert faults[answer.host, answer.path].kind == answer.kind
    assert {(a.host, a.path) for a in served} == {
        key for key in faults if key[1].startswith("/feeds/") or key in listed
    }

    # Every fault is recorded with its reason: feeds on their source, pages on the article.
    unexplained = []
    for answer in served:
        address = url(answer.host, answer.path)
        if answer.path.startswith("/feeds/"):
            error = sources_first[address]
        else:
            status, error = states_first[address]
            assert status == "failed", address
        if not re.search(REASONS[answer.kind], error or ""):
            unexplained.append((answer.kind, address, error))
    assert not unexplained, f"{len(unexplained)} faults without their reason: {unexplained[:5]}"

    # robots.txt is obeyed: the disallowed pages are never asked for, and say why.
    assert not [a for a in everything if a.path.startswith("/private/")]
    for host, path in private:
        status, error = states[url(host, path)]
        assert status == "failed"
        assert "robots.txt disallows it" in (error or "")
    assert sum(1 for a in everything if a.path == "/robots.txt") == plan.hosts

    # Every good article is taken, with its own page, exactly once.
    assert set(states) == {url(host, path) for host, path in listed}
    assert len(states) == len(listed)
    not_taken = [url(*key) for key in good if states[url(*key)][0] != "fetched"]
    assert not not_taken, [(u, states[u]) for u in not_taken[:10]]
    for host, path in good:
        assert f"Article {host}{path}</h1>".encode() in pages[url(host, path)]
    downloads: dict[tuple[str, str], int] = {}
    for answer in everything:
        if answer.kind == "ok" and answer.path.startswith("/a/"):
            key = (answer.host, answer.path)
            downloads[key] = downloads.get(key, 0) + 1
    assert set(downloads) == good
    assert max(downloads.values()) == 1

    # What stays broken stays failed, with its reason, for a later run.
    for key in dead_articles:
        status, error = states[url(*key)]
        assert status == "failed"
        assert re.search(REASONS[faults[key].kind], error or ""), (key, error)
    for key in dead_feeds:
        assert re.search(REASONS[faults[key].kind], sources[url(*key)] or "")
    # The feeds that answered the first time answered 304 the second.
    assert sum(1 for a in everything[len(first) :] if a.kind == "not-modified") == sum(
        1 for key in plan.feeds if key not in faults
    )

    print(
        f"load: {len(first)} answers in the first pass ({first_seconds:.0f} s),"
        f" {len(everything)} in all ({seconds:.0f} s); {len(good)} articles taken;"
        f" peak RSS {peak_mb:.0f} MB"
    )
    assert peak_mb < MAX_RSS_MB
