"""The page's JSON-LD, read once: the structured account a site gives of its own article.

Publishers fill JSON-LD for search engines, so where it is present it is the most careful
statement of headline, authors, dates, publisher and licence on the page. It is also often
malformed in small ways (CDATA wrappers, HTML comments, several objects in one script,
``@graph`` nesting), which are tolerated here; a script that still does not parse is
skipped with a debug line rather than failing the page.

Sites that describe their pages as a graph (Yoast and its kin) name each thing once and
point at it elsewhere: the article's ``author`` is ``{"@id": "…#/schema/person/1"}`` and
the Person with that ``@id`` stands elsewhere in the ``@graph``, often in another script.
``id_index`` and ``resolve`` follow such pointers, so a pointer reads as what it points at.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml import html as lxml_html

logger = logging.getLogger(__name__)

_WRAPPERS = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$")
#: Schema.org types that describe an article (or a post standing for one).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "techarticle",
        "scholarlyarticle",
        "socialmediaposting",
        "liveblogposting",
        "posting",
        "report",
        "webpage",
    }
)

JsonObject = dict[str, Any]


def _objects(value: Any) -> Iterator[JsonObject]:
    """Every object in a JSON-LD value, ``@graph`` members included, outermost first."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        yield value
        graph = value.get("@graph")
        if graph is not None:
            yield from _objects(graph)


def read_jsonld(tree: lxml_html.HtmlElement) -> list[JsonObject]:
    """Every JSON-LD object on the page, in document order."""
    found: list[JsonObject] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = _WRAPPERS.sub("", (script.text or "").strip())
        if not raw:
            continue
        try:
            value = json.loads(raw, strict=False)
        except ValueError:
            logger.debug("skipping a JSON-LD script that does not parse")
            continue
        found.extend(_objects(value))
    return found


def types_of(obj: JsonObject) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.casefold() for k in kinds if isinstance(k, str)}


def article_object(objects: list[JsonObject]) -> JsonObject | None:
    """The object that describes the article: a news or blog type before a bare WebPage."""
    best: JsonObject | None = None
    for obj in objects:
        kinds = types_of(obj)
        if kinds & (ARTICLE_TYPES - {"webpage"}):
            return obj
        if best is None and "webpage" in kinds:
            best = obj
    return best


def text_of(value: Any) -> str | None:
    """A JSON-LD value as text: a string, the ``name`` of an object, the first of a list."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value"))
    if isinstance(value, list):
        for item in value:
            if text := text_of(item):
                return text
    return None


JsonIndex = dict[str, JsonObject]


def id_index(objects: list[JsonObject]) -> JsonIndex:
    """Every object that says more than its ``@id``, by that ``@id``: what pointers reach."""
    index: JsonIndex = {}
    for obj in objects:
        ref = obj.get("@id")
        if isinstance(ref, str) and len(obj) > 1:
            index.setdefault(ref, obj)
    return index


def resolve(value: Any, index: JsonIndex) -> Any:
    """``value`` with its pointers followed: an ``{"@id": …}`` object (or an ``@id`` given
    as a bare string) becomes the object with that ``@id``, in lists as well; a pointer to
    nothing on the page stays as it is."""
    if isinstance(value, list):
        return [resolve(item, index) for item in value]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        return index.get(str(value.get("@id")), value)
    if isinstance(value, str) and value in index:
        return index[value]
    return value


def names_of(value: Any, index: JsonIndex | None = None) -> list[str]:
    """Every name in a JSON-LD value: a string, a Person or Organization, a pointer to one
    (followed through ``index``), or a list of them."""
    if index is not None:
        value = resolve(value, index)
    if isinstance(value, list):
        return [name for item in value for name in names_of(item)]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        return []  # a pointer to nothing on the page names nobody
    text = text_of(value)
    return [text] if text else []
