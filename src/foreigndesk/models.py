"""The domain: what the desk takes in, what it makes of it, and what it publishes.

These types are plain dataclasses that import nothing of ours, so every stage can be a
pure function over them and the store is only one way of keeping them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class ArticleStatus(enum.StrEnum):
    """Where an article stands in the pipeline; each stage moves it one step on."""

    DISCOVERED = "discovered"
    FETCHED = "fetched"
    EXTRACTED = "extracted"
    #: Triage: its title and summary are translated; it waits for an editor to pick it.
    TRIAGED = "triaged"
    #: Triage: an editor or a rule decided it is not worth translating.
    DISMISSED = "dismissed"
    DUPLICATE = "duplicate"
    TRANSLATED = "translated"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    FAILED = "failed"


class BlockKind(enum.StrEnum):
    """The unit of translation, QA, review and the bilingual view."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    QUOTE = "quote"
    LIST_ITEM = "list_item"
    IMAGE = "image"
    CAPTION = "caption"
    TABLE = "table"
    CODE = "code"


#: Kinds whose text goes through a translation engine. An image's caption does too, but
#: it travels on the image block itself.
TRANSLATABLE_KINDS = frozenset(
    {BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.QUOTE, BlockKind.LIST_ITEM}
)


@dataclass(frozen=True)
class Source:
    """A subscription: where candidate articles come from and the terms they come under."""

    url: str
    lang: str
    license: str | None = None
    title: str | None = None
    id: int | None = None
    #: feed (RSS, Atom, JSON Feed), sitemap, url (one article), or auto until first read.
    kind: str = "auto"
    paused: bool = False
    engine: str | None = None
    #: A folder of the user's, as feed readers have them.
    category: str | None = None
    #: The user's own seconds between polls, over whatever the feed asks for.
    poll_every: int | None = None


@dataclass(frozen=True)
class Block:
    """One piece of an article, in document order.

    ``html`` holds the block's text with the small inline subset kept (links, emphasis);
    ``text`` is the same without markup. An image block carries its picture in ``src``,
    ``alt``, ``caption`` and ``credit``; the credit is never translated.
    """

    kind: BlockKind
    html: str = ""
    text: str = ""
    level: int = 0
    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    list_ordered: bool = False
    lang: str | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """What extraction makes of one page: the body as blocks, and who wrote it and when."""

    title: str
    blocks: tuple[Block, ...]
    authors: tuple[str, ...] = ()
    published: date | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    license: str | None = None
    description: str | None = None
    repeats: tuple[str, ...] = ()
    updated: date | None = None
    tags: tuple[str, ...] = ()
    extractor: str = "trafilatura"
    #: The codec the page was read with, and how many of its bytes it could not read
    #: (each became U+FFFD in the text: the original itself is damaged there).
    encoding: str = "utf-8"
    undecodable_bytes: int = 0


@dataclass(frozen=True)
class Article:
    """An article as the desk tracks it: the candidate URL, its status, and what is known."""

    id: int
    source_id: int
    url: str
    status: ArticleStatus
    source_lang: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    site_name: str | None = None
    license: str | None = None
    error: str | None = None
    lead: tuple[int, ...] | None = None
    blocks: tuple[Block, ...] = ()
    discovered_at: datetime | None = None
    tags: tuple[str, ...] = ()
    #: The editor's title template for this article's post; None uses post.title_template.
    title_template: str | None = None
    description: str | None = None
    #: Triage: the summary as the original reads, and title and summary translated.
    summary: str | None = None
    brief_title: str | None = None
    brief_summary: str | None = None
    #: Triage: picked for a full translation (by an editor or a rule), and why.
    picked: bool = False
    triage_reason: str | None = None


@dataclass(frozen=True)
class TranslatedBlock:
    """A block and its translation side by side; ``None`` for blocks that are not translated."""

    block: Block
    html: str | None
    caption: str | None = None


@dataclass(frozen=True)
class Translation:
    """An article in the target language, block by block, with how it was made."""

    article_id: int
    source_lang: str
    target_lang: str
    engine: str
    title: str
    blocks: tuple[TranslatedBlock, ...]
    human_edited: bool = False


@dataclass(frozen=True)
class Attribution:
    """Everything a post must say about the original: shown on every post, never dropped."""

    original_title: str
    original_lang: str
    url: str
    authors: tuple[str, ...]
    published: date | None
    site_name: str
    license: str | None
    engine: str
    human_edited: bool


@dataclass(frozen=True)
class Post:
    """A translated article ready for a publish target: composed once, rendered anywhere."""

    article_id: int
    slug: str
    title: str
    lang: str
    byline: str
    lead_html: str
    body_html: str
    attribution: Attribution
    published: date | None
    excerpt_only: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    #: (block kind, original HTML, translated HTML) for each block: the bilingual view.
    pairs: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    #: Digest of everything above, set when the post is composed or loaded: publish targets
    #: compare it to skip what did not change. Empty means "not known; compute it".
    content_hash: str = ""
    #: The folder of the source it came from (``source edit --category``), if any.
    category: str | None = None


@dataclass(frozen=True)
class MemoryEntry:
    """A translated segment in the translation memory, machine-made or an editor's."""

    key: str
    source_hash: str
    source_lang: str
    target_lang: str
    engine: str
    glossary_version: str
    source_text: str
    target_text: str
    origin: str = "machine"
    flags: tuple[str, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class NameOffer:
    """A name met in an article and not in the glossary, in the engine's spelling, for an
    editor to confirm (see translate/names.py)."""

    source_lang: str
    target_lang: str
    name: str
    spelling: str
    engine: str
    article_id: int | None = None


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """What a QA check found in one translated block; ``position`` None means the article.

    ``span`` is the (start, end) character range in the target text it is about.
    """

    check: str
    severity: Severity
    message: str
    position: int | None = None
    span: tuple[int, int] | None = None
    resolved: bool = False


@dataclass(frozen=True)
class Publication:
    """A post's life on one publish target: the target's own id and URL for it."""

    article_id: int
    target: str
    remote_id: str | None = None
    remote_url: str | None = None
    content_hash: str | None = None
    status: str = "pending"
    error: str | None = None
    attempts: int = 0
    published_at: datetime | None = None
