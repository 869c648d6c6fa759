"""The code of ``benchmarks/pipeline.py``, whose docstring says what it measures and how.

It is a module of its own so that the script stays light to import (see there).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from foreigndesk.config import DeskSettings, FetchSettings, Settings, load_settings, render_config
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport, segments_of
from foreigndesk.sample import SAMPLE_SITE
from foreigndesk.store import Store
from foreigndesk.translate.engines.apertium import installed_modes

SITE_NAME = "The Harbour Review"
NEWEST = date(2024, 11, 27)
# A sentence ends at . ! or ? (perhaps closing a quote) before the next one's capital.
_SENTENCE_END = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]"))\s+(?=["A-Z])')
_OPEN_TAG = re.compile(r"<([a-z][a-z0-9]*)\b")
_CLOSE_TAG = re.compile(r"</([a-z][a-z0-9]*)\s*>")


# -- the pool of material from the sample magazine -------------------------------------------


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str
    caption: str
    credit: str


@dataclass
class Pool:
    titles: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # inline HTML, tags balanced
    quote_sentences: list[str] = field(default_factory=list)  # plain text
    list_items: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (name, profile path)


def _elements(element: etree._Element, path: str) -> list[etree._Element]:
    found = element.xpath(path)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _text(element: etree._Element) -> str:
    return " ".join(str(element.xpath("string()")).split())


def _plain(fragment: str) -> str:
    """The text of a piece of inline HTML."""
    return _text(lxml_html.fromstring(f"<p>{fragment}</p>"))


def _inner_html(element: etree._Element) -> str:
    children = "".join(lxml_html.tostring(c, encoding="unicode") for c in element)
    return (escape(element.text, quote=False) if element.text else "") + children


def _balanced(fragment: str) -> bool:
    return Counter(_OPEN_TAG.findall(fragment)) == Counter(_CLOSE_TAG.findall(fragment))


def _sentences(fragment: str) -> list[str]:
    pieces = (s.strip() for s in _SENTENCE_END.split(" ".join(fragment.split())))
    return [s for s in pieces if s and s[-1] in '.!?"']


def load_pool(articles_dir: Path) -> Pool:
    """Split every sample article into the pieces generated pages are composed from."""
    pool = Pool()
    for path in sorted(articles_dir.glob("*.html")):
        article = lxml_html.fromstring(path.read_bytes()).find(".//article")
        if article is None:
            raise SystemExit(f"{path}: no <article> element — the sample site changed shape")
        pool.titles.extend(_text(h1) for h1 in article.iter("h1"))
        pool.headings.extend(_text(h2) for h2 in article.iter("h2"))
        for link in _elements(article, ".//p[@class='byline']/a[@rel='author']"):
            pool.authors.append((_text(link), link.get("href", "")))
        for quote in article.iter("blockquote"):
            pool.quote_sentences.extend(_sentences(_text(quote).strip('"')))
        for item in _elements(article, ".//ul/li | .//ol/li"):
            pool.list_items.append(_inner_html(item).strip())
        for figure in article.iter("figure"):
            img, caption = figure.find(".//img"), figure.find(".//figcaption")
            if img is None or caption is None:
                continue
            credit = caption.find(".//span[@class='credit']")
            credit_text = _text(credit) if credit is not None else ""
            caption_text = _text(caption).replace(credit_text, "").strip()
            pool.figures.append(
                Figure(img.get("src", ""), img.get("alt", ""), caption_text, credit_text)
            )
        for paragraph in _elements(article, "./p[not(@class)]"):
            for sentence in _sentences(_inner_html(paragraph)):
                # A sentence whose inline tags a split cut apart keeps only its text.
                pool.sentences.append(sentence if _balanced(sentence) else escape(_plain(sentence)))
    # Each piece once (the bread-oven page repeats a paragraph on purpose).
    for name in ("titles", "headings", "sentences", "quote_sentences", "list_items"):
        setattr(pool, name, list(dict.fromkeys(getattr(pool, name))))
    pool.authors = list(dict.fromkeys(pool.authors))
    pool.figures = list(dict.fromkeys(pool.figures))
    empty = [name for name, value in vars(pool).items() if not value]
    if empty or len(pool.sentences) < 100:
        raise SystemExit(
            f"sample site yields too little material ({len(pool.sentences)} sentences; "
            f"empty: {', '.join(empty) or 'none'}) — check {articles_dir}"
        )
    return pool


# -- generated pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    description: str
    authors: tuple[str, ...]
    published: date
    html: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"articles/{self.slug}.html"


def _byline(authors: list[tuple[str, str]], published: date, style: int) -> str:
    names = " and ".join(f'<a rel="author" href="{href}">{escape(n)}</a>' for n, href in authors)
    d = published
    if style == 0:
        when = f'<span class="date">{d:%d/%m/%Y}</span>'
    elif style == 1:
        when = f'<time datetime="{d.isoformat()}">{d.day} {d:%B %Y}</time>'
    else:
        when = f'<span class="date">{d:%b} {d.day}, {d.year}</span>'
    return f'<p class="byline">By {names} · {when}</p>'


def _figure(figure: Figure) -> str:
    return (
        f'<figure><img src="{escape(figure.src)}" alt="{escape(figure.alt)}" width="800" '
        f'height="450"><figcaption>{escape(figure.caption)} '
        f'<span class="credit">{escape(figure.credit)}</span></figcaption></figure>'
    )


def title_and_slug(index: int, pool: Pool) -> tuple[str, str]:
    """The samples' own titles, numbered as parts of a series so that each one is distinct."""
    base = pool.titles[index % len(pool.titles)]
    slug = f"{re.sub(r'[^a-z0-9]+', '-', base.lower()).strip('-')}-{index + 1}"
    return f"{base}, part {index // len(pool.titles) + 1}", slug


