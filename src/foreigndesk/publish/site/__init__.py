"""The desk's own static blog: post pages, bilingual views, index, archives, feed, sitemap."""

from foreigndesk.publish.site.builder import SiteTarget, build_site, render_post_html
from foreigndesk.publish.site.plugin import foreigndesk_publish_targets

__all__ = ["SiteTarget", "build_site", "foreigndesk_publish_targets", "render_post_html"]
