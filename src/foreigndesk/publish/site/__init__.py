"""The desk's own static blog: post pages, an index and an Atom feed."""

from foreigndesk.publish.site.builder import SiteTarget, build_site
from foreigndesk.publish.site.plugin import foreigndesk_publish_targets

__all__ = ["SiteTarget", "build_site", "foreigndesk_publish_targets"]
