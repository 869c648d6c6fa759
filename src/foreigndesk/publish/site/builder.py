"""Posts → a static site on disk: post pages, bilingual views, a paginated index, archives
per tag, source, author and month, an Atom feed in full, sitemap.xml, robots.txt and a 404.

A post's HTML is rendered once, when it is composed and stored; a build only fills
templates and writes files. The manifest beside the output folder (``manifest``) says
what each page showed when it was last written — the theme, the settings, the content
hashes of its posts — and a page that would show the same is not even rendered, so
changing one post of ten thousand renders that post, its neighbours and the few list
pages that show it. The pages that are rendered are rendered at the end, all together,
on forked processes when the caller asks (``workers``). The same posts always give the
same bytes: no build times anywhere (the feed's ``updated`` is the newest post's date).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from babel.dates import format_date
from jinja2 import Template

from foreigndesk.config import Settings
from foreigndesk.models import Post
from foreigndesk.publish.compose import slugify
from foreigndesk.publish.digest import digest, digest_of
from foreigndesk.publish.document import attribution_html, domain
from foreigndesk.publish.labels import labels_for
from foreigndesk.publish.site.files import OutputFolder, check_relative
from foreigndesk.publish.site.manifest import Manifest, read_manifest, write_manifest
from foreigndesk.publish.site.theme import Theme, Words, style
from foreigndesk.publish.site.workers import Page, processes_for, write_pages
from foreigndesk.publish.target import Ledger, PublishReport

POSTS_DIR = "posts"
FEED_FILE = "atom.xml"
ARCHIVE_KINDS = ("tags", "sources", "categories", "authors", "months")
#: Archives that have an Atom feed of their own beside their pages: a reader follows
#: one source, or one folder of sources, in translation.
FEED_KINDS = ("sources", "categories")
#: The templates a build renders pages with, and the one they extend.
TEMPLATES = ("base.html", "post.html", "bilingual.html", "list.html", "archives.html",
             "atom.xml", "sitemap.xml", "robots.txt", "404.html")  # fmt: skip
_SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def post_path(post: Post) -> str:
    return f"{POSTS_DIR}/{post.slug}/"


def archive_key(kind: str, name: str) -> str:
    """A safe folder name for an archive: months as YYYY/MM, others slugged or hashed."""
    if kind == "months":
        return name.replace("-", "/")
    slug = slugify(name, "")
    return slug if slug and slug.isascii() and len(slug) >= 2 else "x" + digest([name])[:10]


@dataclass(frozen=True)
class Archive:
    kind: str
    name: str
    key: str
    posts: tuple[Post, ...]

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.key}/"


def archives(ordered: Sequence[Post]) -> dict[str, list[Archive]]:
    tags: dict[str, list[Post]] = defaultdict(list)
    sources: dict[str, list[Post]] = defaultdict(list)
    categories: dict[str, list[Post]] = defaultdict(list)
    authors: dict[str, list[Post]] = defaultdict(list)
    months: dict[str, list[Post]] = defaultdict(list)
    month_of: dict[date, str] = {}  # a few hundred dates, thousands of posts
    for post in ordered:
        # A tag or an author named twice lists the post once.
        for tag in post.tags if len(post.tags) < 2 else dict.fromkeys(post.tags):
            tags[tag].append(post)
        attribution = post.attribution
        sources[attribution.site_name or domain(attribution.url)].append(post)
        if post.category:
            categories[post.category].append(post)
        names = attribution.authors
        for author in names if len(names) < 2 else dict.fromkeys(names):
            authors[author].append(post)
        if published := post.published:
            month = month_of.get(published)
            if month is None:
                month = month_of[published] = f"{published.year:04d}-{published.month:02d}"
            months[month].append(post)
    groups = {
        "tags": tags,
        "sources": sources,
        "categories": categories,
        "authors": authors,
        "months": months,
    }
    result: dict[str, list[Archive]] = {}
    for kind in ARCHIVE_KINDS:
        named = groups[kind]
        listed: list[Archive] = []
        taken: set[str] = set()
        for name in sorted(named, reverse=kind == "months"):
            key = archive_key(kind, name)
            if key in taken:  # two names, one slug: the second is told apart by a hash
                key = f"{key}-{digest([name])[:6]}"
            taken.add(key)
            listed.append(Archive(kind, name, key, tuple(named[name])))
        result[kind] = listed
    return result


class _LongDates:
    """Dates in the desk's locale: a site has a few hundred dates, shown thousands of
    times, and each is formatted once."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.shown: dict[date, str] = {}

    def __call__(self, value: date | None) -> str:
        if not value:
            return ""
        shown = self.shown.get(value)
        if shown is None:
            shown = self.shown[value] = format_date(value, format="long", locale=self.locale)
        return shown


