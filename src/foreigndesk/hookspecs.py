"""Every hook a plugin can implement, in one place.

Plugins are found through the ``foreigndesk`` entry-point group. The built-in engines and
publish targets register through these same hooks, so a new engine or target is one
module and one entry point, whoever writes it. docs/plugins.md documents each hook; a
test fails when one is missing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from foreigndesk.publish.target import PublishTarget
    from foreigndesk.translate.engine import EngineSpec

PROJECT = "foreigndesk"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def foreigndesk_engines() -> list[EngineSpec]:  # type: ignore[empty-body]
    """Translation engines this plugin provides, each with a unique ``name``."""


@hookspec
def foreigndesk_publish_targets() -> list[PublishTarget]:  # type: ignore[empty-body]
    """Publish targets this plugin provides, each with a unique ``name``."""
