"""Small neutral pages written for the tests: one page shape each, built from parts.

The text is the project's own (a harbour, a bakery, a library); no page here is copied
from a real site. ``page`` wraps a head and a body into a whole document; ``PROSE`` and
``PROSE_JA`` give an article body long enough for the extractor to take it as one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from foreigndesk.extract import extract_article
from foreigndesk.models import ExtractedArticle

FETCHED_AT = datetime(2024, 12, 2, 12, 0, tzinfo=UTC)

PROSE = "\n".join(
    f"<p>{text}</p>"
    for text in (
        "The harbour master opens the lock gates an hour before high tide, and the fishing"
        " boats come in one by one while the gulls circle above the quay.",
        "Most of the crews have worked these waters for thirty years or more, and they"
        " know every sandbank by the colour of the water above it.",
        "In winter the market hall opens at five, and the first buyers arrive from the"
        " inland towns before the sun is up over the breakwater.",
        "The town council has promised to repair the old crane this spring, a job that"
        " the harbour has been waiting for since the storm three years ago.",
    )
)
PROSE_JA = "\n".join(
    f"<p>{text}</p>"
    for text in (
        "港の朝は早い。満潮の一時間前に水門が開き、漁船が一隻ずつ岸壁に戻ってくる。"
        "カモメが空を回り、市場の明かりがともる。",
        "漁師の多くは三十年以上この海で働いてきた。水の色を見れば、どこに砂州があるかがわかるという。",
        "冬の市場は五時に開く。内陸の町から来る仲買人は、日が昇る前に防波堤の向こうから到着する。",
        "町議会は古いクレーンをこの春に修理すると約束した。三年前の嵐以来、港が待ち続けてきた工事だ。",
    )
)


def page(body: str, *, head: str = "", title: str = "Harbour Tides", lang: str = "en") -> bytes:
    """A whole page: ``head`` added to a ``<title>``, ``body`` as the ``<body>``."""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>{head}</head><body>{body}</body></html>"
    ).encode()


def extract(content: bytes, url: str = "https://harbour.test/tides.html") -> ExtractedArticle:
    return extract_article(content, url, fetched_at=FETCHED_AT)


def body_texts(article: ExtractedArticle) -> list[str]:
    return [block.text for block in article.blocks]
