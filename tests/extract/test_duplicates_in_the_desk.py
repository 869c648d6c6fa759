"""Copies of one story across articles, found by the real desk on pages served on loopback.

A copy is the same canonical URL, the same text, or a near-duplicate by MinHash LSH (an
edited syndicated version); it is linked to the first article seen and marked duplicate,
and the signatures and their LSH bands stay in the store, so a later run (or another
worker) finds the copy through an index of the store, never a load of every signature.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.extract import signature_from_bytes
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from tests.conftest import write_config

PAGES = Path(__file__).parents[1] / "data" / "extract"


def write_feed(site: Path, *pages: str, name: str = "feed.xml") -> None:
    """An RSS feed at ``site/name`` listing ``pages`` (relative links, newest last)."""
    items = "".join(
        f"<item><title>{page}</title><link>{page}</link><guid>{page}</guid></item>"
        for page in pages
    )
    site.joinpath(name).write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Fixture pages</title><link>/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder of fixture pages served on loopback: (the folder, its base URL)."""
    folder = tmp_path / "site"
    folder.mkdir()
    for page in ("ferry-us.html", "ferry-syndicated.html", "allotment-gb.html"):
        shutil.copy(PAGES / page, folder / page)
    with serve_directory(folder) as url:
        yield folder, url


def open_desk(tmp_path: Path, **extract: object) -> Desk:
    config = write_config(tmp_path, extract=extract) if extract else write_config(tmp_path)
    settings = load_settings(config)
    return Desk(settings, Store.open(settings.database_url))


def first_stages(desk: Desk) -> RunReport:
    """Sources, fetch and extract: what finding duplicates needs, without translating."""
    report = RunReport()
    desk.discover(report)
    desk.fetch_pages(report)
    desk.extract(report)
    return report


def by_page(desk: Desk) -> dict[str, tuple[int, ArticleStatus]]:
    return {a.url.rsplit("/", 1)[-1]: (a.id, a.status) for a in desk.store.articles.all()}


def duplicate_of(desk: Desk, article_id: int) -> int | None:
    from foreigndesk.store.tables import ArticleRow

    with desk.store.transaction() as session:
        return session.get_one(ArticleRow, article_id).duplicate_of