def compose_page(index: int, count: int, pool: Pool, rng: random.Random) -> Page:
    """One article in the samples' shape, its paragraphs made of randomly drawn sentences."""
    title, slug = title_and_slug(index, pool)
    published = NEWEST - timedelta(days=index)
    authors = rng.sample(pool.authors, 2 if rng.random() < 0.15 else 1)

    paragraphs = tuple(
        " ".join(rng.sample(pool.sentences, rng.randint(5, 7))) for _ in range(rng.randint(7, 10))
    )
    description = _sentences(_plain(paragraphs[0]))[0]

    body = [_byline(authors, published, index % 3), *(f"<p>{p}</p>" for p in paragraphs[:2])]
    if rng.random() < 0.4:
        body.append(_figure(rng.choice(pool.figures)))
    rest = list(paragraphs[2:])
    sections = min(rng.randint(2, 3), len(rest))
    cuts = sorted(rng.sample(range(1, len(rest)), sections - 1))
    extras: list[str] = []
    if rng.random() < 0.3:
        quote = " ".join(rng.sample(pool.quote_sentences + pool.sentences, 3))
        extras.append(f'<blockquote><p>"{escape(_plain(quote), quote=False)}"</p></blockquote>')
    if rng.random() < 0.25:
        tag = rng.choice(("ul", "ol"))
        items = rng.sample(pool.list_items, rng.randint(3, 5))
        extras.append(f"<{tag}>\n" + "\n".join(f"<li>{i}</li>" for i in items) + f"\n</{tag}>")
    headings = rng.sample(pool.headings, sections)
    for heading, start, end in zip(headings, [0, *cuts], [*cuts, len(rest)], strict=True):
        body.append(f"<h2>{escape(heading)}</h2>")
        for paragraph in rest[start:end]:
            body.append(f"<p>{paragraph}</p>")
            if extras and rng.random() < 0.5:
                body.append(extras.pop())
    body.extend(extras)

    related = "\n".join(
        f'<li><a href="/articles/{other_slug}.html">{escape(other_title)}</a></li>'
        for other_title, other_slug in (title_and_slug((index + k) % count, pool) for k in (1, 2))
    )
    share = f"%2Farticles%2F{slug}.html"
    html = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {SITE_NAME}</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="/articles/{slug}.html">
