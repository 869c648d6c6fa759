"""OPML 2.0: subscription lists in and out, the way every feed reader trades them.

Each source is one ``<outline type="rss" text=… title=… xmlUrl=…>``, the outline every
feed reader imports; its language is the standard ``language`` attribute of such an
outline. What only the desk knows — the licence, the engine, the kind (feed, sitemap,
single page; a feed reader sees every source as ``type="rss"``) — is in attributes of
our own namespace, :data:`NAMESPACE`, which other readers ignore, as the OPML 2.0 spec
allows ("elements and attributes not described on this page, only if those elements are
defined in a namespace"). A category is a folder: a parent ``<outline text="CATEGORY">``,
as Feedly, Inoreader, NetNewsWire and FreshRSS export and import theirs.

Reading takes folders nested deeper than one level as one category, their names joined
with `` / `` from the outermost ("News / Spain"): the nearest folder alone would make
"Europe / Politics" and "Asia / Politics" one category. A category written back is one
folder with that name, which reads back the same. Every outline that is not taken is in
:attr:`OpmlImport.skipped`, with where it is and why, in the one line a user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from foreigndesk.errors import DeskError
from foreigndesk.sources.xmlsafety import parser, screen

#: Our attributes' namespace. The desk has no domain of its own; ``.invalid`` is reserved
#: (RFC 6761): no one else can ever own this name and nothing tries to fetch it. It names
#: a vocabulary, not a version: a new attribute joins it, as FreshRSS extends its own
#: ``https://freshrss.org/opml``. Readers match it by this URI, never by the prefix.
NAMESPACE = "https://foreigndesk.invalid/opml"
PREFIX = "fd"
#: What a source can be; ``auto`` until the desk first reads it.
KINDS = ("feed", "sitemap", "url", "auto")
#: Between the names of nested folders in a category read from another reader's OPML.
FOLDER_SEPARATOR = " / "

#: What XML 1.0 cannot hold at all, not even as a character reference.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_LICENSE = f"{{{NAMESPACE}}}license"
_KIND = f"{{{NAMESPACE}}}kind"
_ENGINE = f"{{{NAMESPACE}}}engine"


@dataclass(frozen=True)
class Subscription:
    """One source as an OPML file carries it; every field but ``url`` is keyword-only."""

    url: str
    _: KW_ONLY
    title: str | None = None
    lang: str | None = None
    license: str | None = None
    #: The folder the source is in; nested folders as "Outer / Inner".
    category: str | None = None
    #: feed, sitemap, url, or auto (another reader's outline: the desk finds out).
    kind: str = "auto"
    engine: str | None = None
    #: The site's homepage, as feed readers give it; the desk does not keep it.
    html_url: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An outline that was not taken: ``str()`` of it is the line to show."""

    #: Which outline: its number among all outlines in document order (folders count),
    #: its text and its line, e.g. ``outline 4 'Foo' (line 12)``.
    where: str
    #: Why, and what to do about it, e.g. ``xmlUrl 'ftp://x' is not http(s) — …``.
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class OpmlImport:
    """What an OPML file gives: the subscriptions, in document order, each URL once, and
    every outline left out, in document order."""

    subscriptions: list[Subscription] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def import_opml(content: bytes) -> OpmlImport:
    """Every outline with an http(s) ``xmlUrl``, in every folder, each URL once; and every
    other outline that is not a folder, with the reason it was left out.

    Raises DeskError for a document that is not OPML, is not well-formed (a damaged file
    would be read as something else without a word: a bare ``&`` in a URL silently cuts it),
    or declares XML entities."""
    screen(content, "OPML file")
    xml_parser = parser()
    try:
        root = etree.fromstring(content, parser=xml_parser)
    except etree.XMLSyntaxError as exc:
        raise DeskError(f"OPML file is not well-formed XML ({exc}) — check the file") from exc
    if root is None or root.tag != "opml":
        raise DeskError("not an OPML file (no <opml> root) — export it from your feed reader")
    fatal: list[Any] = [e for e in xml_parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        raise DeskError(
            f"OPML file is not well-formed XML (line {fatal[0].line}: {fatal[0].message.strip()})"
            " — fix it there (a & in a URL is written &amp;), or export the file again"
        )
    result = OpmlImport()
    taken: dict[str, int] = {}
    for number, outline in enumerate(root.iter("outline"), start=1):
        subscription, reason = _entry(outline, taken)
        if subscription is not None:
            taken[subscription.url] = number
            result.subscriptions.append(subscription)
        elif reason is not None:
            result.skipped.append(Skipped(_where(outline, number), reason))
    return result


def read_opml(content: bytes) -> list[Subscription]:
    """The subscriptions of :func:`import_opml`, without what it left out."""
    return import_opml(content).subscriptions


def write_opml(subscriptions: Iterable[Subscription], title: str) -> bytes:
    """OPML 2.0 that feed readers import and :func:`import_opml` reads back unchanged.

    A category is a folder, placed where its first source comes; sources without one stay
    at the top level, in their order. A control character XML cannot hold (a JSON Feed's
    title may have one) is left out rather than making the whole export fail."""
    root = etree.Element("opml", version="2.0", nsmap={PREFIX: NAMESPACE})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for subscription in subscriptions:
        parent = body
        if subscription.category:
            parent = folders.get(subscription.category, body)
            if parent is body:
                name = _NOT_XML.sub("", subscription.category)
                parent = folders[subscription.category] = etree.SubElement(
                    body, "outline", text=name, title=name
                )
        etree.SubElement(parent, "outline", _attributes(subscription))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _attributes(subscription: Subscription) -> dict[str, str]:
    attributes = {"type": "rss", "text": subscription.title or subscription.url}
    optional = {
        "title": subscription.title,
        "xmlUrl": subscription.url,
        "htmlUrl": subscription.html_url,
        "language": subscription.lang,
        _KIND: None if subscription.kind == "auto" else subscription.kind,
        _LICENSE: subscription.license,
        _ENGINE: subscription.engine,
    }
    attributes.update({name: value for name, value in optional.items() if value})
    return {name: _NOT_XML.sub("", value) for name, value in attributes.items()}


def _entry(
    outline: etree._Element, taken: dict[str, int]
) -> tuple[Subscription | None, str | None]:
    """(the subscription, None), (None, why it is left out), or (None, None): a folder."""
    raw = _get(outline, "xmlUrl") or _get(outline, "xmlurl")
    if raw is None:
        if outline.find("outline") is not None:
            return None, None
        return None, _not_a_feed(outline)
    url, problem = _feed_url(raw)
    if url is None:
        return None, problem
    kind = (_get(outline, _KIND) or "auto").lower()
    if kind not in KINDS:
        return None, (
            f"fd:kind {_shown(kind)} is not one of {', '.join(KINDS)} — correct it,"
            " or remove it and the desk finds out"
        )
    if url in taken:
        return None, f"duplicate of outline {taken[url]} (same xmlUrl) — only the first is added"
    title = _get(outline, "title")
    if title is None:
        text = _get(outline, "text")
        # write_opml puts the URL in text (OPML requires one) when a source has no title.
        title = None if text == raw else text
    return Subscription(
        url,
        title=title,
        lang=_get(outline, "language"),
        license=_get(outline, _LICENSE),
        category=_category(outline),
        kind=kind,
        engine=_get(outline, _ENGINE),
        html_url=_feed_url(_get(outline, "htmlUrl") or "")[0],
    ), None


def _not_a_feed(outline: etree._Element) -> str:
    target = _get(outline, "url") or _get(outline, "htmlUrl")
    if (_get(outline, "type") or "").lower() == "include":
        return (
            f"includes another OPML file ({_shown(target or '')}), which is not followed"
            " — import that file on its own"
        )
    page = _feed_url(target or "")[0]
    return f"no xmlUrl — not a feed; add it with `foreigndesk source add {page or 'URL'}`"


def _feed_url(raw: str) -> tuple[str | None, str]:
    """(the URL, "") when ``raw`` is an absolute http(s) URL, else (None, why not)."""
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:  # "http://[x": a bracket that opens an IPv6 address and never closes
        parts, host = None, None
    if parts is not None and parts.scheme and parts.scheme not in {"http", "https"}:
        return None, f"xmlUrl {_shown(raw)} is not http(s) — give the feed's http(s) address"
    if parts is None or not parts.scheme or not host:
        return None, f"xmlUrl {_shown(raw)} is not a URL — give the feed's full address, https://…"
    return raw, ""


def _category(outline: etree._Element) -> str | None:
    names = [
        _get(folder, "text") or _get(folder, "title") for folder in outline.iterancestors("outline")
    ]
    return FOLDER_SEPARATOR.join(n for n in reversed(names) if n) or None


def _where(outline: etree._Element, number: int) -> str:
    where = f"outline {number}"
    name = _get(outline, "title") or _get(outline, "text")
    if name:
        where += f" {_shown(name)}"
    if outline.sourceline:
        where += f" (line {outline.sourceline})"
    return where


def _get(outline: etree._Element, name: str) -> str | None:
    value = outline.get(name)
    return (value.strip() or None) if value else None


def _shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for one line: control characters escaped, a long one cut short."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")
