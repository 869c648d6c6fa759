"""Registers the static site as a publish target, the way any plugin would."""

from __future__ import annotations

from foreigndesk.hookspecs import hookimpl
from foreigndesk.publish.target import PublishTarget


@hookimpl
def foreigndesk_publish_targets() -> list[PublishTarget]:
    from foreigndesk.publish.site.builder import SiteTarget

    return [SiteTarget()]
