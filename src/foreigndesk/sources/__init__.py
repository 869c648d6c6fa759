"""Where candidate articles come from: feeds, JSON Feeds, sitemaps, homepages, single URLs."""

from foreigndesk.sources.feed import Feed, FeedEntry, parse_feed
from foreigndesk.sources.read import SourceRead, read_source

__all__ = ["Feed", "FeedEntry", "SourceRead", "parse_feed", "read_source"]
