"""`foreigndesk extract URL|FILE` prints what the desk extracts and stores nothing;
`foreigndesk reextract ID|--all` extracts again from the stored pages, never fetching."""

from __future__ import annotations

import json
from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus, BlockKind
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from foreigndesk.store.tables import ArticleRow, PageRow
from tests.conftest import invoke

PAGES = Path(__file__).parents[1] / "data" / "extract"


# -- extract -------------------------------------------------------------------------


def test_extract_a_file_as_json(tmp_path: Path) -> None:
    result = invoke(
        "extract",
        PAGES / "ferry-us.html",
        "--json",
        "--url",
        "https://courier.example/2024/11/night-ferry-engine",
        "--config",
        tmp_path / "desk.toml",  # none there: the defaults do
    )
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    assert article["title"] == "The Night Ferry Gets a Quieter Engine"
    assert article["authors"] == ["Jane Roe", "Kenji Mori"]
    assert article["published"] == "2024-11-16"
    assert article["canonical_url"] == "https://courier.example/2024/11/night-ferry-engine?id=42"
    assert article["lang"] == "en-US"
    assert article["repeats"] == ["Passengers on the open deck had to raise their voices to talk."]
    kinds = [block["kind"] for block in article["blocks"]]
    assert kinds[0] == "paragraph"
    assert {"heading", "image", "table"} <= set(kinds)
    [image] = [block for block in article["blocks"] if block["kind"] == "image"]
    assert image["src"] == "https://courier.example/images/night-ferry.jpg"
    assert image["credit"] == "Photo: Lena Park"
    assert not list(tmp_path.iterdir())  # no store, no config written


def test_extract_a_url_prints_blocks_metadata_and_repeats(config_path: Path) -> None:
    with serve_directory(PAGES) as url:
        result = invoke("extract", f"{url}allotment-gb.html", "--config", config_path)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "authors: Priya Shah" in output
    assert "published: 2024-11-16" in output
    assert "licence: CC BY 4.0" in output
    assert "repeats found: 1" in output
    assert "Every November our allotment group" in output
    assert not (config_path.parent / "desk.db").exists()  # nothing stored


def test_extract_bad_input_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    missing = invoke("extract", tmp_path / "nowhere.html", "--config", config)
    assert missing.exit_code == 1
    [line] = missing.output.strip().splitlines()
    assert line.startswith("error: ")
    assert "nowhere.html: no such file, and not an http(s) URL" in line

    empty = tmp_path / "empty.html"
    empty.write_bytes(b"<html><body><nav>Home</nav></body></html>")
    no_article = invoke("extract", empty, "--config", config)
    assert no_article.exit_code == 1
    [line] = no_article.output.strip().splitlines()
    assert "no article text found on the page" in line


# -- reextract -----------------------------------------------------------------------


def fetched_desk(config_path: Path, *pages: str) -> Desk:
    """A desk that has fetched and extracted ``pages`` (served for that long only)."""
    settings = load_settings(config_path)
    desk = Desk(settings, Store.open(settings.database_url))
    with serve_directory(PAGES) as url:
        feed = config_path.parent / "feed.xml"
        items = "".join(f"<item><link>{url}{p}</link><guid>{p}</guid></item>" for p in pages)
        feed.write_text(
            f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>', "utf-8"
        )
        with serve_directory(config_path.parent) as feed_url:
            desk.store.sources.add(f"{feed_url}feed.xml", "en")
            report = RunReport()
            desk.discover(report)
            desk.fetch_pages(report)
    desk.extract(report)
    assert report.extracted == len(pages)
    return desk


def test_reextract_one_article_from_its_stored_page(config_path: Path) -> None:
    desk = fetched_desk(config_path, "ferry-us.html", "bus-relative.html")
    try:
        ferry, bus = sorted(desk.store.articles.all(), key=lambda a: a.id)
        before = desk.store.articles.get(ferry.id).blocks
        with desk.store.transaction() as session:  # as if an older extractor had run
            row = session.get_one(ArticleRow, ferry.id)
            row.title, row.status = "stale", ArticleStatus.IN_REVIEW.value
        # The pages are no longer served: re-extraction reads the stored copies only.
        result = invoke("reextract", ferry.id, "--config", config_path)
        assert result.exit_code == 0, result.output
        assert "extracted 1 · duplicates 0 · failed 0" in result.output
        again = desk.store.articles.get(ferry.id)
        assert again.title == "The Night Ferry Gets a Quieter Engine"
        assert again.status == ArticleStatus.EXTRACTED
        assert again.blocks == before
        assert desk.store.articles.get(bus.id).status == ArticleStatus.EXTRACTED
    finally:
        desk.store.close()


def test_reextract_all(config_path: Path) -> None:
    desk = fetched_desk(config_path, "ferry-us.html", "tea-ja-utf8.html")
    try:
        result = invoke("reextract", "--all", "--config", config_path)
        assert result.exit_code == 0, result.output
        assert "extracted 2 · duplicates 0 · failed 0" in result.output
        tea = next(a for a in desk.store.articles.all() if a.url.endswith("tea-ja-utf8.html"))
        assert desk.store.articles.get(tea.id).authors == ("山田花子",)
        assert desk.store.articles.get(tea.id).blocks[0].kind == BlockKind.PARAGRAPH
    finally:
        desk.store.close()


def test_stored_pages_are_compressed(config_path: Path) -> None:
    desk = fetched_desk(config_path, "ferry-us.html")
    try:
        [article] = desk.store.articles.all()
        original = (PAGES / "ferry-us.html").read_bytes()
        with desk.store.transaction() as session:
            stored = session.get_one(PageRow, article.id).body
        assert stored[:2] == b"\x1f\x8b"  # gzip
        assert len(stored) < len(original) / 2
        assert desk.store.pages.get(article.id).body == original
    finally:
        desk.store.close()


def test_reextract_bad_input_is_one_line(config_path: Path) -> None:
    for args, expected in [
        ((), "error: no articles named — give article ids, or --all"),
        (("1", "--all"), "error: give article ids or --all, not both"),
        (("42",), "error: no article 42 — see `foreigndesk articles list`"),
    ]:
        result = invoke("reextract", *args, "--config", config_path)
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [expected]


def test_reextract_an_article_not_yet_fetched_says_so(config_path: Path) -> None:
    settings = load_settings(config_path)
    store = Store.open(settings.database_url)
    try:
        source, _ = store.sources.add("https://pages.test/feed.xml", "en")
        assert source.id is not None
        store.sources.record_success(
            source.id, title="t", urls=["https://pages.test/a.html"], etag=None, last_modified=None
        )
        [article] = store.articles.all()
    finally:
        store.close()
    result = invoke("reextract", article.id, "--config", config_path)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line == (
        f"error: article {article.id} has no stored page yet — `foreigndesk run` fetches and"
        " extracts it"
    )
