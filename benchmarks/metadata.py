"""Metadata accuracy: title, authors and date, the desk against bare trafilatura.

The figures are exact-match accuracies on Mozilla Readability's test pages (see their
SOURCE.txt), each over the pages whose expected metadata has that field: the title after
normalising case and spacing; the authors as the same set of names; the published date as
the same calendar day. The baseline is trafilatura's ``extract_metadata`` on the same pages
in the same run, the library the desk is built on.

The expected bylines are Readability's own output and follow its conventions ("By Jane
Roe", a name run into a date), so both sides are read into names by the one rule in
``author_names``: a leading "by" goes, the text is cut where a date or a new line starts,
and what is left is split at commas, semicolons, ampersands and "and". The rule is the
benchmark's, applied alike to the gold and to both extractors; it is deliberately not the
desk's own splitter, so the desk is not marked by its own rule.

The pages are split once, for good, into a tuning part and a test part: a page is in the
test part when the SHA-256 of its folder name, read as a number, is odd (``part_of``). Of
the 130 pages that makes 61 for tuning (60 titles, 35 bylines, 13 dates expected) and 69
for the test (67 titles, 41 bylines, 20 dates). Rules are shaped on the tuning part only:
``--misses`` lists the tuning part's misses and never the test part's. The figures that
count are the test part's, pages no rule was written for; the tuning part's are printed
beside them so the distance between the two shows how much a figure owes to tuning.

Run from the project root: ``.venv/bin/python benchmarks/metadata.py [--misses]``. The data
is read from ``../shared/data/readability-test-pages`` (or the folder of that name under
``$FOREIGNDESK_BENCHMARK_DATA``) and never copied into the repository. The last line of
output is one JSON object: ``title``, ``author`` and ``date`` are the desk's test-part
figures, ``baseline_*`` trafilatura's on the same pages, ``tuning_*`` and
``tuning_baseline_*`` the same on the tuning part, ``test_pages`` and ``tuning_pages`` the
part sizes (and ``test_counts``/``tuning_counts`` the pages expecting each field).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import trafilatura

from foreigndesk.errors import DeskError
from foreigndesk.extract import extract_article

#: The benchmark data, beside the repository (never inside it): ``../shared/data`` from
#: the repository's root, or wherever ``FOREIGNDESK_BENCHMARK_DATA`` says (relative to
#: that root), for a clone that is not beside it.
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / os.environ.get("FOREIGNDESK_BENCHMARK_DATA", "../shared/data")
PAGES = DATA / "readability-test-pages" / "pages"
#: Readability's tests give every page this address; the pages name no other.
PAGE_URL = "http://fakehost/test/page.html"

_LEADING_BY = re.compile(r"^\s*(?:written\s+)?by\b[:\s]*", re.I)
_DATE_START = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.I
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Expected:
    name: str
    html: bytes
    title: str | None
    byline: str | None
    published: date | None


@dataclass(frozen=True)
class Found:
    title: str | None
    authors: tuple[str, ...]
    published: date | None


def normalise(text: str | None) -> str:
    """Case and spacing normalised: what "exact match" compares."""
    return " ".join((text or "").split()).casefold()


def author_names(byline: str | Sequence[str] | None) -> frozenset[str]:
    """A byline (or a list of names) as a set of normalised names, by the benchmark's rule."""
    if not byline:
        return frozenset()
    raw = byline if isinstance(byline, str) else "; ".join(byline)
    raw = _LEADING_BY.sub("", raw.strip()).strip()
    raw = raw.splitlines()[0] if raw else ""
    if match := _DATE_START.search(raw):
        raw = raw[: match.start()]
    return frozenset(n for part in _NAME_SPLIT.split(raw) if (n := normalise(part)))


def iso_day(value: str | None) -> date | None:
    if value and (match := _ISO_DAY.search(value)):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def load_pages(root: Path = PAGES) -> list[Expected]:
    pages = []
    for folder in sorted(p for p in root.iterdir() if (p / "expected-metadata.json").is_file()):
        meta: dict[str, Any] = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
        pages.append(
            Expected(
                name=folder.name,
                html=(folder / "source.html").read_bytes(),
                title=meta.get("title") or None,
                byline=meta.get("byline") or None,
                published=iso_day(meta.get("publishedTime")),
            )
        )
    return pages


def desk_metadata(html: bytes) -> Found:
    try:
        article = extract_article(html, PAGE_URL)
    except DeskError:
        return Found(None, (), None)
    return Found(article.title, article.authors, article.published)


def trafilatura_metadata(html: bytes) -> Found:
    meta = trafilatura.extract_metadata(html, PAGE_URL)
    authors = tuple(a.strip() for a in (meta.author or "").split(";") if a.strip())
    return Found(meta.title, authors, iso_day(meta.date))


