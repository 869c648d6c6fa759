"""Extraction: a page → an article of blocks, with its metadata, normalised."""

from foreigndesk.extract.article import content_hash, extract_article
from foreigndesk.extract.dates import parse_date

__all__ = ["content_hash", "extract_article", "parse_date"]
