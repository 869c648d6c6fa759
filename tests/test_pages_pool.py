"""The process pool that reads pages: the same articles as the desk's own process, in
the same order, and a desk whose pool is running hands it even a few pages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.executors.pages_pool import PagesPool
from foreigndesk.extract.job import Extraction, PageJob, extract_page_job
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from tests.conftest import write_config
from tests.extract.test_duplicates_in_the_desk import by_page, duplicate_of, write_feed

PAGES = Path(__file__).parent / "data" / "extract"
#: Starting two processes takes about two seconds on a quiet machine; this is the most a
#: busy one is given before the test fails.
START_TIMEOUT = 120.0


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


def test_the_pool_reads_pages_as_the_desks_own_process_does(pool: PagesPool) -> None:
    jobs = [
        job(1, "ferry-us.html"),
        job(2, "tea-ja-utf8.html"),
        # Not a page at all: its reason crosses the process boundary as a string.
        PageJob(3, b"\x00\x01\x02", "https://example.org/blob", None, datetime.now(UTC), None),
        job(4, "library-ru.html"),
    ]

    read = list(pool.read(jobs))

    assert read == [extract_page_job(j) for j in jobs]
    assert [type(r) for r in read] == [Extraction, Extraction, str, Extraction]
    assert pool.pages_read == 4


def test_a_desk_whose_pool_is_running_reads_even_a_few_pages_on_it(
    tmp_path: Path, pool: PagesPool
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for page in ("ferry-us.html", "ferry-syndicated.html", "allotment-gb.html"):
        shutil.copy(PAGES / page, folder / page)
    write_feed(folder, "ferry-us.html", "ferry-syndicated.html", "allotment-gb.html")
    settings = load_settings(write_config(tmp_path, workers={"processes": 2}))
    desk = Desk(settings, Store.open(settings.database_url))
    desk.executor.pages_pool = pool  # as `watch` keeps it from one cycle to the next
    report = RunReport()

    with serve_directory(folder) as url:
        desk.store.sources.add(url + "feed.xml", "en")
        desk.discover(report)
        desk.fetch_pages(report)
        desk.extract(report)

    assert pool.pages_read == 3
    pages = by_page(desk)
    assert pages["ferry-us.html"][1] == ArticleStatus.EXTRACTED
    assert pages["allotment-gb.html"][1] == ArticleStatus.EXTRACTED
    copy_id, copy_status = pages["ferry-syndicated.html"]
    assert copy_status == ArticleStatus.DUPLICATE
    assert duplicate_of(desk, copy_id) == pages["ferry-us.html"][0]
    assert (report.extracted, report.duplicates) == (2, 1)
