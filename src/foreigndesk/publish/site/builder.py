"""Posts → a static site on disk: post pages, bilingual views, a paginated index, archives
per tag, source, author and month, an Atom feed in full, sitemap.xml, robots.txt and a 404.

A post's HTML is rendered once, when it is composed and stored; a build only fills
templates and writes files. Each output file has a key — the digest of everything it
shows (the theme, the settings, the content hashes of its posts) — kept in a manifest
beside the output folder. A page whose key did not change and whose file is there is not
even rendered, so changing one post of ten thousand renders that post, its neighbours and
the few list pages that show it. The same posts always give the same bytes: no build
times anywhere (the feed's ``updated`` is the newest post's date).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import multiprocessing
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from babel.dates import format_date
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from foreigndesk.config import Settings
from foreigndesk.models import Post
from foreigndesk.publish.compose import slugify
from foreigndesk.publish.digest import digest, digest_of
from foreigndesk.publish.document import attribution_html, domain, safe_href
from foreigndesk.publish.labels import labels_for
from foreigndesk.publish.site.files import OutputFolder, check_relative
from foreigndesk.publish.target import Ledger, PublishReport

POSTS_DIR = "posts"
FEED_FILE = "atom.xml"
#: Bumped when the builder itself changes what it writes.
BUILDER_VERSION = "2"
ARCHIVE_KINDS = ("tags", "sources", "authors", "months")
_SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def _templates_dir(settings: Settings) -> Path | None:
    folder = settings.publish.site.templates_dir
    return (settings.root / folder) if folder else None


_ENVIRONMENTS: dict[str, Environment] = {}


def environment(settings: Settings) -> Environment:
    """The theme, compiled once per process (Jinja reloads a template whose file changed)."""
    user = _templates_dir(settings)
    key = str(user)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = _new_environment(settings)
    return _ENVIRONMENTS[key]


def _new_environment(settings: Settings) -> Environment:
    """The theme: the user's templates folder first, then the default templates."""
    loaders: list[Any] = []
    user = _templates_dir(settings)
    if user is not None:
        loaders.append(FileSystemLoader(str(user)))
    loaders.append(PackageLoader("foreigndesk.publish.site", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["domain"] = domain
    env.filters["safe_href"] = safe_href
    return env


def _style(settings: Settings) -> bytes:
    user = _templates_dir(settings)
    if user is not None and (user / "style.css").is_file():
        return (user / "style.css").read_bytes()
    return (files("foreigndesk.publish.site") / "static" / "style.css").read_bytes()


def _theme_key(settings: Settings, env: Environment) -> str:
    """Everything every page depends on: the templates' sources, the settings, the words."""
    loader = env.loader
    assert loader is not None
    sources = [
        name + "\x1e" + loader.get_source(env, name)[0] for name in sorted(env.list_templates())
    ]
    return digest(
        [
            BUILDER_VERSION,
            settings.model_dump_json(exclude={"publish": {"hatena", "wordpress", "hugo"}}),
            json.dumps(labels_for(settings.desk.target_lang), sort_keys=True),
            *sources,
        ]
    )


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
    groups: dict[str, dict[str, list[Post]]] = {kind: defaultdict(list) for kind in ARCHIVE_KINDS}
    for post in ordered:
        for tag in dict.fromkeys(post.tags):
            groups["tags"][tag].append(post)
        source = post.attribution.site_name or domain(post.attribution.url)
        groups["sources"][source].append(post)
        for author in dict.fromkeys(post.attribution.authors):
            groups["authors"][author].append(post)
        if post.published:
            groups["months"][f"{post.published.year:04d}-{post.published.month:02d}"].append(post)
    result: dict[str, list[Archive]] = {}
    for kind, named in groups.items():
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


class _Build:
    def __init__(self, settings: Settings, folder: OutputFolder, manifest: dict[str, str]):
        self.settings = settings
        self.folder = folder
        self.old = manifest
        self.new: dict[str, str] = {}
        #: Each post's content hash, by the post's identity (computed once per build).
        self.hashes: dict[int, str] = {}
        self.env = environment(settings)
        self.theme = _theme_key(settings, self.env)
        lang = settings.desk.target_lang
        self.context: dict[str, Any] = {
            "site": settings.site,
            "lang": lang,
            "labels": labels_for(lang),
            "base_url": settings.site.base_url.rstrip("/") + "/",
            "feed_file": FEED_FILE,
            "post_path": post_path,
            "when": self.when,
            "attribution_html": lambda post: attribution_html(post, settings.desk.locale),
        }

    def when(self, value: date | None) -> str:
        return format_date(value, format="long", locale=self.settings.desk.locale) if value else ""

    def page(self, relative: str, key_parts: Iterable[str], render: Callable[[], str]) -> None:
        """Write ``relative`` unless its key is unchanged and the file is there."""
        key = _key(self.theme, relative, key_parts)
        self.new[relative] = key
        if self.old.get(relative) == key:
            # The manifest says the file holds exactly this; it is not read or rendered.
            self.folder.keep(relative)
            return
        self.folder.write(relative, render())

    def render(self, template: str, root: str, **values: Any) -> str:
        return self.env.get_template(template).render(root=root, **self.context, **values)

    def listing(
        self, base: str, title: str, posts: Sequence[Post], template: str = "list.html"
    ) -> None:
        """Pages of ``posts`` at ``base``index.html, ``base``page/2/index.html, ..."""
        per_page = self.settings.publish.site.per_page
        pages = max(1, math.ceil(len(posts) / per_page))
        depth = base.count("/")
        for number in range(1, pages + 1):
            shown = posts[(number - 1) * per_page : number * per_page]
            relative = base + ("" if number == 1 else f"page/{number}/") + "index.html"
            root = "../" * (depth + (0 if number == 1 else 2))
            self.page(
                relative,
                [title, str(number), str(pages), *(self.hashes[id(p)] for p in shown)],
                functools.partial(
                    self.render,
                    template,
                    root,
                    title=title,
                    posts=shown,
                    number=number,
                    pages=pages,
                    base=base,
                ),
            )


_FORKED: tuple[_Build, Sequence[Post], list[tuple[str, int]]] | None = None


def _render_some(part: tuple[int, int]) -> tuple[int, int]:
    """In a forked process: render every ``step``-th page of the work list from ``first``."""
    assert _FORKED is not None
    build, ordered, todo = _FORKED
    first, step = part
    _render_pages(build, ordered, todo[first::step])
    return build.folder.written, build.folder.unchanged


def _render_pages(build: _Build, ordered: Sequence[Post], todo: list[tuple[str, int]]) -> None:
    last = len(ordered) - 1
    for template, index in todo:
        post = ordered[index]
        newer = ordered[index - 1] if index > 0 else None
        older = ordered[index + 1] if index < last else None
        name = "index.html" if template == "post.html" else "bilingual.html"
        build.folder.write(
            post_path(post) + name,
            build.render(template, "../../", post=post, newer=newer, older=older),
        )
    build.folder.flush()


def _render_posts(
    build: _Build, ordered: Sequence[Post], todo: list[tuple[str, int]], processes: int
) -> None:
    global _FORKED
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        _render_pages(build, ordered, todo)
        return
    build.folder.flush()  # no writer threads may be running across a fork
    before = build.folder.written, build.folder.unchanged
    _FORKED = (build, ordered, todo)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            counts = pool.map(_render_some, [(n, processes) for n in range(processes)])
    finally:
        _FORKED = None
    build.folder.written = before[0] + sum(c[0] - before[0] for c in counts)
    build.folder.unchanged = before[1] + sum(c[1] - before[1] for c in counts)


def _key(theme: str, relative: str, parts: Iterable[str]) -> str:
    joined = "\x1f".join([theme, relative, *parts]).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


def _manifest_path(root: Path) -> Path:
    return root.parent / f".{root.name}.foreigndesk-build.json"


def build_site(
    posts: Sequence[Post], settings: Settings, *, processes: int | None = None
) -> PublishReport:
    """Bring the output folder up to date with ``posts``; only changed files are written.

    ``processes``: post pages are rendered by this many forked processes (default one;
    forking is for a command-line build, not a process that runs threads); the bytes are
    the same either way.
    """
    root = settings.output_dir
    folder = OutputFolder(root)
    manifest_file = _manifest_path(folder.root)
    try:
        old = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        old = {}
    if (
        not isinstance(old, dict)
        or old.pop("\x00root", None) != str(folder.root)
        or folder.empty_at_start
    ):
        old = {}  # another folder's manifest, or an emptied folder: build everything
    build = _Build(settings, folder, old)
    if settings.publish.site.local_images:
        from foreigndesk.publish.site.images import localize

        posts = localize(posts, settings, folder)
    ordered = sorted(posts, key=lambda p: (p.published or date.min, p.article_id), reverse=True)
    labels = build.context["labels"]

    hashes = [digest_of(post) for post in ordered]
    build.hashes = {id(post): hashed for post, hashed in zip(ordered, hashes, strict=True)}
    theme, old_keys, new_keys = build.theme[:16], build.old, build.new
    todo: list[tuple[str, int]] = []  # (template, index) of the post pages to render
    for index, post in enumerate(ordered):
        base = post_path(post)
        if not _SAFE_SLUG.fullmatch(post.slug):
            check_relative(base + "index.html")
        hashed = hashes[index]
        # A post page shows the post and its neighbours' titles and slugs, all of which
        # their content hashes cover: the key is the hashes side by side, not re-hashed.
        key = (
            f"{theme}{hashed}{hashes[index - 1] if index > 0 else ''}:"
            f"{hashes[index + 1] if index + 1 < len(ordered) else ''}"
        )
        pages = [("post.html", base + "index.html", key)]
        if post.pairs:
            pages.append(("bilingual.html", base + "bilingual.html", f"{theme}{hashed}"))
        for template, relative, key in pages:
            new_keys[relative] = key
            if old_keys.get(relative) == key:
                folder.keep(relative)
            else:
                todo.append((template, index))
    _render_posts(build, ordered, todo, processes or 1)

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
    newest = ordered[: settings.publish.site.feed_entries]
    updated = max((p.published for p in newest if p.published), default=date(1970, 1, 1))
    base_url = build.context["base_url"]
    build.page(
        FEED_FILE,
        [digest_of(p) for p in newest],
        lambda: build.render(
            "atom.xml",
            "",
            posts=newest,
            updated=updated,
            post_url=lambda p: urljoin(base_url, post_path(p)),
        ),
    )
    build.page(
        "sitemap.xml",
        [f"{p.slug}\x1f{p.published}" for p in ordered],
        lambda: build.render(
            "sitemap.xml", "", posts=ordered, post_url=lambda p: urljoin(base_url, post_path(p))
        ),
    )
    build.page("robots.txt", [], lambda: build.render("robots.txt", ""))
    build.page("404.html", [], lambda: build.render("404.html", urlsplit(base_url).path or "/"))
    style = _style(settings)
    build.page("style.css", [digest([style.decode("utf-8", "replace")])], style.decode)

    folder.flush()
    stale = set(build.old) - set(build.new)
    folder.remove(stale)
    if build.new != build.old:
        recorded = {"\x00root": str(folder.root), **build.new}
        manifest_file.write_text(json.dumps(recorded), encoding="utf-8")
    return PublishReport(
        target="site", written=folder.written, unchanged=folder.unchanged, location=str(root)
    )


def render_post_html(post: Post, settings: Settings, *, root: str = "../../") -> str:
    """The post's page exactly as the site shows it (for previews, e.g. the review desk)."""
    build = _Build(settings, OutputFolder.__new__(OutputFolder), {})
    return build.render("post.html", root, post=post, newer=None, older=None)


class SiteTarget:
    name: ClassVar[str] = "site"

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        return build_site(posts, settings)