class _Build:
    """One build's state: the old and new page keys, and the pages still to write."""

    def __init__(self, settings: Settings, folder: OutputFolder, before: Manifest):
        self.settings = settings
        self.folder = folder
        self.before = before
        #: The keys of the pages other than post pages, as last built and as built now.
        self.old = before.pages
        self.new: dict[str, str] = {}
        #: The pages whose key changed (or whose file is missing), rendered at the end.
        self.pages: list[Page] = []
        #: Each post's content hash, by the post's identity (computed once per build).
        self.hashes: dict[int, str] = {}
        theme = Theme(settings)
        self.env = theme.env
        self.theme = theme.key
        self._templates: dict[str, Template] = {}
        self.when = _LongDates(settings.desk.locale)
        lang = settings.desk.target_lang
        self.context: dict[str, Any] = {
            "site": settings.site,
            "lang": lang,
            "labels": Words(labels_for(lang)),
            "base_url": settings.site.base_url.rstrip("/") + "/",
            "feed_file": FEED_FILE,
            "post_path": post_path,
            "when": self.when,
            "attribution_html": lambda post: attribution_html(post, settings.desk.locale),
        }

    def changed(self, relative: str, key_parts: Iterable[str]) -> bool:
        """Whether ``relative`` is to be written: its key changed, or the folder did."""
        key = self.new[relative] = _key(self.theme, relative, key_parts)
        if self.old.get(relative) == key:
            # The manifest says the file holds exactly this; it is not read or rendered.
            self.folder.keep(relative)
            return False
        return True

    def page(self, relative: str, key_parts: Iterable[str], render: Callable[[], str]) -> None:
        """Write ``relative`` unless its key is unchanged and the file is there."""
        if self.changed(relative, key_parts):
            self.pages.append((relative, render))

    def template(self, name: str) -> Template:
        compiled = self._templates.get(name)
        if compiled is None:
            compiled = self._templates[name] = self.env.get_template(name)
        return compiled

    def render(self, template: str, root: str, **values: Any) -> str:
        return self.template(template).render(root=root, **self.context, **values)

    def listing(
        self, base: str, title: str, posts: Sequence[Post], template: str = "list.html"
    ) -> None:
        """Pages of ``posts`` at ``base``index.html, ``base``page/2/index.html, ..."""
        per_page = self.settings.publish.site.per_page
        pages = max(1, math.ceil(len(posts) / per_page))
        depth = base.count("/")
        hashes = list(map(self.hashes.__getitem__, map(id, posts)))
        for number in range(1, pages + 1):
            start = (number - 1) * per_page
            relative = base + ("" if number == 1 else f"page/{number}/") + "index.html"
            if not self.changed(
                relative, [title, str(number), str(pages), *hashes[start : start + per_page]]
            ):
                continue
            render = functools.partial(
                self.render,
                template,
                "../" * (depth + (0 if number == 1 else 2)),
                title=title,
                posts=posts[start : start + per_page],
                number=number,
                pages=pages,
                base=base,
            )
            self.pages.append((relative, render))


def _render_post(build: _Build, ordered: Sequence[Post], template: str, index: int) -> str:
    """A post's page (or its bilingual view), with links to its newer and older neighbours."""
    newer = ordered[index - 1] if index > 0 else None
    older = ordered[index + 1] if index + 1 < len(ordered) else None
    return build.render(template, "../../", post=ordered[index], newer=newer, older=older)


