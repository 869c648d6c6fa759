"""The desk's own static blog: post pages, bilingual views, index, archives, feed, sitemap."""

from foreigndesk.publish.site.builder import SiteTarget, build_site, render_post_html
from foreigndesk.publish.site.plugin import foreigndesk_publish_targets
from foreigndesk.publish.site.workers import forked_rendering

__all__ = [
    "SiteTarget",
    "build_site",
    "foreigndesk_publish_targets",
    "forked_rendering",
    "render_post_html",
]
