"""The static site: every page kind, pagination, archives, a valid Atom feed in full, the
bilingual view, safe paths, theme overrides, and incremental byte-identical builds."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree, html

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.digest import post_digest
from foreigndesk.publish.site import build_site, render_post_html
from tests.publish.conftest import make_article, make_post, make_translation


def _page(data: bytes | str) -> Any:
    """An lxml tree, typed loosely: XPath answers are whatever the expression selects."""
    return html.fromstring(data)


def into(settings: Settings, folder: str) -> Settings:
    """The same settings, building into another folder."""
    return settings.model_copy(
        update={"site": settings.site.model_copy(update={"output_dir": folder})}
    )


def with_site(settings: Settings, **options: object) -> Settings:
    site = settings.publish.site.model_copy(update=options)
    return settings.model_copy(
        update={"publish": settings.publish.model_copy(update={"site": site})}
    )


@pytest.fixture
def many(settings: Settings) -> list[Post]:
    authors = ("Jane Roe", "Kenji Mori")
    return [
        make_post(
            make_article(
                n, authors=(authors[n % 2],), tags=("harbours",) if n % 3 else ("ポート",)
            ),
            settings,
        )
        for n in range(1, 13)
    ]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_every_page_kind_is_built(settings: Settings, many: list[Post]) -> None:
    settings = with_site(settings, per_page=5)
    report = build_site(many, settings)
    root = settings.output_dir
    names = set(snapshot(root))
    for name in ("index.html", "page/2/index.html", "page/3/index.html", "atom.xml",
                 "sitemap.xml", "robots.txt", "404.html", "style.css", "archives/index.html",
                 "authors/jane-roe/index.html", "sources/example-review/index.html",
                 "tags/harbours/index.html", "months/2024/11/index.html"):  # fmt: skip
        assert name in names, name
    assert not (root / "page/4/index.html").exists()
    assert sum(n.startswith("posts/") and n.endswith("/index.html") for n in names) == 12
    assert sum(n.endswith("/bilingual.html") for n in names) == 12
    assert report.written == len(names)
    # A Japanese tag gets a safe folder name of its own, linked from the archives page.
    archives = _page((root / "archives/index.html").read_bytes())
    [link] = archives.xpath("//a[text()='ポート']")
    assert (root / "archives" / link.get("href")).resolve().exists()
    index = _page((root / "index.html").read_bytes())
    assert len(index.xpath("//article")) == 5
    assert index.xpath("//nav[@class='pagination']//a[@rel='next']/@href") == ["page/2/index.html"]
    second = _page((root / "page/2/index.html").read_bytes())
    href = second.xpath("//article//h2/a/@href")[0]
    assert (root / "page/2" / href).resolve().exists()


def test_the_post_page_has_the_post_format_canonical_and_csp(
    settings: Settings, many: list[Post]
) -> None:
    build_site(many, settings)
    post = many[0]
    page = _page((settings.output_dir / "posts" / post.slug / "index.html").read_bytes())
    assert page.xpath("//link[@rel='canonical']/@href") == [post.attribution.url]
    [csp] = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    assert page.xpath("//main[@id='main']") and page.xpath("//nav") and page.xpath("//header")
    assert all(img.get("alt") for img in page.xpath("//img"))
    footer = page.xpath("//footer[@class='post-attribution']")[0].text_content()
    assert "CC BY 4.0" in footer and "apertium" in footer and "Kenji Mori" in footer


def test_the_bilingual_view_pairs_each_block_without_script(
    settings: Settings, many: list[Post]
) -> None:
    build_site(many, settings)
    path = settings.output_dir / "posts" / many[0].slug / "bilingual.html"
    page = _page(path.read_bytes())
    rows = page.xpath("//div[@role='row'][@class!='pair pair-head']")
    assert len(rows) == len(many[0].pairs)
    heading = next(r for r in rows if "pair-heading" in r.get("class"))
    assert heading.xpath("div[@lang='en']")[0].text_content().strip() == "What engineers measure"
    assert heading.xpath("div[@lang='es']")[0].text_content().strip() == (
        "Lo que miden los ingenieros"
    )
    assert not page.xpath("//script")


def test_the_atom_feed_is_valid_and_carries_full_content(
    settings: Settings, many: list[Post]
) -> None:
    build_site(many, with_site(settings, feed_entries=4))
    data = (settings.output_dir / "atom.xml").read_bytes()
    etree.fromstring(data)
    feed = feedparser.parse(data)
    assert not feed.bozo
    assert len(feed.entries) == 4
    entry = feed.entries[0]
    assert "Lo que miden los ingenieros" in entry.content[0].value
    assert "CC BY 4.0" in entry.content[0].value
    sitemap = etree.fromstring((settings.output_dir / "sitemap.xml").read_bytes())
    assert len(sitemap) == 13


def test_excerpt_mode_shows_lead_attribution_and_link_only(settings: Settings) -> None:
    post = make_post(make_article(1, license="CC BY-ND 4.0"), settings)
    build_site([post], settings)
    page = (settings.output_dir / "posts" / post.slug / "index.html").read_text()
    assert "post-excerpt-note" in page and "post-body" not in page
    assert "Lo que miden" not in page
    assert not (settings.output_dir / "posts" / post.slug / "bilingual.html").exists()


def test_rebuilds_write_only_what_changed_and_are_byte_identical(
    settings: Settings, many: list[Post]
) -> None:
    build_site(many, settings)
    first = snapshot(settings.output_dir)
    again = build_site(many, settings)
    assert again.written == 0
    assert snapshot(settings.output_dir) == first
    changed = list(many)
    changed[5] = dataclasses.replace(many[5], title="Un título nuevo", content_hash="")
    report = build_site(changed, settings)
    after = snapshot(settings.output_dir)
    differs = {name for name in after if after[name] != first.get(name)}
    assert f"posts/{many[5].slug}/index.html" in differs
    assert "index.html" in differs and "atom.xml" in differs
    assert report.written == len(differs) < 15
    # Building the changed posts from scratch gives the same bytes.
    fresh = with_site(settings)
    fresh = fresh.model_copy(update={"site": fresh.site.model_copy(update={"output_dir": "b"})})
    build_site(changed, fresh)
    assert snapshot(fresh.output_dir) == after
    # A post that is gone takes its pages with it; an emptied folder is built in full.
    build_site(changed[1:], settings)
    assert not (settings.output_dir / "posts" / many[0].slug).exists()
    shutil.rmtree(settings.output_dir)
    assert build_site(changed[1:], settings).unchanged == 0
    assert (settings.output_dir / "robots.txt").exists()


@pytest.mark.parametrize("slug", ["../escape", "a/../../b", "", "x\x00y", "/abs", "a\\b"])
def test_a_slug_that_leaves_the_folder_is_refused(
    settings: Settings, many: list[Post], slug: str
) -> None:
    bad = dataclasses.replace(many[0], slug=slug)
    with pytest.raises(DeskError, match="refusing to write"):
        build_site([bad], settings)
    assert not (settings.output_dir.parent / "escape").exists()


def test_a_users_templates_override_the_theme_by_name(
    settings: Settings, many: list[Post], tmp_path: Path
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "404.html").write_text('{% extends "base.html" %}{% block main %}Lost{% endblock %}')
    (theme / "style.css").write_text("body { color: teal; }")
    settings = with_site(settings, templates_dir="theme")
    build_site(many, settings)
    assert "Lost" in (settings.output_dir / "404.html").read_text()
    assert (settings.output_dir / "style.css").read_text() == "body { color: teal; }"
    (theme / "404.html").write_text('{% extends "base.html" %}{% block main %}Gone{% endblock %}')
    build_site(many, settings)
    assert "Gone" in (settings.output_dir / "404.html").read_text()


def test_render_post_html_is_the_page_for_a_preview(settings: Settings, many: list[Post]) -> None:
    page = render_post_html(many[0], settings)
    assert page.startswith("<!doctype html>") and many[0].title in page


def test_local_images_are_copied_once_and_svg_never(settings: Settings) -> None:
    from foreigndesk.models import Block, BlockKind
    from foreigndesk.sample import serve_directory

    data = Path(__file__).parent / "data" / "images"
    with serve_directory(data) as url:
        blocks = (
            Block(BlockKind.PARAGRAPH, html="Uno."),
            Block(BlockKind.IMAGE, src=f"{url}quay.png", alt="Quay", credit="Image: Ola"),
            Block(BlockKind.IMAGE, src=f"{url}chart.svg", alt="Chart"),
            Block(BlockKind.PARAGRAPH, html="Dos."),
        )
        article = make_article(1, blocks=blocks)
        translation = make_translation(article, ("Uno.", "Muelle", "Gráfico", "Dos."))
        post = make_post(article, settings, translation)
        local = with_site(settings, local_images=True)
        build_site([post], local)
        copies = list((local.output_dir / "images").iterdir())
        assert [p.suffix for p in copies] == [".png"]
        assert copies[0].read_bytes() == (data / "quay.png").read_bytes()
        page = _page((local.output_dir / "posts" / post.slug / "index.html").read_bytes())
        srcs = page.xpath("//div[@class='post-body']//img/@src")
        assert srcs == [f"/images/{copies[0].name}", f"{url}chart.svg"]
    # Served no longer: the copy is kept and nothing is fetched again.
    assert build_site([post], local).written == 0


def test_rendering_on_two_processes_gives_the_same_bytes(
    settings: Settings, many: list[Post]
) -> None:
    build_site(many, settings, processes=1)
    one = snapshot(settings.output_dir)
    two = settings.model_copy(update={"site": settings.site.model_copy(update={"output_dir": "p"})})
    report = build_site(many, two, processes=2)
    assert snapshot(two.output_dir) == one
    assert report.written == len(one)


def numerous_posts(settings: Settings, count: int) -> list[Post]:
    """``count`` posts over a year: one composed post, told apart by number and date."""
    first = make_post(make_article(1), settings)
    posts = []
    for n in range(1, count + 1):
        post = dataclasses.replace(
            first,
            article_id=n,
            slug=f"harbour-story-{n}",
            title=f"{first.title} {n}",
            published=date(2024, 12, 31) - timedelta(days=n % 365),
            tags=(f"tema-{n % 7}", "puertos"),
        )
        posts.append(dataclasses.replace(post, content_hash=post_digest(post)))
    return posts


FORKED_BUILD = """
import logging, sys, threading
from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.publish.site import build_site, forked_rendering
from tests.publish.test_site import numerous_posts

logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(message)s")
settings = load_settings(Path(sys.argv[1]))
posts = numerous_posts(settings, 500)
stop = threading.Event()
beside = threading.Thread(target=stop.wait)
beside.start()
with forked_rendering(2):
    build_site(posts, settings)  # another thread runs: one process
    print("thread stopped")
    stop.set()
    beside.join()
    build_site(posts, settings.model_copy(
        update={"site": settings.site.model_copy(update={"output_dir": "forked"})}))
"""


def test_a_command_line_build_renders_on_forked_processes_with_the_same_bytes(
    settings: Settings,
) -> None:
    # In a process of its own, which runs no thread the test runner started.
    script = subprocess.run(
        [sys.executable, "-c", FORKED_BUILD, str(settings.root / "desk.toml")],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    before, _, after = script.stdout.partition("thread stopped")
    assert "rendered on" not in before
    assert "rendered on 2 processes" in after
    here = into(settings, "here")
    assert build_site(numerous_posts(settings, 500), here, processes=1).written > 1000
    assert snapshot(settings.root / "forked") == snapshot(here.output_dir)
    assert snapshot(settings.root / "public") == snapshot(here.output_dir)


def test_an_incremental_build_is_a_fresh_build_after_any_change(
    settings: Settings, many: list[Post]
) -> None:
    def fresh_copy(posts: list[Post]) -> dict[str, bytes]:
        elsewhere = into(settings, "fresh")
        shutil.rmtree(elsewhere.output_dir, ignore_errors=True)
        build_site(posts, elsewhere)
        return snapshot(elsewhere.output_dir)

    def changed(post: Post, **values: object) -> Post:
        post = dataclasses.replace(post, **values)  # type: ignore[arg-type]
        return dataclasses.replace(post, content_hash=post_digest(post))

    posts = list(many)
    build_site(posts, settings)
    changes: list[Callable[[], object]] = [
        lambda: posts.__setitem__(4, changed(posts[4], published=date(2023, 1, 1))),
        lambda: posts.__setitem__(2, changed(posts[2], pairs=())),
        lambda: posts.__setitem__(7, changed(posts[7], tags=("nuevo",))),
        lambda: posts.pop(0),
        lambda: posts.insert(3, changed(many[0], slug="de-vuelta", article_id=99)),
    ]
    for change in changes:
        change()
        build_site(posts, settings)
        assert snapshot(settings.output_dir) == fresh_copy(posts)
    assert not (settings.output_dir / "posts" / many[2].slug / "bilingual.html").exists()


def test_a_changed_post_template_rewrites_every_post_page(
    settings: Settings, many: list[Post], tmp_path: Path
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    settings = with_site(settings, templates_dir="theme")
    build_site(many, settings)
    (theme / "post.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ post.title }}</h1>{% endblock %}'
    )
    report = build_site(many, settings)
    assert report.written == len(many)
    page = (settings.output_dir / "posts" / many[3].slug / "index.html").read_text()
    assert f"<h1>{many[3].title}</h1>" in page
