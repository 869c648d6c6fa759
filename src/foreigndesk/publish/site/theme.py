"""The site's theme: the user's templates folder over the default templates, compiled once.

A build reads every template's source anyway (they are part of every page's key), so the
compiled theme is kept for as long as those sources stay the same and a changed source
gives a new one. The compiled theme therefore never looks at template files while it
renders: Jinja's own reload check is a ``stat`` of each template a page uses, twice a
page, which cost a full build more than filling in the templates did.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from foreigndesk.config import Settings
from foreigndesk.publish.digest import digest
from foreigndesk.publish.document import domain, safe_href
from foreigndesk.publish.labels import labels_for

#: Bumped when the builder itself changes what it writes.
BUILDER_VERSION = "2"

#: By the user's templates folder: the digest of the theme's sources and its compilation.
_COMPILED: dict[str, tuple[str, Environment]] = {}
#: Loaders do not use the environment they are handed; this one only satisfies the call.
_BARE = Environment(autoescape=True)


def templates_dir(settings: Settings) -> Path | None:
    folder = settings.publish.site.templates_dir
    return (settings.root / folder) if folder else None


def _loader(user: Path | None) -> ChoiceLoader:
    loaders: list[Any] = [] if user is None else [FileSystemLoader(str(user))]
    loaders.append(PackageLoader("foreigndesk.publish.site", "templates"))
    return ChoiceLoader(loaders)


def _compile(loader: ChoiceLoader) -> Environment:
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # Pure functions of a URL, asked for the same URL on every page that lists its post.
    env.filters["domain"] = functools.lru_cache(maxsize=1 << 14)(domain)
    env.filters["safe_href"] = functools.lru_cache(maxsize=1 << 14)(safe_href)
    return env


class Theme:
    """The compiled templates, and the key of everything every page depends on: the
    templates' sources, the settings, and the words around the posts."""

    def __init__(self, settings: Settings) -> None:
        user = templates_dir(settings)
        loader = _loader(user)
        sources = [
            name + "\x1e" + loader.get_source(_BARE, name)[0]
            for name in sorted(loader.list_templates())
        ]
        compiled = digest(sources)
        known = _COMPILED.get(str(user))
        if known is None or known[0] != compiled:
            known = _COMPILED[str(user)] = (compiled, _compile(loader))
        self.env = known[1]
        self.key = digest(
            [
                BUILDER_VERSION,
                settings.model_dump_json(exclude={"publish": {"hatena", "wordpress", "hugo"}}),
                json.dumps(labels_for(settings.desk.target_lang), sort_keys=True),
                *sources,
            ]
        )


class Words(dict[str, str]):
    """The labels, as the templates see them: ``labels.home`` is found as an attribute.

    Jinja reads ``labels.home`` as an attribute first and as a key only when that fails;
    on a plain dict every one of the twenty-odd labels a page shows raised and caught an
    AttributeError. A label named like a dict method (``items``) is left to the method,
    as on a plain dict.
    """

    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__(labels)
        self.__dict__.update((k, v) for k, v in labels.items() if not hasattr(dict, k))


def style(settings: Settings) -> bytes:
    user = templates_dir(settings)
    if user is not None and (user / "style.css").is_file():
        return (user / "style.css").read_bytes()
    return (files("foreigndesk.publish.site") / "static" / "style.css").read_bytes()