@dataclass(frozen=True)
class Accuracy:
    title: float
    author: float
    date: float


def accuracy(pages: Sequence[Expected], found: Sequence[Found], *, show: str = "") -> Accuracy:
    """Exact-match accuracy of each field over the pages that expect it."""
    titles = [(p, f) for p, f in zip(pages, found, strict=True) if p.title]
    bylines = [(p, f) for p, f in zip(pages, found, strict=True) if p.byline]
    dates = [(p, f) for p, f in zip(pages, found, strict=True) if p.published]
    title_ok = [normalise(p.title) == normalise(f.title) for p, f in titles]
    author_ok = [author_names(p.byline) == author_names(f.authors) for p, f in bylines]
    date_ok = [p.published == f.published for p, f in dates]
    if show:
        for (p, f), ok in zip(titles, title_ok, strict=True):
            if not ok:
                print(f"  {show} title  {p.name}: {f.title!r} != {p.title!r}")
        for (p, f), ok in zip(bylines, author_ok, strict=True):
            if not ok:
                print(f"  {show} author {p.name}: {f.authors!r} != {p.byline!r}")
        for (p, f), ok in zip(dates, date_ok, strict=True):
            if not ok:
                print(f"  {show} date   {p.name}: {f.published} != {p.published}")
    return Accuracy(
        title=sum(title_ok) / max(1, len(title_ok)),
        author=sum(author_ok) / max(1, len(author_ok)),
        date=sum(date_ok) / max(1, len(date_ok)),
    )


TEST = "test"
TUNING = "tuning"


def part_of(name: str) -> str:
    """The part a page belongs to, fixed by its folder name alone (see the docstring)."""
    return TEST if int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 2 else TUNING


def field_counts(pages: Sequence[Expected]) -> tuple[int, int, int]:
    """How many pages expect a title, a byline and a date."""
    return (
        sum(1 for p in pages if p.title),
        sum(1 for p in pages if p.byline),
        sum(1 for p in pages if p.published),
    )


def main(argv: list[str] | None = None) -> int:
    verbose = "--misses" in (argv if argv is not None else sys.argv[1:])
    if not PAGES.is_dir():
        print(f"benchmark data not found at {PAGES}", file=sys.stderr)
        return 2
    pages = load_pages()
    extractors: dict[str, Callable[[bytes], Found]] = {
        "desk": desk_metadata,
        "trafilatura": trafilatura_metadata,
    }
    found = {name: [extract(p.html) for p in pages] for name, extract in extractors.items()}
    results: dict[str, dict[str, Accuracy]] = {}
    counts: dict[str, tuple[int, int, int]] = {}
    sizes: dict[str, int] = {}
    for part in (TUNING, TEST):
        chosen = [i for i, p in enumerate(pages) if part_of(p.name) == part]
        subset = [pages[i] for i in chosen]
        sizes[part], counts[part] = len(subset), field_counts(subset)
        results[part] = {
            name: accuracy(
                subset,
                [found[name][i] for i in chosen],
                # Only the tuning part's misses are ever shown: the test part stays unseen.
                show=name if verbose and name == "desk" and part == TUNING else "",
            )
            for name in extractors
        }
    print(f"{len(pages)} pages, split by part_of: tuning {sizes[TUNING]}, test {sizes[TEST]}")
    print(f"{'':20} {'title':>6} {'author':>6} {'date':>6}")
    for part in (TUNING, TEST):
        n = counts[part]
        print(f"{part + ' (pages expecting)':20} {n[0]:6d} {n[1]:6d} {n[2]:6d}")
        for name, result in results[part].items():
            label = f"{part} {name}"
            print(f"{label:20} {result.title:6.3f} {result.author:6.3f} {result.date:6.3f}")
    desk, base = results[TEST]["desk"], results[TEST]["trafilatura"]
    tuned, tuned_base = results[TUNING]["desk"], results[TUNING]["trafilatura"]
    print(
        json.dumps(
            {
                "title": round(desk.title, 3),
                "author": round(desk.author, 3),
                "date": round(desk.date, 3),
                "baseline_title": round(base.title, 3),
                "baseline_author": round(base.author, 3),
                "baseline_date": round(base.date, 3),
                "tuning_title": round(tuned.title, 3),
                "tuning_author": round(tuned.author, 3),
                "tuning_date": round(tuned.date, 3),
                "tuning_baseline_title": round(tuned_base.title, 3),
                "tuning_baseline_author": round(tuned_base.author, 3),
                "tuning_baseline_date": round(tuned_base.date, 3),
                "test_pages": sizes[TEST],
                "tuning_pages": sizes[TUNING],
                "test_counts": list(counts[TEST]),
                "tuning_counts": list(counts[TUNING]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
