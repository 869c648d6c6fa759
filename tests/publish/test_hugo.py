"""The Markdown export, built by Debian's real ``hugo`` and read back from the pages it renders."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from foreigndesk.config import Settings
from foreigndesk.models import Post
from foreigndesk.publish.hugo import HugoTarget, front_matter
from foreigndesk.store import Store

HUGO = shutil.which("hugo")
LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>'
        '<p class="meta"><a class="original" href="{{ .Params.original_url }}">'
        "{{ .Params.source }}</a> {{ .Params.author }}</p>"
        '<div class="content">{{ .Content }}</div></article>{{ end }}'
    ),
    "_default/list.html": (
        '{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}"
    ),
}


def _page(data: bytes | str) -> Any:
    """An lxml tree, typed loosely: XPath answers are whatever the expression selects."""
    return html.fromstring(data)


def hostile(post: Post) -> Post:
    return dataclasses.replace(
        post,
        title='Jane "Roe"⚡️<script>alert(1)</script>: a title',
        body_html=post.body_html + "<p>*not emphasis* [not](a link) &lt;b&gt; # no heading</p>",
        content_hash="",
    )


def test_front_matter_has_every_field(posts: list[Post]) -> None:
    matter = front_matter(posts[0], draft=True)
    for field in ("title", "date", "draft", "tags", "slug", "original_url", "author", "source"):
        assert f"\n{field}: " in "\n" + matter
    assert 'tags: ["harbours", "climate"]' in matter and "draft: true" in matter


@pytest.mark.skipif(HUGO is None, reason="hugo is installed by scripts/system-packages")
def test_hugo_builds_the_export_into_pages(
    settings: Settings, posts: list[Post], store: Store, tmp_path: Path
) -> None:
    site = tmp_path / "hugo-site"
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    (site / "config.toml").write_text(
        'baseURL = "http://example.test/"\ntitle = "t"\ncontentDir = "../hugo"\n'
        '[taxonomies]\ntag = "tags"\n',
        encoding="utf-8",
    )
    exported = [hostile(posts[0]), *posts[1:]]
    report = HugoTarget().publish(exported, settings, store.posts)
    assert report.written == 3
    assert HugoTarget().publish(exported, settings, store.posts).written == 0
    run = subprocess.run(
        [str(HUGO), "--source", str(site), "--destination", str(site / "public"), "--quiet"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    page_path = site / "public" / "posts" / posts[0].slug / "index.html"
    page = _page(page_path.read_bytes())
    assert page.findtext(".//h1") == 'Jane "Roe"⚡️<script>alert(1)</script>: a title'
    assert not page.xpath("//script")
    content = page.xpath("//div[@class='content']")[0]
    assert content.xpath(".//h2")[0].text_content() == "Lo que miden los ingenieros"
    assert [li.text_content() for li in content.xpath(".//ul/li")][:2] == [
        "Nivel del agua",
        "Altura de las olas",
    ]
    assert content.xpath(".//em")[0].text_content() == "dos veces"
    assert content.xpath(".//a[@href='https://port.test/wall']")[0].text_content() == "muelle"
    assert content.xpath(".//blockquote")
    assert content.xpath(".//img/@src")[0] == "https://img.port.test/wall.jpg"
    text = content.text_content()
    assert "*not emphasis* [not](a link) <b> # no heading" in text
    assert "https://example-review.org/2024/harbour-1.html" in html.tostring(content).decode()
    [original] = page.xpath("//a[@class='original']")
    assert original.get("href") == "https://example-review.org/2024/harbour-1.html"
    assert original.text == "Example Review"
    assert (site / "public" / "tags" / "harbours" / "index.html").exists()
