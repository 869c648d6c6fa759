"""foreigndesk: fetch foreign-language articles, translate them, publish them with attribution."""

from foreigndesk.errors import DeskError
from foreigndesk.models import Article, ArticleStatus, Block, BlockKind, Post, Source, Translation

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleStatus",
    "Block",
    "BlockKind",
    "DeskError",
    "Post",
    "Source",
    "Translation",
    "__version__",
]
