"""The desk's small HTML subset → Markdown (CommonMark) or Hatena syntax.

Hugo renders Markdown with raw HTML switched off by default, and a Hatena blog reads an
entry in its own syntax, so a post's HTML is converted rather than passed through. The
input is always the cleaned subset (sanitize.FRAGMENT_TAGS); text is escaped so nothing a
source wrote can become markup: in Markdown every punctuation mark that could open a
construct is backslash-escaped, in Hatena syntax it becomes a character reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from urllib.parse import quote

from lxml import html as lxml_html

from foreigndesk.publish.sanitize import clean_fragment, is_image_url, is_link_url

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")
_MD_LINE_START = re.compile(r"^(\s*)([-=>]|\d+[.)])", re.M)
_HATENA_SPECIAL = re.compile(r"[\[\]()*:<>&+\-|{}=]")


def _md_text(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split("\n")))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _md_url(url: str) -> str:
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _hatena_text(text: str) -> str:
    return _HATENA_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", " ".join(text.split("\n")))


class _Writer:
    """Walks the fragment's tree; ``text``, ``link``, ``emphasis`` say how to write inline."""

    def __init__(
        self,
        text: Callable[[str], str],
        link: Callable[[str, str], str],
        emphasis: Callable[[str, str], str],
        image: Callable[[str, str], str],
    ) -> None:
        self.text, self.link, self.emphasis, self.image = text, link, emphasis, image

    def inline(self, element: lxml_html.HtmlElement) -> str:
        out = [self.text(element.text or "")]
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "a":
                href = child.get("href", "")
                inner = self.inline(child)
                out.append(self.link(href, inner) if is_link_url(href) else inner)
            elif tag in ("em", "strong"):
                inner = self.inline(child)
                out.append(self.emphasis(tag, inner) if inner.strip() else inner)
            elif tag == "br":
                out.append(" ")
            elif tag == "img":
                src = child.get("src", "")
                if is_image_url(src):
                    out.append(self.image(src, child.get("alt", "")))
            elif tag:
                out.append(self.inline(child))
            out.append(self.text(child.tail or ""))
        return "".join(out).strip()


def _blocks(
    root: lxml_html.HtmlElement,
    writer: _Writer,
    heading: Callable[[int, str], str],
    quote_block: Callable[[list[str]], str],
    list_item: Callable[[bool, int, str], str],
) -> list[str]:
    out: list[str] = []
    for child in root:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            out.append(heading(int(tag[1]), writer.inline(child)))
        elif tag == "blockquote":
            inner = _blocks(child, writer, heading, quote_block, list_item)
            if not inner and writer.inline(child):
                inner = [writer.inline(child)]
            out.append(quote_block(inner))
        elif tag in ("ul", "ol"):
            items = [li for li in child if li.tag == "li"]
            out.append(
                "\n".join(
                    list_item(tag == "ol", n, writer.inline(li)) for n, li in enumerate(items, 1)
                )
            )
        elif tag == "figure":
            parts = []
            for img in child.iter("img"):
                src = img.get("src", "")
                if is_image_url(src):
                    parts.append(writer.image(src, img.get("alt", "")))
            for caption in child.iter("figcaption"):
                text = writer.inline(caption)
                if text:
                    parts.append(writer.emphasis("em", text))
            out.extend(p for p in parts if p)
        elif tag == "hr":
            out.append("----")
        elif tag == "dl":
            terms = []
            for item in child:
                text = writer.inline(item)
                if item.tag == "dt":
                    terms.append(writer.emphasis("strong", text))
                elif item.tag == "dd" and terms:
                    terms[-1] += ": " + text
            out.append("\n".join(list_item(False, 0, t) for t in terms))
        elif tag in ("div", "section", "footer", "header", "article"):
            out.extend(_blocks(child, writer, heading, quote_block, list_item))
        elif tag:
            text = writer.inline(child)
            if text:
                out.append(text)
    return [block for block in out if block.strip()]


def _parse(html: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(clean_fragment(html) or "<p></p>", create_parent="div")


def to_markdown(html: str) -> str:
    """CommonMark for the cleaned subset; raw HTML never appears in the output."""
    writer = _Writer(
        text=_md_text,
        link=lambda href, inner: f"[{inner}](<{_md_url(href)}>)",
        emphasis=lambda tag, inner: f"*{inner}*" if tag == "em" else f"**{inner}**",
        image=lambda src, alt: f"![{_md_text(alt)}](<{_md_url(src)}>)",
    )
    blocks = _blocks(
        _parse(html),
        writer,
        heading=lambda level, text: "#" * level + " " + text,
        quote_block=lambda inner: "\n>\n".join("> " + b.replace("\n", "\n> ") for b in inner),
        list_item=lambda ordered, n, text: (f"{n}. " if ordered else "- ") + text,
    )
    return "\n\n".join(blocks) + "\n"


def to_hatena(html: str) -> str:
    """Hatena syntax (はてな記法): ``*`` headings, ``-``/``+`` lists, ``>>``/``<<``
    quotes, ``[url:image]`` images; links and emphasis as the inline HTML it allows."""
    writer = _Writer(
        text=_hatena_text,
        link=lambda href, inner: f'<a href="{escape(href)}">{inner}</a>',
        emphasis=lambda tag, inner: f"<{tag}>{inner}</{tag}>",
        image=lambda src, alt: f"[{escape(src)}:image]",
    )
    blocks = _blocks(
        _parse(html),
        writer,
        # Hatena Blog's ``*`` is the entry's h3; the post's h2 maps onto it.
        heading=lambda level, text: "*" * max(level - 1, 1) + text,
        quote_block=lambda inner: ">>\n" + "\n\n".join(inner) + "\n<<",
        list_item=lambda ordered, n, text: ("+" if ordered else "-") + text,
    )
    return "\n\n".join(blocks) + "\n"
