"""The manifest: what the last build wrote, kept beside the output folder.

A page whose key is in the manifest unchanged (and whose folder was not emptied) is not
rendered again, so a rebuild's cost is mostly telling unchanged pages from changed ones.
Post pages make up most of a site and need no key of their own: a post's page shows the
post and its two neighbours' titles and slugs, and its bilingual view shows the post, so
the posts in the order they were built (slug, content hash, whether it has a bilingual
view) and the theme they were built with say which post pages are current. Every other
page (index, archives, feed, ...) has its key, by its path.

It is stored as one string, every field followed by a NUL, read with one ``split`` and
written with one ``join``: tens of thousands of fields take a few milliseconds where JSON
took several times as long. No path can hold a NUL: ``files.check_relative`` refuses it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

_MAGIC = "foreigndesk site manifest 1"
_FLAG = {True: "1", False: "0"}


@dataclass
class Manifest:
    #: The key of the theme and settings the post pages were built with.
    theme: str = ""
    #: The posts, newest first: each one's slug, content hash and whether it has a
    #: bilingual view.
    slugs: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    bilingual: list[bool] = field(default_factory=list)
    #: Every other page's key, by its path in the output folder.
    pages: dict[str, str] = field(default_factory=dict)


def manifest_path(root: Path) -> Path:
    return root.parent / f".{root.name}.foreigndesk-build"


def read_manifest(root: Path) -> Manifest:
    """What was built into the folder at ``root``; nothing when there is no manifest or
    when it was written for another folder (it was copied or moved along with it)."""
    try:
        text = manifest_path(root).read_text(encoding="utf-8", errors="surrogatepass")
    except (FileNotFoundError, UnicodeDecodeError):
        return Manifest()
    parts = text.split("\x00")
    if parts[:2] != [_MAGIC, str(root)] or len(parts) < 5 or not parts[3].isdigit():
        return Manifest()
    count = int(parts[3])
    start = 4 + 3 * count
    pages = parts[start:-1]  # the last NUL is followed by nothing
    if len(parts) < start + 1 or parts[-1] or len(pages) % 2:
        return Manifest()
    return Manifest(
        theme=parts[2],
        slugs=parts[4 : 4 + count],
        hashes=parts[4 + count : 4 + 2 * count],
        bilingual=[flag == "1" for flag in parts[4 + 2 * count : start]],
        pages=dict(zip(pages[::2], pages[1::2], strict=True)),
    )


def write_manifest(root: Path, built: Manifest) -> None:
    fields = itertools.chain(
        (_MAGIC, str(root), built.theme, str(len(built.slugs))),
        built.slugs,
        built.hashes,
        map(_FLAG.__getitem__, built.bilingual),
        itertools.chain.from_iterable(built.pages.items()),
    )
    path = manifest_path(root)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("\x00".join(fields) + "\x00", encoding="utf-8", errors="surrogatepass")
    os.replace(temporary, path)
    with contextlib.suppress(FileNotFoundError):  # the JSON manifest of earlier versions
        path.with_name(path.name + ".json").unlink()
