"""foreigndesk: fetch foreign-language articles, translate them, publish them with attribution."""

import logging

from foreigndesk.errors import DeskError
from foreigndesk.models import Article, ArticleStatus, Block, BlockKind, Post, Source, Translation

__version__ = "0.1.0"

# A library logs and never configures logging: without a handler of the application's, a
# warning would reach Python's last-resort handler and be printed beside the command's
# own error line for the same thing.
logging.getLogger(__name__).addHandler(logging.NullHandler())

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
