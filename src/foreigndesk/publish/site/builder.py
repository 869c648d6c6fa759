"""Posts → a static site on disk.

The same posts always give the same bytes (no build timestamps: the feed's ``updated`` is
the newest post's), and a file is rewritten only when its content changed, so a rebuild
touches only what a change affects and a sync to a web host moves only that.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, select_autoescape

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.labels import labels_for
from foreigndesk.publish.target import Ledger, PublishReport

POSTS_DIR = "posts"
FEED_FILE = "atom.xml"


@dataclass
class _Writes:
    written: int = 0
    unchanged: int = 0


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("foreigndesk.publish.site", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["domain"] = lambda url: urlsplit(url).hostname or url
    return env


def _inside(root: Path, relative: str) -> Path:
    target = (root / relative).resolve()
    if root.resolve() not in target.parents and target != root.resolve():
        raise DeskError(f"refusing to write {relative!r} outside {root} — check the post's slug")
    return target


def _write(root: Path, relative: str, content: str | bytes, writes: _Writes) -> None:
    """Write atomically, and only when the bytes differ from what is there."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = _inside(root, relative)
    if path.exists() and path.read_bytes() == data:
        writes.unchanged += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    writes.written += 1


def post_path(post: Post) -> str:
    return f"{POSTS_DIR}/{post.slug}/"


def build_site(posts: Sequence[Post], settings: Settings) -> PublishReport:
    """Render every page of the site for ``posts`` into the output folder."""
    root = settings.output_dir
    root.mkdir(parents=True, exist_ok=True)
    env = _environment()
    lang = settings.desk.target_lang
    labels = labels_for(lang)
    base_url = settings.site.base_url.rstrip("/") + "/"
    ordered = sorted(posts, key=lambda p: (p.published or date.min, p.article_id), reverse=True)
    context = {
        "site": settings.site,
        "lang": lang,
        "labels": labels,
        "base_url": base_url,
        "feed_file": FEED_FILE,
    }

    def when(value: date | None) -> str:
        return format_date(value, format="long", locale=settings.desk.locale) if value else ""

    writes = _Writes()
    post_template = env.get_template("post.html")
    for post in ordered:
        _write(
            root,
            post_path(post) + "index.html",
            post_template.render(post=post, root="../../", when=when, **context),
            writes,
        )
    _write(
        root,
        "index.html",
        env.get_template("index.html").render(
            posts=ordered, root="", post_path=post_path, **context
        ),
        writes,
    )
    updated = max((p.published for p in ordered if p.published), default=date(1970, 1, 1))
    _write(
        root,
        FEED_FILE,
        env.get_template("atom.xml").render(
            posts=ordered,
            updated=updated,
            post_url=lambda p: urljoin(base_url, post_path(p)),
            **context,
        ),
        writes,
    )
    style = files("foreigndesk.publish.site") / "static" / "style.css"
    _write(root, "style.css", style.read_bytes(), writes)
    return PublishReport(
        target="site", written=writes.written, unchanged=writes.unchanged, location=str(root)
    )


class SiteTarget:
    name: ClassVar[str] = "site"

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        return build_site(posts, settings)
