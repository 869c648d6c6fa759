"""The process pool that reads pages: the same articles as the desk's own process, in
the same order; a desk whose pool is started (running or still starting) hands it even a
few pages, and all of them; and the pool is a helper, never a point of failure (a
process that dies, a Ctrl-C, a close)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.executors.pages_pool import PagesPool, PoolFailed
from foreigndesk.extract.job import Extraction, PageJob, extract_page_job
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.sample import serve_directory
from foreigndesk.stages.report import SilentReporter
from foreigndesk.store import Store
from tests.conftest import write_config
from tests.extract.test_duplicates_in_the_desk import by_page, duplicate_of, write_feed

PAGES = Path(__file__).parent / "data" / "extract"
#: Starting two processes takes about two seconds on a quiet machine; this is the most a
#: busy one is given before the test fails.
START_TIMEOUT = 120.0
FERRIES = ("ferry-us.html", "ferry-syndicated.html", "allotment-gb.html")


@pytest.fixture
def pool() -> Iterator[PagesPool]:
    started = PagesPool(2)
    started.start()
    assert started.wait(START_TIMEOUT), "the pool did not start"
    yield started
    started.close()


def job(article_id: int, page: str) -> PageJob:
    body = (PAGES / page).read_bytes()
    return PageJob(article_id, body, f"https://example.org/{page}", None, datetime.now(UTC), None)


def some_jobs() -> list[PageJob]:
    """Forty pages, more than the pool hands out at once, and one that is no page."""
    pages = ["ferry-us.html", "tea-ja-utf8.html", "library-ru.html", "market-es.html"]
    jobs = [job(i, pages[i % len(pages)]) for i in range(40)]
    blob = b"\x00\x01\x02"
    jobs[17] = PageJob(17, blob, "https://example.org/blob", None, datetime.now(UTC), None)
    return jobs


def test_the_pool_reads_pages_as_the_desks_own_process_does_in_order(pool: PagesPool) -> None:
    jobs = some_jobs()

    read = list(pool.read(jobs))

    assert read == [extract_page_job(j) for j in jobs]
    # Not a page at all: its reason crosses the process boundary as a string.
    assert isinstance(read[17], str)
    assert all(isinstance(r, Extraction) for i, r in enumerate(read) if i != 17)
    assert pool.pages_read == 40


def test_a_ctrl_c_to_the_process_group_is_left_to_the_desk(pool: PagesPool) -> None:
    for pid in pool.process_ids:
        os.kill(pid, signal.SIGINT)

    assert list(pool.read(some_jobs()[:4])) == [extract_page_job(j) for j in some_jobs()[:4]]


def test_a_pool_whose_process_died_says_so_and_a_new_one_starts(pool: PagesPool) -> None:
    first = pool.process_ids
    os.kill(first[0], signal.SIGKILL)

    with pytest.raises(PoolFailed, match="BrokenProcessPool"):
        list(pool.read(some_jobs()))

    assert not pool.ready and pool.process_ids == []
    pool.start()
    assert pool.wait(START_TIMEOUT)
    assert set(pool.process_ids).isdisjoint(first)
    assert len(list(pool.read(some_jobs()[:3]))) == 3


def test_closing_stops_the_processes_and_a_later_start_makes_new_ones(pool: PagesPool) -> None:
    before = pool.process_ids
    pool.close()
    assert not pool.ready and pool.process_ids == []
    for pid in before:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    pool.start()
    assert pool.wait(START_TIMEOUT) and set(pool.process_ids).isdisjoint(before)


def ferry_desk(tmp_path: Path, pool: PagesPool) -> tuple[Desk, SilentReporter, Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    for page in FERRIES:
        shutil.copy(PAGES / page, folder / page)
    write_feed(folder, *FERRIES)
    settings = load_settings(write_config(tmp_path, workers={"processes": 2}))
    reporter = SilentReporter()
    desk = Desk(settings, Store.open(settings.database_url), reporter=reporter)
    desk.executor.pages_pool = pool  # as `watch` keeps it from one cycle to the next
    return desk, reporter, folder


def first_stages(desk: Desk, folder: Path) -> RunReport:
    report = RunReport()
    with serve_directory(folder) as url:
        desk.store.sources.add(url + "feed.xml", "en")
        desk.discover(report)
        desk.fetch_pages(report)
        desk.extract(report)
    return report


def assert_copies_found(desk: Desk, report: RunReport) -> None:
    pages = by_page(desk)
    assert pages["ferry-us.html"][1] == ArticleStatus.EXTRACTED
    assert pages["allotment-gb.html"][1] == ArticleStatus.EXTRACTED
    copy_id, copy_status = pages["ferry-syndicated.html"]
    assert copy_status == ArticleStatus.DUPLICATE
    assert duplicate_of(desk, copy_id) == pages["ferry-us.html"][0]
    assert (report.extracted, report.duplicates, report.failed) == (2, 1, 0)


@pytest.fixture(params=["running", "starting", "not started"])
def any_pool(request: pytest.FixtureRequest) -> Iterator[PagesPool]:
    """A pool whose processes are up, one whose processes are still starting, and one
    nobody started."""
    made = PagesPool(2)
    if request.param != "not started":
        made.start()
    if request.param == "running":
        assert made.wait(START_TIMEOUT), "the pool did not start"
    yield made
    made.close()


def test_a_started_pool_reads_even_a_few_pages_and_all_of_them(
    tmp_path: Path, any_pool: PagesPool
) -> None:
    """Running or still starting, a pool gets every page: none is read in the desk's
    own process meanwhile, which would load the extractor a second time. Without a pool,
    a few pages are read there."""
    started = any_pool.started
    desk, reporter, folder = ferry_desk(tmp_path, any_pool)

    report = first_stages(desk, folder)

    assert any_pool.pages_read == (3 if started else 0)
    assert any_pool.started == started
    assert_copies_found(desk, report)
    assert reporter.warnings == []
    desk.store.close()


def test_when_the_pool_fails_the_desk_reads_the_pages_itself_and_says_so(
    tmp_path: Path, pool: PagesPool
) -> None:
    desk, reporter, folder = ferry_desk(tmp_path, pool)
    os.kill(pool.process_ids[0], signal.SIGKILL)

    report = first_stages(desk, folder)

    assert_copies_found(desk, report)
    [warning] = reporter.warnings
    assert "the pool that reads pages stopped" in warning
    assert "3 pages it had not read are read in this process" in warning
    desk.store.close()


def test_the_pool_ends_when_the_desk_is_killed(tmp_path: Path) -> None:
    desk = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from foreigndesk.executors.pages_pool import PagesPool\n"
            "pool = PagesPool(2)\n"
            "pool.start()\n"
            "assert pool.wait(120)\n"
            "print(*pool.process_ids, flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    assert desk.stdout is not None
    pids = [int(p) for p in desk.stdout.readline().split()]
    assert len(pids) == 2

    desk.kill()
    desk.wait()

    deadline = time.monotonic() + START_TIMEOUT
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in pids)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent does not)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return status != "Z"
