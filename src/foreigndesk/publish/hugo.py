"""Markdown with front matter, for Hugo or Jekyll.

One file per post in ``{publish.hugo.output_dir}/{publish.hugo.section}/``: YAML front
matter (title, date, draft, tags, slug, original_url, author, source) and the post as
Markdown — source line, lead, byline, body, attribution — converted from its clean HTML,
so it renders with raw HTML switched off (Hugo's default). Hugo takes the folder as its
``contentDir``; for Jekyll the section is ``_posts`` and file names start with the date.
Files are written only when their bytes change, and a post that is gone loses its file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from foreigndesk.config import Settings
from foreigndesk.hookspecs import hookimpl
from foreigndesk.models import Post
from foreigndesk.publish.document import domain, post_document_html
from foreigndesk.publish.markdown import to_markdown
from foreigndesk.publish.sanitize import plain
from foreigndesk.publish.site.files import OutputFolder
from foreigndesk.publish.target import Ledger, PublishReport, PublishTarget


def _yaml(value: str | bool | list[str]) -> str:
    """A YAML scalar or flow list: JSON strings are valid YAML double-quoted strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return json.dumps(plain(value), ensure_ascii=False)


def front_matter(post: Post, *, draft: bool) -> str:
    a = post.attribution
    lines = [f"title: {_yaml(post.title)}"]
    if post.published:
        lines.append(f"date: {post.published.isoformat()}")
    fields: list[tuple[str, str | bool | list[str]]] = [
        ("draft", draft),
        ("tags", list(post.tags)),
        ("slug", post.slug),
        ("original_url", a.url),
        ("author", ", ".join(a.authors)),
        ("source", a.site_name or domain(a.url)),
        ("license", a.license or ""),
        ("lang", post.lang),
    ]
    lines += [f"{name}: {_yaml(value)}" for name, value in fields]
    return "---\n" + "\n".join(lines) + "\n---\n"


def markdown_file(post: Post, settings: Settings) -> str:
    """The whole file for ``post``: front matter, then the post as Markdown."""
    draft = settings.publish.hugo.draft
    body = to_markdown(post_document_html(post, settings.desk.locale))
    return front_matter(post, draft=draft) + "\n" + body


def file_name(post: Post, section: str) -> str:
    """``{slug}.md``; Jekyll's _posts need the date first, which a dated slug has."""
    if section.strip("/").endswith("_posts") and post.published:
        prefix = post.published.isoformat()
        if not post.slug.startswith(prefix):
            return f"{prefix}-{post.slug}.md"
    return f"{post.slug}.md"


def export(posts: Sequence[Post], settings: Settings) -> PublishReport:
    options = settings.publish.hugo
    root = settings.root / options.output_dir
    folder = OutputFolder(root)
    section = options.section.strip("/") or "posts"
    for post in posts:
        folder.write(f"{section}/{file_name(post, section)}", markdown_file(post, settings))
    folder.flush()
    folder.remove_stale(prefix=f"{section}/", suffix=".md")
    return PublishReport(
        target="hugo",
        written=folder.written,
        unchanged=folder.unchanged,
        location=str(Path(root) / section),
    )


class HugoTarget:
    name: ClassVar[str] = "hugo"

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        return export(posts, settings)


@hookimpl
def foreigndesk_publish_targets() -> list[PublishTarget]:
    return [HugoTarget()]