def _dates_as_text(ordered: Sequence[Post]) -> Iterable[str]:
    """Each post's date as text (a few hundred dates, each written once)."""
    published = [post.published for post in ordered]
    as_text = {day: str(day) for day in set(published)}
    return map(as_text.__getitem__, published)


def _neighbours(hashes: list[str]) -> tuple[list[str], list[str]]:
    """For each post, the newer and the older post's hash (none at either end)."""
    return ["", *hashes][: len(hashes)], [*hashes[1:], ""][: len(hashes)]


def _post_pages(
    build: _Build, ordered: Sequence[Post], slugs: list[str], hashes: list[str]
) -> tuple[list[bool], list[str]]:
    """Queue each post page and bilingual view that is not current; which posts have a
    bilingual view, and the post files of the last build that this one no longer has.

    A post page shows the post and its neighbours' titles and slugs, all of which their
    content hashes cover: it is current when the last build, with the same theme, had
    the post with the same hash between neighbours with the same hashes. A bilingual view
    is current when the post had the same hash and a bilingual view. This is a rebuild's
    longest loop, so it is a few passes that run in C.
    """
    for slug in itertools.filterfalse(_SAFE_SLUG.fullmatch, slugs):
        check_relative(f"{POSTS_DIR}/{slug}/index.html")
    before = build.before
    bilingual = [bool(post.pairs) for post in ordered]
    was_shown: dict[str, tuple[str, str, str]] = {}
    was_viewed: dict[str, str] = {}
    if before.theme == build.theme:
        shown = zip(before.hashes, *_neighbours(before.hashes), strict=True)
        was_shown = dict(zip(before.slugs, shown, strict=True))
        viewed = zip(before.slugs, before.hashes, strict=True)
        was_viewed = dict(itertools.compress(viewed, before.bilingual))
    shown_now = zip(hashes, *_neighbours(hashes), strict=True)
    page_current = list(map(operator.eq, map(was_shown.get, slugs), shown_now))
    same_view = map(operator.eq, map(was_viewed.get, slugs), hashes)
    view_current = list(map(operator.and_, bilingual, same_view))
    for index in itertools.compress(range(len(slugs)), map(operator.not_, page_current)):
        render = functools.partial(_render_post, build, ordered, "post.html", index)
        build.pages.append((f"{POSTS_DIR}/{slugs[index]}/index.html", render))
    missing_view = map(operator.gt, bilingual, view_current)  # has one, not current
    for index in itertools.compress(range(len(slugs)), missing_view):
        render = functools.partial(_render_post, build, ordered, "bilingual.html", index)
        build.pages.append((f"{POSTS_DIR}/{slugs[index]}/bilingual.html", render))
    # Current post pages are neither read nor rendered, nor listed one by one.
    build.folder.unchanged += sum(page_current) + sum(view_current)
    stale = [f"{POSTS_DIR}/{slug}/index.html" for slug in set(before.slugs).difference(slugs)]
    viewed_now = set(itertools.compress(slugs, bilingual))
    stale += [
        f"{POSTS_DIR}/{slug}/bilingual.html"
        for slug in itertools.compress(before.slugs, before.bilingual)
        if slug not in viewed_now
    ]
    return bilingual, stale


def _key(theme: str, relative: str, parts: Iterable[str]) -> str:
    joined = "\x1f".join([theme, relative, *parts]).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


def build_site(
    posts: Sequence[Post], settings: Settings, *, processes: int | None = None
) -> PublishReport:
    """Bring the output folder up to date with ``posts``; only changed files are written.

    ``processes``: pages are rendered by this many forked processes. By default one, or
    what ``forked_rendering()`` asks for around a command-line build (forking is not for
    a process that runs threads: see ``workers``); the bytes are the same either way.
    """
    # What was there before the build (the posts above all) is left out of the garbage
    # collector's full passes until the build ends: one such pass over ten thousand posts
    # took as long as the rest of a one-post rebuild.
    gc.freeze()
    try:
        return _build_site(posts, settings, processes)
    finally:
        gc.unfreeze()


