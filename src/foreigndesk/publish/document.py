"""A post as one self-contained HTML fragment, for targets that take a body and nothing else.

Hatena Blog, WordPress and the Markdown export have no place for the desk's own page
parts, so the fragment carries them: the source line, the lead, the byline, the body (or
the excerpt note), and the attribution footer. Attribution is never left behind because a
target has no field for it. The fragment is cleaned by nh3 again before it goes out.
"""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import urlsplit

from babel.dates import format_date

from foreigndesk.models import Post
from foreigndesk.publish.labels import labels_for
from foreigndesk.publish.sanitize import clean_fragment, is_link_url


def domain(url: str) -> str:
    return urlsplit(url).hostname or url


def safe_href(url: str) -> str:
    """The URL when it is http(s) or mailto; otherwise nothing (the link is dropped)."""
    return url if is_link_url(url) else ""


def long_date(value: date | None, locale: str) -> str:
    return format_date(value, format="long", locale=locale) if value else ""


def attribution_html(post: Post, locale: str) -> str:
    """The attribution footer as a definition list: original, authors, date, licence,
    engine, and whether an editor changed the translation."""
    a = post.attribution
    labels = labels_for(post.lang)
    href = escape(safe_href(a.url))
    site = f" ({escape(a.site_name)})" if a.site_name else ""
    rows = [
        (labels["original"], f'<a href="{href}">{escape(a.original_title)}</a>{site}'),
    ]
    if a.authors:
        rows.append((labels["by"], escape(", ".join(a.authors))))
    if a.published:
        rows.append((labels["published"], escape(long_date(a.published, locale))))
    rows.append((labels["license"], escape(a.license or labels["license_unknown"])))
    if a.engine:
        rows.append(
            (
                labels["translated_by"].format(engine=a.engine),
                labels["edited"] if a.human_edited else labels["not_edited"],
            )
        )
    else:  # an editor translated every block: no machine translation to name
        rows.append((labels["translated_by_editor"], labels["by_editor"]))
    items = "".join(f"<dt>{escape(term)}</dt><dd>{value}</dd>" for term, value in rows)
    return f"<dl>{items}</dl>"


def post_document_html(post: Post, locale: str) -> str:
    """Source line, lead, byline, body or excerpt note, attribution: one clean fragment."""
    labels = labels_for(post.lang)
    href = escape(safe_href(post.attribution.url))
    parts = [f'<p class="source"><a href="{href}">{escape(domain(post.attribution.url))}</a></p>']
    if post.lead_html:
        parts.append(post.lead_html)
    if post.byline:
        parts.append(f'<p class="byline">{escape(post.byline)}</p>')
    if post.excerpt_only:
        parts.append(
            f'<p class="excerpt-note">{escape(labels["excerpt"])}'
            f' <a href="{href}">{escape(labels["read_original"])}</a></p>'
        )
    elif post.body_html:
        parts.append("<hr>")
        parts.append(post.body_html)
    parts.append("<hr>")
    parts.append(attribution_html(post, locale))
    return clean_fragment("\n".join(parts))