<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
</head>
<body>
<header class="site-header">
<p class="site-name"><a href="/">{SITE_NAME}</a></p>
<p class="tagline">Stories from the coast and the town</p>
<nav aria-label="Main">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/#latest">Latest</a></li>
<li><a href="/#about">About</a></li>
<li><a href="/#newsletter">Newsletter</a></li>
<li><a href="/feed.xml">RSS</a></li>
</ul>
</nav>
</header>
<main>
<article>
<h1>{escape(title)}</h1>
{chr(10).join(body)}
</article>
<aside class="related">
<h2>More from {SITE_NAME}</h2>
<ul>
{related}
</ul>
</aside>
</main>
<footer class="site-footer">
<p class="share">Share this article: <a href="https://example.com/share?url={share}">Share by \
link</a> · <a href="https://example.net/post?url={share}">Share on social media</a></p>
<p class="newsletter"><a href="/#newsletter">Subscribe to our newsletter</a> for a weekly \
letter with our new stories.</p>
<p class="copyright">© 2024 {SITE_NAME}. Texts and images are published under the \
<a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0</a> \
licence.</p>
</footer>
</body>
</html>
"""
    return Page(
        slug=slug,
        title=title,
        description=description,
        authors=tuple(name for name, _ in authors),
        published=published,
        html=html,
        paragraphs=paragraphs,
    )


def render_feed(pages: list[Page]) -> str:
    items = []
    for page in pages:
        when = datetime(*page.published.timetuple()[:3], 8, tzinfo=UTC)
        items.append(
            f"""    <item>
      <title>{escape(page.title)}</title>
      <link>/{page.path}</link>
      <guid isPermaLink="false">{page.slug}</guid>
      <pubDate>{format_datetime(when)}</pubDate>
      <description>{escape(page.description)}</description>
      <dc:creator>{escape(" and ".join(page.authors))}</dc:creator>
    </item>"""
        )
    newest = datetime(*NEWEST.timetuple()[:3], 8, tzinfo=UTC)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{SITE_NAME}</title>
    <link>/</link>
    <description>Stories from the coast and the town.</description>
    <language>en-gb</language>
    <copyright>Texts and images under CC BY 4.0</copyright>
    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>
{chr(10).join(items)}
  </channel>
</rss>
"""


def generate_site(directory: Path, count: int) -> list[Page]:
    """Write ``count`` article pages, their images and feed.xml into ``directory``."""
    pool = load_pool(SAMPLE_SITE / "articles")
    rng = random.Random(42)
    pages = [compose_page(i, count, pool, rng) for i in range(count)]
    (directory / "articles").mkdir(parents=True)
    shutil.copytree(SAMPLE_SITE / "images", directory / "images")
    for page in pages:
        (directory / page.path).write_text(page.html, encoding="utf-8")
    (directory / "feed.xml").write_text(render_feed(pages), encoding="utf-8")
    return pages


# -- measuring ------------------------------------------------------------------------------