def test_an_edited_syndicated_copy_is_linked_to_the_original(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    folder, url = site
    write_feed(folder, "ferry-us.html", "allotment-gb.html", "ferry-syndicated.html")
    desk = open_desk(tmp_path)
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        report = first_stages(desk)
        pages = by_page(desk)
        original, _ = pages["ferry-us.html"]
        copy, status = pages["ferry-syndicated.html"]
        assert status == ArticleStatus.DUPLICATE
        assert duplicate_of(desk, copy) == original
        assert pages["ferry-us.html"][1] == ArticleStatus.EXTRACTED
        assert pages["allotment-gb.html"][1] == ArticleStatus.EXTRACTED
        assert (report.extracted, report.duplicates) == (2, 1)
        # The copy goes no further: translating leaves it alone.
        desk.translate(report)
        assert by_page(desk)["ferry-syndicated.html"][1] == ArticleStatus.DUPLICATE
    finally:
        desk.store.close()


def test_a_later_run_finds_the_copy_through_the_stored_bands(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    folder, url = site
    write_feed(folder, "ferry-us.html")
    desk = open_desk(tmp_path)
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        first_stages(desk)
        [(original, _)] = by_page(desk).values()
        stored = dict(desk.store.articles.near_duplicate_signatures())
        assert set(stored) == {original}
        assert len(signature_from_bytes(stored[original])) == 128
    finally:
        desk.store.close()

    # A second source carries the copy, to a new desk: nothing in memory but the store.
    write_feed(folder, "ferry-syndicated.html", name="partner.xml")
    later = open_desk(tmp_path)
    later.store.sources.add(f"{url}partner.xml", "en")
    try:
        report = first_stages(later)
        copy, status = by_page(later)["ferry-syndicated.html"]
        assert status == ArticleStatus.DUPLICATE
        assert duplicate_of(later, copy) == original
        assert report.duplicates == 1
        # Copies are not indexed: the first article seen stays the one copies link to.
        assert dict(later.store.articles.near_duplicate_signatures()).keys() == {original}
        assert {article for article, _ in bands(later)} == {original}
    finally:
        later.store.close()


def bands(desk: Desk) -> set[tuple[int, str]]:
    """(article, banding) of every stored band."""
    from sqlalchemy import select

    from foreigndesk.store.tables import NearDuplicateBandRow as Band

    with desk.store.transaction() as session:
        return {(a, b) for a, b in session.execute(select(Band.article_id, Band.banding))}


def forget_bands(desk: Desk) -> None:
    """As a store from before the bands' table is, once migrated: signatures, no bands."""
    from sqlalchemy import delete

    from foreigndesk.store.tables import NearDuplicateBandRow as Band

    with desk.store.transaction() as session:
        session.execute(delete(Band))


@pytest.mark.parametrize(
    "later_settings",
    [{}, {"near_duplicate_threshold": 0.7}],
    ids=["a store from before the bands", "a new threshold"],
)
def test_the_bands_are_cut_again_when_they_are_missing_or_cut_for_another_threshold(
    tmp_path: Path, site: tuple[Path, str], later_settings: dict[str, object]
) -> None:
    folder, url = site
    write_feed(folder, "ferry-us.html")
    desk = open_desk(tmp_path)
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        first_stages(desk)
        [(original, _)] = by_page(desk).values()
        [(_, first_cut)] = bands(desk)
        if not later_settings:
            forget_bands(desk)
    finally:
        desk.store.close()

    write_feed(folder, "ferry-syndicated.html", name="partner.xml")
    later = open_desk(tmp_path, **later_settings)  # the same store
    later.store.sources.add(f"{url}partner.xml", "en")
    try:
        first_stages(later)
        copy, status = by_page(later)["ferry-syndicated.html"]
        assert status == ArticleStatus.DUPLICATE
        assert duplicate_of(later, copy) == original
        [(article, cut)] = bands(later)
        assert article == original
        assert (cut != first_cut) == bool(later_settings)
    finally:
        later.store.close()


def test_the_threshold_is_a_setting(tmp_path: Path, site: tuple[Path, str]) -> None:
    folder, url = site
    write_feed(folder, "ferry-us.html", "ferry-syndicated.html")
    desk = open_desk(tmp_path, near_duplicate_threshold=1.0)  # only the same wording
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        report = first_stages(desk)
        assert {status for _, status in by_page(desk).values()} == {ArticleStatus.EXTRACTED}
        assert report.duplicates == 0
    finally:
        desk.store.close()


def test_the_same_canonical_url_or_the_same_text_is_a_copy(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    folder, url = site
    ferry = (PAGES / "ferry-us.html").read_text(encoding="utf-8")
    # The same page at a second address (a mirror): the same text and canonical URL.
    folder.joinpath("mirror.html").write_text(ferry, encoding="utf-8")
    # A different text naming the same canonical URL (an app view of the article, say).
    other = (PAGES / "allotment-gb.html").read_text(encoding="utf-8")
    canonical = (
        '<link rel="canonical" href="https://courier.example/2024/11/night-ferry-engine?id=42">'
    )
    folder.joinpath("app-view.html").write_text(
        other.replace("</head>", f"{canonical}</head>", 1), encoding="utf-8"
    )
    write_feed(folder, "ferry-us.html", "mirror.html", "app-view.html")
    desk = open_desk(tmp_path)
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        first_stages(desk)
        pages = by_page(desk)
        original = pages["ferry-us.html"][0]
        for page in ("mirror.html", "app-view.html"):
            copy, status = pages[page]
            assert status == ArticleStatus.DUPLICATE, page
            assert duplicate_of(desk, copy) == original, page
    finally:
        desk.store.close()


def test_a_home_page_named_as_canonical_does_not_make_every_article_one(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    folder, url = site
    home = '<link rel="canonical" href="https://courier.example/">'
    for page in ("ferry-us.html", "allotment-gb.html"):
        text = (PAGES / page).read_text(encoding="utf-8")
        text = text.replace('<link rel="canonical"', '<link rel="alternate"')
        folder.joinpath(page).write_text(text.replace("</head>", f"{home}</head>", 1), "utf-8")
    write_feed(folder, "ferry-us.html", "allotment-gb.html")
    desk = open_desk(tmp_path)
    desk.store.sources.add(f"{url}feed.xml", "en")
    try:
        report = first_stages(desk)
        assert report.duplicates == 0
        assert {a.status for a in desk.store.articles.all()} == {ArticleStatus.EXTRACTED}
    finally:
        desk.store.close()
