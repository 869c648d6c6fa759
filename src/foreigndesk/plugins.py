"""The plugin manager: loads every plugin of the ``foreigndesk`` entry-point group."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, TypeVar

import pluggy

from foreigndesk import hookspecs
from foreigndesk.errors import DeskError

if TYPE_CHECKING:
    from foreigndesk.publish.target import PublishTarget
    from foreigndesk.translate.engine import EngineSpec


T = TypeVar("T")


@cache
def plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints(hookspecs.PROJECT)
    return manager


def _by_name(groups: list[list[T]], kind: str) -> dict[str, T]:
    found: dict[str, T] = {}
    for group in groups:
        for item in group:
            name = getattr(item, "name")  # noqa: B009 - both protocols declare it
            if name in found:
                raise DeskError(f"two plugins provide the {kind} {name!r} — uninstall one")
            found[name] = item
    return found


def engine_specs() -> dict[str, EngineSpec]:
    return _by_name(plugin_manager().hook.foreigndesk_engines(), "engine")


def publish_targets() -> dict[str, PublishTarget]:
    return _by_name(plugin_manager().hook.foreigndesk_publish_targets(), "publish target")