class StageReporter:
    """Remembers when each stage began and which stage each error line came from."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []
        self.errors: list[tuple[str, str]] = []

    @property
    def current(self) -> str:
        return self.marks[-1][0] if self.marks else "(before any stage)"

    def stage(self, name: str, total: int) -> None:
        self.marks.append((name, time.perf_counter()))

    def advance(self) -> None:
        pass

    def error(self, message: str) -> None:
        self.errors.append((self.current, message))

    def warning(self, message: str) -> None:
        self.errors.append((self.current, f"warning: {message}"))

    def durations(self, end: float) -> list[tuple[str, float]]:
        ends = [t for _, t in self.marks[1:]] + [end]
        return [(name, stop - start) for (name, start), stop in zip(self.marks, ends, strict=True)]


def open_desk(root: Path, feed_url: str, *, auto_approve: bool) -> tuple[Desk, StageReporter]:
    """A fresh desk in ``root``, configured through desk.toml as a user's would be."""
    root.mkdir()
    desk_settings = DeskSettings.model_validate(
        {"target_lang": "es", "locale": "es_ES", "auto_approve": auto_approve}
    )
    config = root / "desk.toml"
    # The sample site is served on loopback, which the SSRF guard refuses unless allowed;
    # one host serves every page, so the politeness delay would measure only itself.
    fetch_settings = FetchSettings.model_validate({"allow_hosts": ["127.0.0.1"], "host_delay": 0.0})
    settings = Settings(desk=desk_settings, fetch=fetch_settings, root=root)
    config.write_text(render_config(settings), encoding="utf-8")
    settings = load_settings(config)
    if not settings.database_url.startswith(f"sqlite:///{root}"):
        raise SystemExit(f"the desk's store is not in {root}: {settings.database_url}")
    store = Store.open(settings.database_url)
    store.sources.add(feed_url, "en", "CC BY 4.0")
    reporter = StageReporter()
    return Desk(settings, store, reporter=reporter), reporter


def status_counts(store: Store) -> Counter[str]:
    """Articles per status, counted from ``Store.articles()``."""
    return Counter(article.status.value for article in store.articles.all())


def check(
    desk: Desk, reporter: StageReporter, label: str, actual: dict[str, int], expected: int
) -> None:
    """Fail loudly, with every error the desk reported, unless every count in ``actual`` is
    ``expected`` (``duplicates`` and ``failed``: 0) and no stage reported an error."""
    problems = [
        f"  {name} = {value}, expected {want}"
        for name, value in actual.items()
        if value != (want := 0 if name in ("duplicates", "failed") else expected)
    ]
    if not problems and not reporter.errors:
        return
    lines = [f"{label}: the desk did not process every article cleanly", *problems]
    lines += [f"  error in stage {stage}: {message}" for stage, message in reporter.errors]
    failed = desk.store.articles.all(ArticleStatus.FAILED)
    lines += [f"  article {a.id} failed ({a.url}): {a.error}" for a in failed[:20]]
    if len(failed) > 20:
        lines.append(f"  … and {len(failed) - 20} more failed articles")
    lines.append(f"  store status counts: {dict(status_counts(desk.store))}")
    raise SystemExit("\n".join(lines))


