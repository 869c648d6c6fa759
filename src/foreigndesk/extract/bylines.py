"""The byline on the page: the element a template marks as one, or a line of text near
the headline that reads as one.

A marked byline is an element marked ``itemprop=author``, ``rel=author``, or with a class
naming a byline or an author. It is judged by its own element and its near context: the
containers between it and the article's own container (the nearest one that also holds
the headline), never the name of a container around the whole article. Blogger wraps
every post in ``widget Blog`` and Drupal marks a whole article ``node-promoted``, and
neither makes the post's byline someone else's; what does is a container of its own that
the headline is not in: a comment, a teaser card, a "related" list, a sidebar. The
article's byline follows its headline, so bylines after the headline are tried before any
above it (a sidebar that comes first in the source). Co-authors marked one element each
beside the first are read with it; a publisher named inside the byline
(``itemprop=publisher``) is not an author.

A byline in plain text has no mark (it neither is, holds nor sits inside a marked
element), only its shape: a short line near the headline that starts with a marker
(``By``, ``Von``, ``Par``, ``Por``, ``Di``, ``文：``, ``筆者：``, ``記者``) or puts one after
the name (``ジェーン・ロウ著:2024年11月16日``, ``홍길동 기자``), and reads as names. Such a
line is the article's own statement of who wrote it and when.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from lxml import html as lxml_html

from foreigndesk.extract.names import clean_names

#: "yline", "uthor" and "utor" catch byline, Byline, author, Author, autor and Autor.
_MARKS = (
    "@itemprop='author' or contains(@rel, 'author') or contains(@class, 'yline')"
    " or contains(@class, 'uthor') or contains(@class, 'autor') or contains(@class, 'Autor')"
)
_BYLINE_XPATH = f"//*[{_MARKS}]"
_FOLLOWING_XPATH = f"following::*[{_MARKS}]"
_PRECEDING_XPATH = f"preceding::*[{_MARKS}]"
#: An element that is, holds or sits in a marked byline: the template's, not the text's.
_MARKED_XPATH = f"boolean(ancestor-or-self::*[{_MARKS}] or descendant::*[{_MARKS}])"
#: Inside a byline, the elements that hold one name each (``<a rel=author>``, ``fn``).
_NAME_XPATH = (
    ".//*[@itemprop='name' or contains(@rel, 'author') or contains(@class, 'name')"
    " or contains(@class, 'uthor') or contains(@class, 'autor') or contains(@class, 'fn')]"
)
_PUBLISHER_XPATH = "ancestor-or-self::*[@itemprop='publisher']"
_SKIPPED_TAGS = frozenset({"meta", "link", "script", "style", "img", "body", "html"})
#: Class fragments of an element that mentions an author but is not the article's byline.
_NOT_BYLINE = re.compile(
    r"comment|bio|about|avatar|photo|image|img|thumb|follow|note|widget|social|share|"
    r"count|views|form|more|profile|related",
    re.I,
)
#: Class or id words of a near container whose bylines belong to someone else's text.
_NOT_NEAR_WORDS = frozenset({"promo", "promos", "widget", "widgets", "aside"})
_NOT_NEAR_PREFIXES = ("comment", "related", "recommend", "sidebar", "teaser", "reply")
_WORD = re.compile(r"[a-z0-9]+")
#: How many levels above a byline count as its near context where no headline is found.
NEAR_LEVELS = 2

#: A line that introduces names: ``By Jane Roe``, ``文：佐藤健``, ``記者 山田花子``.
_LEADING_MARK = re.compile(
    r"^\s*(?:(?:written|words|text|reporting)\s+by|by|von|par|por|di|door|av|texto?|autor"
    r"|auteur|autore|author|автор|текст)\s*[:：/|]?\s+\w"
    r"|^\s*(?:文|著|作者|筆者|記者|记者|著者|執筆|撰文|글|기자)\s*(?:[:：/／・=]|\s)\s*\w",
    re.I,
)
#: A line that puts the marker after the name: ``ジェーン・ロウ著：16/11/2024``, ``홍길동 기자``.
_TRAILING_MARK = re.compile(
    r"^\s*[^\s\d:：].{0,40}?(?:著|記者|记者|기자|特派員|특파원)\s*(?:[:：・|｜/／,，、=]|\s|$)"
)
_SENTENCE_END = re.compile(r"[.!?。！？]\s*$")
#: A byline is a short line: longer is prose that merely starts like one.
MAX_TEXT_BYLINE_CHARS = 120
_MAX_TEXT_BYLINE_WORDS = 14
#: How far past the headline a byline in plain text is looked for: elements, and
#: paragraphs of prose (a lead may come before the byline).
_LOOK_AHEAD = 60
_MAX_PROSE_BEFORE = 4
_PROSE_CHARS = 200
_TEXT_TAGS = frozenset({"p", "div", "span", "address", "small", "em", "i", "b", "strong", "li"})
_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "ul", "ol", "table", "blockquote"})
_HEADINGS = ("h1", "h2", "h3")


@dataclass(frozen=True)
class Byline:
    """A byline: its text (lines kept), the names read from it, and whether it is a line
    of the article's own text (``in_text``) rather than an element the template marks."""

    text: str
    names: list[str]
    in_text: bool = False


def _words(element: lxml_html.HtmlElement) -> list[str]:
    return _WORD.findall(f"{element.get('class') or ''} {element.get('id') or ''}".lower())


