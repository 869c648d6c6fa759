"""Who wrote a page, when, under which licence, on which site: read once, normalised."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import html as lxml_html

_BY = re.compile(r"^\s*(?:by|written by|words by)\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\s·\s|\|)\s*")
_CC_LICENSE = re.compile(r"creativecommons\.org/(?:licenses|publicdomain)/([a-z-]+)/(\d\.\d)", re.I)
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ")


def split_authors(raw: str | None) -> tuple[str, ...]:
    """``"By Amira Haddad and Kenji Mori"`` → ``("Amira Haddad", "Kenji Mori")``."""
    if not raw:
        return ()
    names: list[str] = []
    for part in _AUTHOR_SPLIT.split(_BY.sub("", raw)):
        name = " ".join(_BY.sub("", part).split())
        if name and any(ch.isalpha() for ch in name) and name not in names:
            names.append(name)
    return tuple(names)


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """``"Harbour Tides | The Harbour Review"`` → ``"Harbour Tides"``."""
    title = " ".join(title.split())
    if not site_name:
        return title
    for separator in _TITLE_SEPARATORS:
        suffix = separator + site_name
        if title.endswith(suffix):
            return title[: -len(suffix)].strip()
        prefix = site_name + separator
        if title.startswith(prefix):
            return title[len(prefix) :].strip()
    return title


def license_name(href: str) -> str:
    """A Creative Commons URL as its short name (``CC BY 4.0``); other licences as given."""
    if match := _CC_LICENSE.search(href):
        kind, version = match.group(1).lower(), match.group(2)
        if kind == "zero":
            return f"CC0 {version}"
        return f"CC {kind.upper()} {version}"
    return href


def page_license(tree: lxml_html.HtmlElement, base_url: str) -> str | None:
    for element in tree.xpath("//*[@rel='license' and @href]"):
        return license_name(urljoin(base_url, element.get("href", "").strip()))
    return None


def page_lang(tree: lxml_html.HtmlElement) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return lang.strip() if lang else None


def linked_authors(tree: lxml_html.HtmlElement) -> tuple[str, ...]:
    """Names the page links with ``rel="author"``, in order: every co-author, not the first."""
    names: list[str] = []
    for link in tree.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        for name in split_authors(link.text_content()):
            if name not in names:
                names.append(name)
    return tuple(names)


def byline_text(tree: lxml_html.HtmlElement) -> str | None:
    """The text of the page's byline element, where the page marks one."""
    for element in tree.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')"
        " or contains(concat(' ', normalize-space(@class), ' '), ' author ')"
        " or @itemprop='author']"
    ):
        text = " ".join(element.text_content().split())
        if text:
            return str(text)
    return None
