"""OPML 2.0: subscription lists in and out, the way every feed reader trades them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from foreigndesk.errors import DeskError
from foreigndesk.sources.feed import http_url
from foreigndesk.sources.xmlsafety import parser, screen


@dataclass(frozen=True)
class Subscription:
    url: str
    title: str | None = None
    lang: str | None = None
    html_url: str | None = None


def read_opml(content: bytes) -> list[Subscription]:
    """Every outline with an http(s) ``xmlUrl``, nested folders included, each URL once."""
    screen(content, "OPML file")
    try:
        root = etree.fromstring(content, parser=parser())
    except etree.XMLSyntaxError as exc:
        raise DeskError(f"OPML file is not well-formed XML ({exc}) — check the file") from exc
    if root is None or root.tag != "opml":
        raise DeskError("not an OPML file (no <opml> root) — export it from your feed reader")
    found: dict[str, Subscription] = {}
    for outline in root.iter("outline"):
        url = http_url("", outline.get("xmlUrl") or outline.get("xmlurl"))
        if url and url not in found:
            found[url] = Subscription(
                url=url,
                title=outline.get("title") or outline.get("text"),
                lang=outline.get("language"),
                html_url=outline.get("htmlUrl"),
            )
    return list(found.values())


def write_opml(subscriptions: Iterable[Subscription], title: str) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    for subscription in subscriptions:
        attributes = {
            "type": "rss",
            "text": subscription.title or subscription.url,
            "xmlUrl": subscription.url,
        }
        if subscription.title:
            attributes["title"] = subscription.title
        if subscription.lang:
            attributes["language"] = subscription.lang
        if subscription.html_url:
            attributes["htmlUrl"] = subscription.html_url
        etree.SubElement(body, "outline", attributes)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
