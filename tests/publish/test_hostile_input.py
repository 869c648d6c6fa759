"""Hostile markup from a source — script tags, event handlers, ``javascript:`` and
``data:`` URLs, markup in titles and author names — goes through the whole pipeline (a
real Desk, a fixture site on loopback, apertium) and the built site has none of it live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from foreigndesk.config import load_settings
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from tests.conftest import write_config

HOSTILE = Path(__file__).parent / "data" / "hostile"
LIVE_SCHEMES = ("javascript:", "data:", "vbscript:")


def _page(data: bytes | str) -> Any:
    """An lxml tree, typed loosely: XPath answers are whatever the expression selects."""
    return html.fromstring(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile")
    settings = load_settings(
        write_config(folder, desk={"auto_approve": True}, publish={"targets": ["site", "hugo"]})
    )
    store = Store.open(settings.database_url)
    try:
        with serve_directory(HOSTILE) as url:
            store.sources.add(f"{url}feed.xml", "en", "CC BY 4.0")
            report = Desk(settings, store).run()
        assert report.published == 1, report
        assert isinstance(report, RunReport)
        yield folder
    finally:
        store.close()


def pages(site: Path) -> list[Path]:
    return [p for p in (site / "public").rglob("*") if p.suffix in (".html", ".xml")]


def test_no_script_handler_or_live_url_survives_anywhere(site: Path) -> None:
    built = pages(site)
    assert any("posts" in p.parts for p in built)
    for path in built:
        if path.suffix == ".xml":
            continue
        tree = _page(path.read_bytes())
        assert not tree.xpath("//script|//iframe|//svg|//object|//embed"), path
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (path, element.tag, name)
                assert name.lower() != "style", (path, element.tag)
                if name in ("href", "src", "action", "formaction"):
                    assert not value.strip().lower().startswith(LIVE_SCHEMES), (path, value)


def test_markup_in_titles_and_authors_is_shown_as_text(site: Path) -> None:
    [post] = (site / "public" / "posts").glob("*/index.html")
    page = _page(post.read_bytes())
    title = page.xpath("//h1")[0].text_content()
    assert '<script>alert("author")</script> Nordmann' in title  # as text, not markup
    footer = page.xpath("//footer[@class='post-attribution']")[0].text_content()
    assert "Nordmann" in footer
    raw = post.read_text()
    assert "<script" not in raw.lower() and "onerror" not in raw.replace("onerror=alert", "")


def test_the_feed_and_the_markdown_carry_nothing_live(site: Path) -> None:
    import feedparser

    atom = (site / "public" / "atom.xml").read_bytes()
    assert not feedparser.parse(atom).bozo
    # The content as a feed reader gets it: feedparser's own sanitising would hide what a
    # reader that does not sanitise shows.
    content = etree.fromstring(atom).findtext(".//{http://www.w3.org/2005/Atom}content") or ""
    fragment = _page(f"<div>{content}</div>")
    assert not fragment.xpath("//script|//iframe|//svg")
    assert not any(
        v.strip().lower().startswith(LIVE_SCHEMES) for v in fragment.xpath("//@href|//@src")
    )
    assert not any(n.startswith("on") for e in fragment.iter() for n in e.attrib)
    [markdown] = (site / "hugo" / "posts").glob("*.md")
    # The front matter holds the title as a YAML string (Hugo escapes it: test_hugo.py);
    # the body has no raw HTML and no live link.
    body = markdown.read_text().split("\n---\n", 1)[1]
    assert "javascript:" not in body and "data:" not in body
    # Every "<" is either backslash-escaped text or opens a link destination <http...>.
    assert not re.search(r"(?<!\\)<(?!https?://)", body), body
