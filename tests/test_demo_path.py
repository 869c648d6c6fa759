"""The demo path, end to end: a curator subscribes to the sample magazine, runs the desk,
approves the posts and builds the blog. The blog must show every part of the post format."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import feedparser
import pytest
from lxml import html

from foreigndesk.sample import SAMPLE_SITE
from tests.conftest import invoke, write_config


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory, sample_url: str) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    config = folder / "desk.toml"
    assert invoke("init", "--config", config, "--target-lang", "es").exit_code == 0
    write_config(folder, site={"title": "Desde fuera"})
    added = invoke(
        "source",
        "add",
        f"{sample_url}feed.xml",
        "--lang",
        "en",
        "--license",
        "CC BY 4.0",
        "--config",
        config,
    )
    assert added.exit_code == 0, added.output
    ran = invoke("run", "--config", config)
    assert ran.exit_code == 0, ran.output
    assert "error" not in ran.output
    assert invoke("approve", "--all", "--config", config).exit_code == 0
    built = invoke("build", "--config", config)
    assert built.exit_code == 0, built.output
    return folder / "public"


def post_page(blog: Path, slug_part: str) -> html.HtmlElement:
    [page] = [p for p in (blog / "posts").glob("*/index.html") if slug_part in p.parent.name]
    return html.fromstring(page.read_bytes())


def original_paragraphs(name: str) -> list[str]:
    page = html.fromstring((SAMPLE_SITE / "articles" / name).read_bytes())
    paragraphs = cast("list[html.HtmlElement]", page.xpath("//article/p[not(@class)]"))
    return [text_of(p) for p in paragraphs]


def test_every_sample_article_becomes_a_post(blog: Path) -> None:
    assert len(list((blog / "posts").glob("*/index.html"))) == 10


def test_title_follows_the_template_author_then_translated_title(blog: Path) -> None:
    page = post_page(blog, "bread-oven")
    title = text_of(page.xpath("//h1[@class='post-title']")[0])
    author, _, translated = title.partition("⚡️")
    assert author == "Ingrid Solberg"
    assert translated
    assert translated != "The Community Bread Oven on Mill Street"
    assert "Horno" in translated


def test_source_line_links_the_original_by_its_domain(blog: Path, sample_url: str) -> None:
    page = post_page(blog, "bread-oven")
    [link] = page.xpath("//p[@class='post-source']/a")
    assert link.get("href") == f"{sample_url}articles/bread-oven.html"
    assert link.text == "127.0.0.1"


def test_byline_shows_the_day_first_date_in_the_target_locale(blog: Path) -> None:
    # The page says 16/11/2024 on a British site: 16 November, written the Spanish way.
    page = post_page(blog, "bread-oven")
    byline = text_of(page.xpath("//p[@class='post-byline']")[0])
    assert byline == "Ingrid Solberg · 16 de noviembre de 2024"
    repair = text_of(post_page(blog, "repair-caf").xpath("//p[@class='post-byline']")[0])
    assert repair.endswith("3 de octubre de 2024")


def test_body_is_spanish_and_differs_from_the_source(blog: Path) -> None:
    page = post_page(blog, "bread-oven")
    body = [text_of(p) for p in page.xpath("//div[@class='post-body']/p")]
    source = original_paragraphs("bread-oven.html")
    assert len(body) >= 6
    assert not set(body) & set(source)
    words = " ".join(body).lower().split()
    assert sum(w in {"el", "la", "de", "y", "en", "los", "las"} for w in words) > 30


def test_a_paragraph_pasted_twice_in_the_original_appears_once(blog: Path) -> None:
    source = original_paragraphs("bread-oven.html")
    assert len(source) != len(set(source)), "the fixture repeats a paragraph"
    body = [text_of(p) for p in post_page(blog, "bread-oven").xpath("//div[@class='post-body']/p")]
    assert len(body) == len(set(body)) == len(set(source))


def test_lead_stands_above_the_byline(blog: Path) -> None:
    page = post_page(blog, "bread-oven")
    article = page.xpath("//article")[0]
    classes = [child.get("class") for child in article]
    assert classes.index("post-lead") < classes.index("post-byline") < classes.index("post-body")
    lead = text_of(article.xpath("section[@class='post-lead']")[0])
    assert lead == text_of(page.xpath("//div[@class='post-body']/p")[-1])


def test_images_stay_in_place_with_their_credit(blog: Path, sample_url: str) -> None:
    page = post_page(blog, "harbour-tides")
    [figure] = page.xpath("//div[@class='post-body']/figure")
    assert figure.xpath("img/@src") == [f"{sample_url}images/harbour-wall.svg"]
    assert figure.xpath("img/@alt")[0]
    credit = text_of(figure.xpath(".//span[@class='credit']")[0])
    assert credit.startswith("Image:")
    assert figure.getprevious().tag in {"p", "h2", "ul"}
    assert figure.getnext() is not None


def test_headings_quotes_lists_links_and_emphasis_survive(blog: Path) -> None:
    bodies = [
        html.tostring(p.xpath("//div[@class='post-body']")[0], encoding="unicode")
        for p in (post_page(blog, s) for s in ("harbour-tides", "chess-club", "bread-oven"))
    ]
    joined = "".join(bodies)
    for tag in ("<h2>", "<blockquote>", "<ul>", "<li>", '<a href="https://example.', "<strong>"):
        assert tag in joined, tag


def test_footer_carries_the_full_attribution(blog: Path, sample_url: str) -> None:
    page = post_page(blog, "bread-oven")
    footer = text_of(page.xpath("//footer[@class='post-attribution']")[0])
    assert "The Community Bread Oven on Mill Street" in footer
    assert "The Harbour Review" in footer
    assert "Ingrid Solberg" in footer
    assert "16 de noviembre de 2024" in footer
    assert "CC BY 4.0" in footer
    assert "apertium" in footer
    assert "sin edición humana" in footer
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{sample_url}articles/bread-oven.html"]


def test_index_lists_posts_newest_first(blog: Path) -> None:
    index = html.fromstring((blog / "index.html").read_bytes())
    links = cast("list[str]", index.xpath("//article[@class='post-summary']/h2/a/@href"))
    assert len(links) == 10
    assert links == sorted(links, reverse=True)  # slugs start with the ISO date


def test_atom_feed_parses_back_with_every_post(blog: Path) -> None:
    feed = feedparser.parse((blog / "atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 10
    titles = {
        text_of(post_page(blog, p.parent.name).xpath("//h1")[0])
        for p in (blog / "posts").glob("*/index.html")
    }
    assert {e.title for e in feed.entries} == titles
    bread = next(e for e in feed.entries if "Horno" in e.title)
    assert bread.author == "Ingrid Solberg"
    assert bread.published.startswith("2024-11-16")
    assert "Mill Street" in bread.content[0].value
    assert bread.link.endswith("/index.html") or bread.link.endswith("/")