def _feed(build: _Build, path: str, title: str, ordered: Sequence[Post]) -> None:
    """An Atom feed of the newest of ``ordered`` (newest first), in full, at ``path``."""
    newest = ordered[: build.settings.publish.site.feed_entries]
    updated = max((p.published for p in newest if p.published), default=date(1970, 1, 1))
    base_url = build.context["base_url"]
    build.page(
        path,
        [title, *(digest_of(p) for p in newest)],
        lambda: build.render(
            "atom.xml",
            "",
            posts=newest,
            updated=updated,
            feed_title=title,
            feed_path=path,
            post_url=lambda p: urljoin(base_url, post_path(p)),
        ),
    )


def newest_first(posts: Iterable[Post]) -> list[Post]:
    """By date, newest first; on the same date, the later article first. (Two stable
    sorts on one plain key each: a third of the time of one sort on a pair.)"""
    ordered = sorted(posts, key=operator.attrgetter("article_id"), reverse=True)
    ordered.sort(key=lambda p: p.published or date.min, reverse=True)
    return ordered


def _build_site(posts: Sequence[Post], settings: Settings, processes: int | None) -> PublishReport:
    root = settings.output_dir
    folder = OutputFolder(root)
    # An emptied folder is built in full, whatever its manifest says.
    before = Manifest() if folder.empty_at_start else read_manifest(folder.root)
    build = _Build(settings, folder, before)
    if settings.publish.site.local_images:
        from foreigndesk.publish.site.images import localize

        posts = localize(posts, settings, folder)
    ordered = newest_first(posts)
    labels = build.context["labels"]

    hashes = [digest_of(post) for post in ordered]
    build.hashes = dict(zip(map(id, ordered), hashes, strict=True))
    slugs = [post.slug for post in ordered]
    bilingual, stale = _post_pages(build, ordered, slugs, hashes)

    build.listing("", settings.site.title, ordered)
    groups = archives(ordered)
    for kind, listed in groups.items():
        for archive in listed:
            build.listing(archive.path, f"{labels['archive_' + kind]}: {archive.name}",
                          archive.posts)  # fmt: skip
    build.page(
        "archives/index.html",
        [f"{a.kind}\x1f{a.name}\x1f{len(a.posts)}" for listed in groups.values() for a in listed],
        lambda: build.render("archives.html", "../", groups=groups),
    )
    base_url = build.context["base_url"]
    _feed(build, FEED_FILE, settings.site.title, ordered)
    for kind in FEED_KINDS:
        for archive in groups[kind]:
            title = f"{settings.site.title} — {archive.name}"
            _feed(build, f"{archive.path}{FEED_FILE}", title, archive.posts)
    build.page(
        "sitemap.xml",
        [*slugs, *_dates_as_text(ordered)],
        lambda: build.render(
            "sitemap.xml", "", posts=ordered, post_url=lambda p: urljoin(base_url, post_path(p))
        ),
    )
    build.page("robots.txt", [], lambda: build.render("robots.txt", ""))
    build.page("404.html", [], lambda: build.render("404.html", urlsplit(base_url).path or "/"))
    css = style(settings)
    build.page("style.css", [digest([css.decode("utf-8", "replace")])], css.decode)

    processes = processes_for(processes, len(build.pages))
    if processes > 1:
        # Done once, here, rather than once in each forked process: the templates are
        # compiled and the locale's data is loaded (by formatting a date).
        for name in TEMPLATES:
            build.template(name)
        build.when(date(2000, 1, 1))
    write_pages(folder, build.pages, processes)
    build.pages.clear()  # they refer to the build, and with it to every post
    folder.flush()
    folder.remove([*(build.old.keys() - build.new.keys()), *stale])
    after = Manifest(build.theme, slugs, hashes, bilingual, build.new)
    if after != before:
        write_manifest(folder.root, after)
    return PublishReport(
        target="site", written=folder.written, unchanged=folder.unchanged, location=str(root)
    )


def render_post_html(post: Post, settings: Settings, *, root: str = "../../") -> str:
    """The post's page exactly as the site shows it (for previews, e.g. the review desk)."""
    build = _Build(settings, OutputFolder.__new__(OutputFolder), Manifest())
    return build.render("post.html", root, post=post, newer=None, older=None)


class SiteTarget:
    name: ClassVar[str] = "site"

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        return build_site(posts, settings)
