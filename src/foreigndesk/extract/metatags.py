"""The page's ``<meta>`` tags, read once into a lookup by name.

Values are unescaped once more (sites often escape twice: ``&amp;mdash;``).
``name``, ``property`` and ``itemprop`` are all keys (a site may put several
space-separated properties on one tag), compared without case, and every value is kept in
document order, since some keys legitimately repeat (one ``article:author`` per author).
Where a key is given both as ``property`` and as ``name``, the ``property`` values stand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from lxml import html as lxml_html

MetaTags = dict[str, list[str]]
#: Dublin Core is written both ``DC.title`` (name) and ``dc:title`` (property): one key.
_DUBLIN_CORE = re.compile(r"^(dc|dcterms?)\.")


def read_meta(tree: lxml_html.HtmlElement) -> MetaTags:
    """``{"og:title": ["…"], "author": ["…", "…"], …}`` for every non-empty meta tag."""
    by_property: MetaTags = {}
    by_name: MetaTags = {}
    for meta in tree.iter("meta"):
        content = " ".join(unescape(meta.get("content") or "").split())
        if not content:
            continue
        for attr, found in (("property", by_property), ("name", by_name), ("itemprop", by_name)):
            for key in (meta.get(attr) or "").casefold().split():
                found.setdefault(_DUBLIN_CORE.sub(r"\1:", key), []).append(content)
    # RDFa ``property`` is the formal statement: where both say, it wins over ``name``.
    return by_name | by_property


def first(meta: MetaTags, keys: Iterable[str]) -> str | None:
    """The first value of the first key present, in the order the keys are given."""
    for key in keys:
        if values := meta.get(key):
            return values[0]
    return None
