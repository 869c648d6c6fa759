"""Who wrote the article, from the most careful source that names anyone.

Sources in order of care, the first that yields a name winning: the JSON-LD article's
``author`` (pointers into the page's ``@graph`` followed to the Person they name); the
author meta tags (Dublin Core, ``author``, ``article:author`` when it is not a profile URL,
Parse.ly, ``byl``); a Twitter card's ``twitter:label1``/``twitter:data1`` pair whose label
says author, in any language ("Written by", "Geschrieben von", "Écrit par", "著者"); then
the byline on the page (see ``bylines``).

The site's own name is not an author while the page names anyone else. Templates fill an
empty author field with the site's or publisher's name ("National Geographic", "Madame
Figaro"), so a name that is the site's (``og:site_name``, the JSON-LD publisher or
WebSite) is passed over in every source, and the byline on the page is read instead; it
is kept where the page names it as the author in so many words: a JSON-LD author typed
``Person`` (a personal blog called after its author), a byline that introduces it ("By
AFP", "Par Le Monde"), or, where nothing else on the page names anybody, the author field
itself (``site_authors``), as one name, unsplit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from foreigndesk.extract.bylines import Byline
from foreigndesk.extract.jsonld import JsonIndex, JsonObject, names_of, resolve, types_of
from foreigndesk.extract.metatags import MetaTags
from foreigndesk.extract.names import clean_names

AUTHOR_KEYS = (
    "dc:creator",
    "dcterm:creator",
    "dcterms:creator",
    "author",
    "article:author",
    "article:author_name",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
)
SITE_KEYS = ("og:site_name", "application-name")
#: Twitter card labels that say "author", in the desk's languages and its neighbours'.
_AUTHOR_LABEL = re.compile(
    r"^\s*(?:(?:written|posted|published)\s+by|by|authors?|writers?|geschrieben\s+von|verfasst"
    r"\s+von|von|autor(?:in|en|es|a)?|auteur(?:e|s|es)?|écrit\s+par|ecrit\s+par|par"
    r"|escrito\s+por|por|autore|autori|scritto\s+da|di|door|geschreven\s+door|skrevet\s+av"
    r"|av|автор|авторы|著者|作者|筆者|執筆者?|記者|记者|文|글쓴이|작성자|기자|글)\s*[:：]?\s*$",
    re.I,
)
_TWITTER_PAIRS = 4
_SITE_TYPES = frozenset({"website"})
_NOT_ALNUM = re.compile(r"\W+")


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "www."))


def _fold(name: str) -> str:
    return _NOT_ALNUM.sub("", name.casefold())


def site_identity(
    meta: MetaTags, article: JsonObject | None, objects: list[JsonObject], index: JsonIndex
) -> frozenset[str]:
    """The names the site calls itself by, folded (case and punctuation ignored); a name
    with a slogan after it (``Aktuálně.cz - Víte, co se právě děje``) counts by its first
    part too."""
    names = [v for key in SITE_KEYS for v in meta.get(key, [])]
    if article is not None:
        names.extend(names_of(resolve(article.get("publisher"), index)))
    names.extend(n for obj in objects if types_of(obj) & _SITE_TYPES for n in names_of(obj))
    parts = [p for name in names for p in (name, re.split(r"\s+[-|–—:·]\s+", name)[0])]
    return frozenset(f for p in parts if (f := _fold(p)))


def without_site(names: Iterable[str], site: frozenset[str]) -> list[str]:
    """The names that are not the site's own."""
    return [n for n in names if _fold(n) not in site]


def meta_authors(meta: MetaTags, site: frozenset[str] = frozenset()) -> list[str]:
    """Names from the author meta tags; a key given once per author ("Roe, Jane" twice)
    is taken one name per value, without splitting at commas. A value that is the site's
    name ("Mac & i" on Mac & i) is a template's default, not a name."""
    for key in AUTHOR_KEYS:
        values = [v for v in meta.get(key, []) if not _is_url(v) and _fold(v) not in site]
        one_each = len(values) > 1
        names = [
            n for value in values for n in clean_names(value, strict=False, commas=not one_each)
        ]
        if names := without_site(names, site):
            return list(dict.fromkeys(names))
    return []


def twitter_authors(meta: MetaTags, site: frozenset[str] = frozenset()) -> list[str]:
    """Names from a Twitter card's label/data pair whose label says author."""
    for number in range(1, _TWITTER_PAIRS + 1):
        label = meta.get(f"twitter:label{number}", [""])[0]
        data = meta.get(f"twitter:data{number}", [""])[0]
        if data and _fold(data) not in site and _AUTHOR_LABEL.match(label):
            return without_site(clean_names(data, strict=False), site)
    return []


def _is_person(value: object) -> bool:
    return isinstance(value, dict) and "person" in types_of(value)


def jsonld_authors(
    article: JsonObject | None,
    index: JsonIndex | None = None,
    site: frozenset[str] = frozenset(),
) -> list[str]:
    """Names from the JSON-LD article's ``author`` (or ``creator``), pointers followed.

    An author typed ``Person`` is named as a person in so many words, and kept even where
    a personal blog calls itself by the same name; any other author that is the site's
    name (an Organization, a bare string) is a template's default and dropped."""
    if article is None:
        return []
    names: list[str] = []
    for key in ("author", "creator"):
        value = resolve(article.get(key), index or {})
        for item in value if isinstance(value, list) else [value]:
            explicit = _is_person(item)
            for raw in names_of(item):
                if _is_url(raw) or (not explicit and _fold(raw) in site):
                    continue
                found = clean_names(raw, strict=False)
                names.extend(found if explicit else without_site(found, site))
        if names:
            break
    return list(dict.fromkeys(names))


def structured_authors(
    meta: MetaTags,
    article: JsonObject | None,
    index: JsonIndex | None = None,
    site: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """The authors the page states for machines (JSON-LD, meta tags, Twitter card): from
    the most careful source that names anyone but the site itself."""
    for names in (
        jsonld_authors(article, index, site),
        meta_authors(meta, site),
        twitter_authors(meta, site),
    ):
        if names:
            return tuple(names)
    return ()


#: A byline that introduces its names in so many words: "By AFP", "Par Le Monde", "文：".
_INTRODUCED = re.compile(
    r"^\s*(?:(?:written\s+)?by|von|par|por|di|door|av|texto?|autor|auteur|author)\s*[:：]?\s"
    r"|^\s*(?:文|著者|筆者|記者|作者)\s*[:：]",
    re.I,
)


def byline_authors(byline: Byline, site: frozenset[str]) -> tuple[str, ...]:
    """The byline's names; the site's own only where the byline introduces it ("By AFP")."""
    if _INTRODUCED.match(byline.text):
        return tuple(byline.names)
    return tuple(without_site(byline.names, site))


def site_authors(
    meta: MetaTags, article: JsonObject | None, index: JsonIndex, site: frozenset[str]
) -> tuple[str, ...]:
    """The site's own name where an author field gives it and nothing else on the page
    names anybody: the last resort, kept whole ("Mac & i" is one name, not two)."""
    values: list[str] = []
    if article is not None:
        values.extend(names_of(resolve(article.get("author"), index)))
    values.extend(v for key in AUTHOR_KEYS for v in meta.get(key, []))
    for value in values:
        if _fold(value) in site:
            return (" ".join(value.split()),)
    return ()
