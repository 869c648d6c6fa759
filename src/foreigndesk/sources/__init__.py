"""Where candidate articles come from: feeds (and, later, sitemaps and single URLs)."""

from foreigndesk.sources.feed import Feed, FeedEntry, parse_feed

__all__ = ["Feed", "FeedEntry", "parse_feed"]
