"""An approved translation → a Post in the desk's post format (see docs/post-format.md).

Pure: the article, its translation and the settings in; the post out. The title
template, the byline in the target locale, the lead, the body and the attribution are
all decided here, so every publish target shows the same post. Its HTML is cleaned by
nh3 here, before the post is stored or written anywhere, and it carries its digest so
targets can tell what changed without re-reading it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.models import Article, Attribution, BlockKind, Post, TranslatedBlock, Translation
from foreigndesk.publish.digest import post_digest
from foreigndesk.publish.html import render_blocks
from foreigndesk.publish.labels import labels_for
from foreigndesk.publish.licenses import allows_full_text
from foreigndesk.publish.sanitize import clean_fragment, plain
from foreigndesk.translate.glossary import Glossary

_NOT_SLUGS = frozenset({"index", "article", "post", "story", "amp", "default"})
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 64


def slugify(text: str, fallback: str) -> str:
    """ASCII, lower-case, hyphenated; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_UNSAFE.sub("-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or fallback


def slug_for(article: Article) -> str:
    """The post's slug: the ISO date, then the original URL's own slug or the title's.

    The original's slug is kept where it has one, so a post's address is stable even when
    an editor retitles it.
    """
    stem = PurePosixPath(urlsplit(article.url).path).stem
    from_url = slugify(stem, "") if stem.lower() not in _NOT_SLUGS else ""
    if not re.search(r"[a-z]{3}", from_url):
        from_url = ""
    slug = from_url or slugify(article.title or "", f"article-{article.id}")
    return f"{article.published.isoformat()}-{slug}" if article.published else slug


def _locale(settings: Settings) -> Locale:
    try:
        return Locale.parse(settings.desk.locale)
    except (ValueError, UnknownLocaleError) as exc:
        raise DeskError(
            f"desk.locale {settings.desk.locale!r} is not a known locale — use a form like ja_JP"
        ) from exc


def format_authors(authors: tuple[str, ...], locale: Locale) -> str:
    return format_list(list(authors), locale=locale) if authors else ""


def format_byline(authors: str, published: date | None, settings: Settings) -> str:
    template = settings.post.byline_template or labels_for(settings.desk.target_lang)["byline"]
    when = (
        format_date(published, format=settings.post.date_format, locale=_locale(settings))
        if published
        else ""
    )
    byline = template.format(author=authors, date=when)
    return byline.strip(" ·,:：著") if not (authors and when) else byline


def lead_positions(
    translation: Translation, chosen: tuple[int, ...] | None, rule: str
) -> list[int]:
    """The editor's pick, or the configured default: the last or first paragraph, or none."""
    if chosen is not None:
        return [p for p in chosen if 0 <= p < len(translation.blocks)]
    paragraphs = [
        i for i, item in enumerate(translation.blocks) if item.block.kind == BlockKind.PARAGRAPH
    ]
    if not paragraphs or rule == "none":
        return []
    return [paragraphs[0]] if rule == "first_paragraph" else [paragraphs[-1]]


def compose_post(
    article: Article,
    translation: Translation,
    settings: Settings,
    slug: str,
    *,
    glossary: Glossary | None = None,
) -> Post:
    """The post for an approved translation. Authors are spelled the glossary's way in the
    title and byline; the attribution keeps their names as the original gives them."""
    locale = _locale(settings)
    names = tuple(glossary.rename(a) for a in article.authors) if glossary else article.authors
    authors = format_authors(names, locale)
    title = settings.post.title_template.format(
        author=authors, title=translation.title, original_title=article.title or ""
    ).strip("⚡️ ")
    excerpt_only = not allows_full_text(article.license)
    lead = lead_positions(translation, article.lead, settings.post.lead)
    if excerpt_only and not lead:
        # An excerpt is the lead: without one the post would carry no text at all.
        lead = lead_positions(translation, None, "first_paragraph")
    pairs = tuple(
        (
            item.block.kind.value,
            clean_fragment(render_blocks([TranslatedBlock(block=item.block, html=None)])),
            clean_fragment(render_blocks([item])),
        )
        for item in translation.blocks
    )
    post = Post(
        article_id=article.id,
        slug=slug,
        title=plain(title),
        lang=translation.target_lang,
        byline=plain(format_byline(authors, article.published, settings)),
        lead_html=clean_fragment(render_blocks(translation.blocks[i] for i in lead)),
        body_html="" if excerpt_only else clean_fragment(render_blocks(translation.blocks)),
        attribution=Attribution(
            original_title=plain(article.title or article.url),
            original_lang=article.source_lang,
            url=article.url,
            authors=tuple(plain(a) for a in article.authors),
            published=article.published,
            site_name=plain(article.site_name or ""),
            license=article.license,
            engine=translation.engine,
            human_edited=translation.human_edited,
        ),
        published=article.published,
        excerpt_only=excerpt_only,
        pairs=() if excerpt_only else pairs,
    )
    return dataclasses.replace(post, content_hash=post_digest(post))
