"""Who wrote the article, as a clean list of names: no "By", no dates, no job titles.

Every post credits the original's author by name, and the glossary maps each name to one
spelling, so a name must be a name: "By Jane Roe, Senior Correspondent · 3 hours ago"
is ``["Jane Roe"]``. Sources are read in order of care, the first that yields a name
winning: the JSON-LD article's ``author``; author meta tags (Dublin Core, ``author``,
``article:author`` when it is not a profile URL, Parse.ly, ``byl``); then the byline on
the page (an element marked ``itemprop=author``, ``rel=author``, or with a class naming a
byline or an author, outside comments and author bios).

Cleaning is stricter for text read off the page than for a meta value, because a byline
element carries whatever sits beside the name (the date, the section, "Follow"), while a
meta value was written to hold names only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from foreigndesk.extract.jsonld import JsonObject, names_of
from foreigndesk.extract.metatags import MetaTags

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
#: What introduces a byline, in the desk's languages and its neighbours'.
_LEADING = re.compile(
    r"^\s*(?:(?:written|words|story|text|reporting|posted)\s+by|by|par|por|von|di|door|av"
    r"|文|著|作者|筆者|記者|著者|автор|текст|texto|autor(?:es|a)?)\s*[:：/／・]?(?:\s+|$)|"
    r"^\s*(?:文|著|作者|筆者|記者|著者|автор|текст)\s*[:：/／・]\s*",
    re.I,
)
#: What a Japanese byline puts after the name: ``山田花子著``, ``山田花子 記者``.
_TRAILING_JA = re.compile(r"\s*(?:著|記者|撮影|編)\s*$")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s)\]]+|[^\s(]+@\S+\.\w+|(?<!\w)@\w+")
#: "Jane Roe (with Kenji Mori)": a co-author named in passing is a co-author.
_WITH = re.compile(r"\(\s*(?:with|avec|con|mit|com|с)\s+([^)]*)\)", re.I)
#: Lines of a byline that credit someone other than the author.
_OTHER_CREDIT = re.compile(
    r"^\s*(?:edited|photos?|photographs|illustrations?|translated|reviewed|fact-checked|"
    r"additional\s+reporting)\s+by\b",
    re.I,
)
_BY_INSIDE = re.compile(r"(?:^|\s)(?:by|par|por|von)\s", re.I)
_DIGIT = re.compile(r"\d")
_EMPTY_PARENS = re.compile(r"\(\s*\)|\[\s*\]")
#: Between names: ``A and B``, ``A y B``, ``A и B``, ``A、B``, ``A; B``, ``A | B``.
_NAME_SPLIT = re.compile(r"\s*(?:[;|&、，,]|\s(?:and|und|y|e|et|и|og|en)\s)\s*", re.I)
_NAME_SPLIT_NO_COMMA = re.compile(r"\s*(?:[;|&、]|\s(?:and|und|y|e|et|и|og|en)\s)\s*", re.I)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june"
    "|july|august|september|october|november|december"
)
_TRAILING_JUNK = re.compile(
    r"(?:(?:^|\s+)(?:on|at|in|the|published|updated|posted|last|le|el|am|de|del|"
    + _MONTHS
    + r")\.?|[\s\-–—|·•:,/]+)$",
    re.I,
)
_TRAILING_PUNCTUATION = re.compile(r"[\s\-–—|·•:,/]+$")
#: Where a byline turns to other people's credits: "写真・山田花子", "Photos: Jane Roe".
_CREDIT_PART = re.compile(
    r"^(?:写真|撮影|イラスト|photos?|photography|illustrations?|graphics?)\s*[:：・/]", re.I
)
#: Words that make a part of a byline a role, not a name.
_ROLE_WORDS = frozenset(
    [
        "editor",
        "editors",
        "reporter",
        "correspondent",
        "writer",
        "columnist",
        "contributor",
        "contributors",
        "staff",
        "technologist",
        "producer",
        "photographer",
        "photographers",
        "journalist",
        "analyst",
        "critic",
        "senior",
        "chief",
        "special",
        "contributing",
        "associate",
        "deputy",
        "executive",
        "director",
        "manager",
        "president",
        "professor",
        "fellow",
        "intern",
        "bureau",
        "desk",
        "author",
        "follow",
        "share",
        "updated",
        "published",
        "posted",
        "minutes",
        "hours",
        "read",
        "ago",
    ]
)
#: Lower-case words that belong inside names (``Michiel de Jong``, ``Ludwig van Beethoven``).
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "del",
        "della",
        "der",
        "den",
        "di",
        "la",
        "le",
        "van",
        "von",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
    ]
)
_DEGREE = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")
#: "yline", "uthor" and "utor" catch byline, Byline, author, Author, autor and Autor.
_BYLINE_XPATH = (
    "//*[@itemprop='author' or contains(@rel, 'author') or contains(@class, 'yline')"
    " or contains(@class, 'uthor') or contains(@class, 'autor') or contains(@class, 'Autor')]"
)
#: Class fragments of elements that mention an author but are not the article's byline.
_NOT_BYLINE = re.compile(
    r"comment|bio|about|avatar|photo|image|img|thumb|follow|note|widget|social|share|"
    r"count|views|form|more|profile|related",
    re.I,
)
#: Class or id fragments of containers whose bylines belong to someone else's text.
_NOT_INSIDE = re.compile(r"comment|related|recommend|sidebar|widget|promo|teaser", re.I)
_MAX_BYLINE_CHARS = 200
_MAX_NAME_WORDS = 6


def _is_role(part: str) -> bool:
    return any(w.strip(".,()").casefold() in _ROLE_WORDS for w in part.split())


def _is_degree(part: str) -> bool:
    """``MA``, ``PhD``, ``Jr.``: after a name, a suffix of it rather than another name."""
    words = part.split()
    return bool(words) and all(_DEGREE.match(w) for w in words) and len(part) <= 6


def _has_lowercase_word(part: str) -> bool:
    return any(w[:1].islower() and w not in _PARTICLES for w in part.split())


def _tidy(raw: str, *, strict: bool) -> str:
    text = _URL.sub(" ", " ".join(raw.split()))
    text = _EMPTY_PARENS.sub(" ", text)
    if strict:
        # "Tech Industry by Jane Roe": the names follow the last "by".
        if introductions := list(_BY_INSIDE.finditer(text)):
            text = text[introductions[-1].end() :]
        if digit := _DIGIT.search(text):  # a date or a time: the names are over
            text = text[: digit.start()]
    text = _LEADING.sub("", text)
    text = _TRAILING_JA.sub("", text)
    junk = _TRAILING_JUNK if strict else _TRAILING_PUNCTUATION
    previous = None
    while previous != text:
        previous, text = text, junk.sub("", text).strip()
    return " ".join(text.split())


def _balanced(name: str) -> str:
    """A name without a bracket left open or closed by the split: ``"(Jane Roe"``."""
    if name.count("(") != name.count(")"):
        name = name.strip("()").strip()
    return name


def _names_in(text: str, *, strict: bool, commas: bool, names: list[str]) -> bool:
    """Add the names in one line of a byline to ``names``; False once a role ends them."""
    splitter = _NAME_SPLIT if commas else _NAME_SPLIT_NO_COMMA
    for part in splitter.split(_tidy(text, strict=strict)):
        if names and _CREDIT_PART.match(part):
            return False
        name = _balanced(_LEADING.sub("", part).strip(" .,:;-–—·•"))
        if strict:
            while name and _has_lowercase_word(name.split()[-1]):
                name = " ".join(name.split()[:-1])
        if not name or not any(ch.isalpha() for ch in name):
            continue
        if names and _is_degree(name):
            continue
        if (_is_role(name) and (names or strict)) or (strict and _has_lowercase_word(name)):
            if names:
                return False  # a role after the names: the rest is about them
            continue
        if len(name.split()) <= _MAX_NAME_WORDS and name not in names:
            names.append(name)
    return True


def clean_names(raw: str | None, *, strict: bool = True, commas: bool = True) -> list[str]:
    """A byline or an author field as a list of names.

    ``strict`` (for text read off the page) also reads each line of the byline on its
    own, cuts at a date, drops job titles, other people's credits ("Edited by") and
    trailing lower-case words, and gives nothing for text too long to be a byline.
    ``commas=False`` keeps "Roe, Jane" as one name.
    """
    if not raw or (strict and len(raw) > _MAX_BYLINE_CHARS):
        return []
    raw = _WITH.sub(r"; \1", raw)
    names: list[str] = []
    for line in raw.splitlines() if strict else [raw]:
        if names and _OTHER_CREDIT.match(line):
            break
        if not _names_in(line, strict=strict, commas=commas, names=names):
            break
    return names


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "www."))


def meta_authors(meta: MetaTags) -> list[str]:
    """Names from the author meta tags; a key given once per author ("Roe, Jane" twice)
    is taken one name per value, without splitting at commas."""
    for key in AUTHOR_KEYS:
        values = [v for v in meta.get(key, []) if not _is_url(v)]
        one_each = len(values) > 1
        names = [
            n for value in values for n in clean_names(value, strict=False, commas=not one_each)
        ]
        if names:
            return list(dict.fromkeys(names))
    return []


def jsonld_authors(article: JsonObject | None) -> list[str]:
    if article is None:
        return []
    raw = names_of(article.get("author")) or names_of(article.get("creator"))
    names = [n for value in raw if not _is_url(value) for n in clean_names(value, strict=False)]
    return list(dict.fromkeys(names))


def _is_candidate(element: lxml_html.HtmlElement) -> bool:
    if element.tag in {"meta", "link", "script", "style", "img", "body", "html"}:
        return False
    if _NOT_BYLINE.search(element.get("class") or ""):
        return False
    for node in element.iterancestors():
        if node.tag == "body":
            break
        if _NOT_INSIDE.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return False
    return True


#: Inside a byline, the elements that hold one name each (``<a rel=author>``, ``fn``).
_NAME_XPATH = (
    ".//*[@itemprop='name' or contains(@rel, 'author') or contains(@class, 'name')"
    " or contains(@class, 'uthor') or contains(@class, 'autor') or contains(@class, 'fn')]"
)


@dataclass(frozen=True)
class Byline:
    """The page's byline: its text (lines kept) and the names read from it."""

    text: str
    names: list[str]


def _byline_names(element: lxml_html.HtmlElement) -> list[str]:
    """The names in a byline: from its name elements where it marks them (every co-author
    linked, no title beside them), else from its text."""
    names: list[str] = []
    for part in element.xpath(_NAME_XPATH):
        for name in clean_names(part.text_content()):
            if name not in names:
                names.append(name)
    return names or clean_names(element.text_content())


def find_byline(tree: lxml_html.HtmlElement) -> Byline | None:
    """The page's byline: the first element marked as one that reads as names."""
    for element in tree.xpath(_BYLINE_XPATH):
        if _is_candidate(element) and (names := _byline_names(element)):
            return Byline(text=element.text_content().strip(), names=names)
    return None


def page_authors(
    meta: MetaTags, article: JsonObject | None, byline_names: list[str]
) -> tuple[str, ...]:
    """The article's authors, from the most careful source that names any."""
    for names in (jsonld_authors(article), meta_authors(meta), byline_names):
        if names:
            return tuple(names)
    return ()