@contextmanager
def stage_on_raise(label: str, reporter: StageReporter) -> Iterator[None]:
    """If the desk raises, say in which stage, with the error lines reported before it."""
    try:
        yield
    except BaseException:
        print(f"{label} raised in stage {reporter.current}", file=sys.stderr)
        for stage, message in reporter.errors:
            print(f"  error in stage {stage}: {message}", file=sys.stderr)
        raise


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """``directory`` served on loopback by another process, for the block; its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "foreigndesk.sample", "0", str(directory)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not (found := re.search(r"(http://\S+/)feed\.xml", line)):
            raise SystemExit(f"the sample server did not start: {line!r}")
        yield found.group(1)
    finally:
        server.terminate()
        server.wait()


def measure_trafilatura(directory: Path, base_url: str, pages: list[Page]) -> float:
    documents = [
        (base_url + page.path, (directory / page.path).read_text(encoding="utf-8"))
        for page in pages
    ]

    def extract(url: str, document: str) -> str | None:
        result: str | None = trafilatura.extract(
            document,
            url=url,
            output_format="xml",
            include_images=True,
            include_links=True,
            include_formatting=True,
        )
        return result

    extract(*documents[0])  # warm-up: trafilatura builds some of its machinery on first use
    start = time.perf_counter()
    results = [extract(url, document) for url, document in documents]
    elapsed = time.perf_counter() - start
    empty = [url for (url, _), result in zip(documents, results, strict=True) if not result]
    if empty:
        raise SystemExit(f"trafilatura extracted nothing from {len(empty)} pages: {empty[:5]}")
    return len(pages) / elapsed


@dataclass(frozen=True)
class ExtractRun:
    per_second: float
    seconds: float
    #: Per extracted article, in the order the desk translates them, the segments its
    #: translate stage would hand the engine (before the translation memory is asked).
    segments: list[list[str]]
    #: The apertium command line the desk's apertium engine would run for en→es.
    apertium_argv: list[str]
    #: Pages read on the desk's pool of processes (the rest in its own process).
    pool_pages: int


def apertium_argv(settings: Settings, source: str, target: str) -> list[str]:
    """``<command> -f html <mode>``, exactly as ``ApertiumEngine.translate`` runs it."""
    options = settings.translate.apertium
    mode = installed_modes(Path(options.modes_dir)).get((source, target))
    if mode is None:
        raise SystemExit(
            f"no apertium {source}→{target} pair in {options.modes_dir}"
            " — install apertium-eng-spa (scripts/system-packages)"
        )
    if shutil.which(options.command) is None:
        raise SystemExit(f"apertium program {options.command!r} not found — install apertium")
    return [options.command, "-f", "html", mode]


def measure_without_translation(root: Path, feed_url: str, count: int) -> ExtractRun:
    desk, reporter = open_desk(root, feed_url, auto_approve=False)
    report = RunReport()
    start = time.perf_counter()
    with stage_on_raise("discover + fetch + extract", reporter):
        desk.discover(report)
        desk.fetch_pages(report)
        desk.extract(report)
    elapsed = time.perf_counter() - start
    actual = {
        "new_articles": report.new_articles,
        "fetched": report.fetched,
        "extracted": report.extracted,
        "duplicates": report.duplicates,
        "failed": report.failed,
        "articles in status extracted": status_counts(desk.store)["extracted"],
    }
    check(desk, reporter, "discover + fetch + extract", actual, count)
    store = desk.store
    segments = [
        segments_of(store.articles.get(i)) for i in store.articles.waiting(ArticleStatus.EXTRACTED)
    ]
    argv = apertium_argv(desk.settings, "en", "es")
    pool_pages = desk.executor.pages_pool.pages_read
    desk.executor.close()
    store.close()
    return ExtractRun(count / elapsed, elapsed, segments, argv, pool_pages)


def measure_without_translation_apart(root: Path, feed_url: str, count: int) -> ExtractRun:
    """``measure_without_translation`` in a process of its own, started for it, as each
    ``foreigndesk run`` is: a desk in a process that had run one before would find the
    pool's server (multiprocessing keeps one per process) up, with the extractor loaded,
    and skip the half second every real run spends starting it."""
    out = root.with_name(root.name + ".pickle")
    script = Path(__file__).with_name("pipeline.py")
    argv = [sys.executable, str(script), "--desk-extract", str(root), feed_url, str(count)]
    if subprocess.run([*argv, str(out)], check=False).returncode != 0:
        raise SystemExit("discover + fetch + extract: the desk's run failed (see above)")
    run: ExtractRun = pickle.loads(out.read_bytes())  # noqa: S301 (written just now, by us)
    return run


@dataclass(frozen=True)
class ApertiumRun:
    per_second: float
    seconds: float
    segments: int
    characters: int


def apertium_document(segments: list[str]) -> bytes:
    """The stdin of one call, as ``ApertiumEngine.translate`` writes it."""
    return "\n".join(f'<div id="fd{i}">{s}</div>' for i, s in enumerate(segments)).encode()


def measure_apertium(argv: list[str], articles: list[list[str]]) -> ApertiumRun:
    """Bare apertium over every article's segments, one process call per article."""
    documents = [apertium_document(segments) for segments in articles]

    def translate(document: bytes) -> bytes:
        return subprocess.run(argv, input=document, capture_output=True, check=True).stdout

    translate(documents[0])  # warm-up: the first call reads the pair's files from disk
    start = time.perf_counter()
    outputs = [translate(document) for document in documents]
    elapsed = time.perf_counter() - start
    for segments, output in zip(articles, outputs, strict=True):
        returned = len(re.findall(rb'<div id="fd\d+">', output))
        if returned != len(segments):
            raise SystemExit(
                f"apertium returned {returned} of {len(segments)} segments: {segments[0]!r}"
            )
    return ApertiumRun(
        len(articles) / elapsed,
        elapsed,
        sum(len(segments) for segments in articles),
        sum(len(document.decode()) for document in documents),
    )