def _is_elsewhere(element: lxml_html.HtmlElement) -> bool:
    """Whether a container's own name says its bylines are someone else's (a comment,
    a teaser, a related list, a promo box)."""
    return any(
        word in _NOT_NEAR_WORDS or word.startswith(_NOT_NEAR_PREFIXES) for word in _words(element)
    )


def _is_candidate(
    element: lxml_html.HtmlElement, article: frozenset[lxml_html.HtmlElement]
) -> bool:
    """A marked element that can be the article's byline, judged by itself and its near
    context only: the containers between it and the article's own container (the
    nearest one that also holds the headline; ``article`` holds the headline's
    ancestors), or its parent and grandparent where no headline was found."""
    if element.tag in _SKIPPED_TAGS or _NOT_BYLINE.search(element.get("class") or ""):
        return False
    if element.xpath(_PUBLISHER_XPATH):
        return False
    for level, node in enumerate(element.iterancestors()):
        if node.tag == "body" or node in article:
            break
        if not article and level >= NEAR_LEVELS:
            break
        if _is_elsewhere(node):
            return False
    return True


def _text_without_publisher(element: lxml_html.HtmlElement) -> str:
    text = str(element.text_content())
    for publisher in element.xpath(".//*[@itemprop='publisher']"):
        text = text.replace(publisher.text_content(), " ")
    return text


def _byline_names(element: lxml_html.HtmlElement) -> list[str]:
    """The names in a byline: from its name elements where it marks them (every co-author
    linked, no title beside them), else from its text."""
    names: list[str] = []
    for part in element.xpath(_NAME_XPATH):
        if part.xpath(_PUBLISHER_XPATH):
            continue
        for name in clean_names(_text_without_publisher(part)):
            if name not in names:
                names.append(name)
    return names or clean_names(_text_without_publisher(element))


def headline_element(
    tree: lxml_html.HtmlElement, title: str | None
) -> lxml_html.HtmlElement | None:
    """The element that shows the article's headline: a heading whose text is the title,
    else the first ``<h1>``."""
    wanted = " ".join((title or "").split()).casefold()
    first_h1 = None
    for heading in tree.iter(*_HEADINGS):
        text = " ".join(heading.text_content().split()).casefold()
        if wanted and text and (text == wanted or (len(text) > 8 and text in wanted)):
            return heading
        if first_h1 is None and heading.tag == "h1" and text:
            first_h1 = heading
    return first_h1


def _ordered_candidates(
    tree: lxml_html.HtmlElement, headline: lxml_html.HtmlElement | None
) -> list[lxml_html.HtmlElement]:
    """Marked elements, those after the headline first, each group in document order
    (two walks from the headline, no longer together than one walk of the page)."""
    if headline is None:
        return list(tree.xpath(_BYLINE_XPATH))
    return [*headline.xpath(_FOLLOWING_XPATH), *headline.xpath(_PRECEDING_XPATH)]


def _is_inside(element: lxml_html.HtmlElement, container: lxml_html.HtmlElement) -> bool:
    return any(node is container for node in element.iterancestors())


def marked_byline(
    tree: lxml_html.HtmlElement, headline: lxml_html.HtmlElement | None = None
) -> Byline | None:
    """The first marked element that reads as names, with the co-authors marked beside it."""
    candidates = _ordered_candidates(tree, headline)
    # The headline's ancestors, held (lxml keeps one proxy per node while it is referenced).
    article = frozenset(headline.iterancestors() if headline is not None else ())
    for index, element in enumerate(candidates):
        if not _is_candidate(element, article) or not (names := _byline_names(element)):
            continue
        parent = element.getparent()
        for other in candidates[index + 1 :]:
            beside = other.getparent() is parent and not _is_inside(other, element)
            if beside and _is_candidate(other, article):
                names.extend(n for n in _byline_names(other) if n not in names)
        return Byline(text=element.text_content().strip(), names=names)
    return None


def looks_like_byline(text: str) -> bool:
    """Whether a line of text has a byline's shape: short, not a sentence, with a marker
    before or after the name."""
    line = " ".join(text.split())
    if not line or len(line) > MAX_TEXT_BYLINE_CHARS or _SENTENCE_END.search(line):
        return False
    if len(line.split()) > _MAX_TEXT_BYLINE_WORDS:
        return False
    return has_byline_marker(line)


def has_byline_marker(text: str) -> bool:
    """Whether a line opens with a byline's marker ("By", "Von", "文：") or puts one
    after the name ("ジェーン・ロウ著"), whatever its length."""
    return bool(_LEADING_MARK.match(text) or _TRAILING_MARK.match(text))


def _has_block_children(element: lxml_html.HtmlElement) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in element)


def following(element: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """The elements after ``element`` in document order, lazily: XPath's ``following::``
    axis builds the whole rest of the page first, where only a few elements are read."""
    node: lxml_html.HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str):
                yield sibling
                yield from (d for d in sibling.iterdescendants() if isinstance(d.tag, str))
        node = node.getparent()


def text_byline(headline: lxml_html.HtmlElement | None) -> Byline | None:
    """A byline written as a plain line of text near the headline."""
    if headline is None:
        return None
    prose = 0
    for element in islice(following(headline), _LOOK_AHEAD):
        if element.tag not in _TEXT_TAGS or _has_block_children(element):
            continue
        text = " ".join(element.text_content().split())
        if len(text) >= _PROSE_CHARS:
            prose += 1
            if prose > _MAX_PROSE_BEFORE:
                return None
            continue
        unmarked = looks_like_byline(text) and not element.xpath(_MARKED_XPATH)
        if unmarked and (names := clean_names(text)):
            return Byline(text=text, names=names, in_text=True)
    return None