@dataclass(frozen=True)
class FullRun:
    per_second: float
    seconds: float
    stages: list[tuple[str, float]]
    report: RunReport
    #: ``workers.processes`` (0 resolved to the core count) and ``translate_in_flight``.
    processes: int
    in_flight: int


def measure_full_run(root: Path, feed_url: str, count: int) -> FullRun:
    desk, reporter = open_desk(root, feed_url, auto_approve=True)
    start = time.perf_counter()
    with stage_on_raise("desk.run()", reporter):
        report = desk.run()
    end = time.perf_counter()
    # An article QA holds back went through every stage; the desk keeps it approved, by
    # design, until an editor fixes or overrides it. Held ones are counted, and shown.
    held = [message for _, message in reporter.errors if "open QA error" in message]
    reporter.errors = [(s, m) for s, m in reporter.errors if "open QA error" not in m]
    counts = status_counts(desk.store)
    actual = {
        "new_articles": report.new_articles,
        "fetched": report.fetched,
        "extracted": report.extracted,
        "duplicates": report.duplicates,
        "translated": report.translated,
        "approved": report.approved,
        "published + held by QA": report.published + report.held_by_qa,
        "failed": report.failed,
        "posts in the store + held by QA": len(desk.store.posts.all()) + len(held),
        "articles published + held by QA": counts["published"] + counts["approved"],
    }
    check(desk, reporter, "desk.run()", actual, count)
    if len(held) != report.held_by_qa or counts["approved"] != report.held_by_qa:
        raise SystemExit(f"desk.run(): {report.held_by_qa} held by QA, but {counts}")
    for message in held:
        print(f"held by QA: {message}")
    if [t.target for t in report.targets] != list(desk.settings.publish.targets):
        raise SystemExit(f"desk.run(): publish targets reported {report.targets}")
    workers = desk.settings.workers
    desk.executor.close()
    desk.store.close()
    return FullRun(
        count / (end - start),
        end - start,
        reporter.durations(end),
        report,
        workers.processes or os.cpu_count() or 1,
        workers.translate_in_flight,
    )


def main(description: str | None) -> None:
    """Run the benchmark; ``description`` is the script's docstring."""
    parser = argparse.ArgumentParser(
        description=description.splitlines()[0] if description else None
    )
    parser.add_argument("--articles", type=int, default=200, help="pages to generate (200)")
    # The desk's extraction run, in a process of its own: ROOT FEED_URL COUNT OUT.
    parser.add_argument("--desk-extract", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="interleaved pairs of extraction runs, desk and trafilatura (5)",
    )
    args = parser.parse_args()
    if args.desk_extract:
        root, feed_url, pages, out = args.desk_extract
        run = measure_without_translation(Path(root), feed_url, int(pages))
        Path(out).write_bytes(pickle.dumps(run))
        return
    count: int = args.articles
    repeat: int = args.repeat
    if count < 2:
        parser.error("--articles must be at least 2")
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    if os.environ.pop("FOREIGNDESK_DATABASE_URL", None):
        print("note: FOREIGNDESK_DATABASE_URL ignored; each desk gets its own temporary store")

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="foreigndesk-bench-") as temp:
        tmp = Path(temp)
        site = tmp / "site"
        pages = generate_site(site, count)
        paragraphs = [p for page in pages for p in page.paragraphs]
        unique = len(set(paragraphs))
        size = sum(len(page.html.encode("utf-8")) for page in pages) / count
        with served(site) as base_url:
            feed_url = base_url + "feed.xml"
            # Interleaved, so that each pair shares what else the machine was doing.
            pairs: list[tuple[float, ExtractRun]] = []
            for attempt in range(repeat):
                rate = measure_trafilatura(site, base_url, pages)
                root = tmp / f"desk-extract-{attempt}"
                pairs.append((rate, measure_without_translation_apart(root, feed_url, count)))
            ratios = [desk.per_second / rate for rate, desk in pairs]
            extract_ratio = statistics.median(ratios)
            trafilatura_rate = statistics.median(rate for rate, _ in pairs)
            extract_rate = statistics.median(desk.per_second for _, desk in pairs)
            extracted = pairs[0][1]
            apertium = measure_apertium(extracted.apertium_argv, extracted.segments)
            full = measure_full_run(tmp / "desk-full", feed_url, count)
    total = time.perf_counter() - began

    print(
        f"{count} generated pages, {size / 1024:.1f} KiB each on average; "
        f"{unique} of {len(paragraphs)} paragraphs unique"
    )
    print(
        f"translation memory: {full.report.memory_hits} segments reused, "
        f"{full.report.engine_calls} apertium calls; bare apertium sent all "
        f"{apertium.segments} segments ({apertium.characters / count / 1024:.1f} KiB a call)"
    )
    translate_ratio = full.per_second / apertium.per_second
    rows = [
        ("trafilatura.extract, from disk", trafilatura_rate, "baseline"),
        ("desk: discover + fetch + extract", extract_rate, f"{extract_ratio:.3f}x trafilatura"),
        (f"{' '.join(extracted.apertium_argv)}, per article", apertium.per_second, "baseline"),
        (
            "desk.run(): all stages, apertium en→es",
            full.per_second,
            f"{translate_ratio:.3f}x apertium, "
            f"{full.per_second / trafilatura_rate:.3f}x trafilatura",
        ),
    ]
    print(f"{'measure':<40} {'articles/s':>10}  ratio")
    for label, rate, ratio in rows:
        print(f"{label:<40} {rate:>10.2f}  {ratio}")
    stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in full.stages)
    print(f"desk.run() took {full.seconds:.1f}s: {stages}")
    print("  (translate includes review, publish includes the site build)")
    print(
        f"desk settings: workers.processes {full.processes}, "
        f"{full.in_flight} articles translated at once (workers.translate_in_flight); "
        "the baselines: one process, one item at a time"
    )
    print(
        f"discover + fetch + extract, {repeat} runs: pages read on the desk's pool of"
        f" processes (the rest in its own process): {[d.pool_pages for _, d in pairs]};"
        f" seconds: {[round(d.seconds, 2) for _, d in pairs]}; trafilatura's seconds:"
        f" {[round(count / rate, 2) for rate, _ in pairs]}; ratios:"
        f" {[round(r, 3) for r in ratios]} (the figure is their median)"
    )
    print(f"bare apertium {apertium.seconds:.1f}s; whole benchmark {total:.1f}s")
    print(
        json.dumps(
            {
                "articles": count,
                "articles_per_s": round(full.per_second, 2),
                "articles_per_s_no_translation": round(extract_rate, 2),
                "trafilatura_per_s": round(trafilatura_rate, 2),
                "apertium_articles_per_s": round(apertium.per_second, 2),
                "extract_ratio": round(extract_ratio, 3),
                "translate_ratio": round(translate_ratio, 3),
                "ratio": round(full.per_second / trafilatura_rate, 3),
                "ratio_no_translation": round(extract_ratio, 3),
                "held_by_qa": full.report.held_by_qa,
            }
        )
    )
