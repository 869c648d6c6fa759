"""py3langid's model, loaded from an uncompressed copy kept in the user's cache folder.

py3langid ships its model as one LZMA-compressed NumPy archive: every process that
identifies a language (a run, each process of the pages pool, the translation checks,
``qa check``) spent about half a second of CPU unpacking 68 MB before its first answer.
The first load writes the arrays out uncompressed, one ``.npy`` file each, under
``$XDG_CACHE_HOME/foreigndesk/`` (``~/.cache/foreigndesk/``), in a folder named for the
py3langid version and a digest of the model file, so an upgrade gets a copy of its own
(a copy no process has read for a month is removed when a new one is made). Later
loads map the two large tables into memory instead of reading them (processes share
their pages) and take a few hundredths of a second.

The copy is only a cache, and never the reason identification fails: it is written to a
temporary folder, flushed to disk and renamed into place, so a reader never sees half
of one; a damaged copy is made again, and anything else that goes wrong with it (no
home folder, a folder that cannot be written) costs only the slow load, said at debug
level.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: The model's arrays, as py3langid's ``load_model`` returns them, each in its own file.
_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
#: array's type code for each unsigned item size (the DFA is walked in plain Python,
#: where an item of an ``array`` or a ``memoryview`` is much faster to read than a NumPy
#: one).
_TYPECODES = {2: "H", 4: "I", 8: "L"}
#: The arrays mapped from the copy rather than read: the scores' table and the DFA's
#: transitions (28 and 39 MB; processes share their pages, and a load reads only what
#: the texts it identifies touch).
_MAPPED = frozenset({"ptc", "nextmove"})
#: A half-written copy older than this was left by a process that died while writing it.
_STALE_SECONDS = 3600.0
#: A copy nobody has read for this long belongs to a py3langid no longer in use.
_UNUSED_SECONDS = 30 * 24 * 3600.0


def cache_root() -> Path:
    """The user's cache folder for foreigndesk: ``$XDG_CACHE_HOME/foreigndesk`` when that
    is an absolute path (the XDG rule), else ``~/.cache/foreigndesk``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "foreigndesk"


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE  # type: ignore[import-untyped]

    return Path(MODEL_DIR) / str(MODEL_FILE)


def _copy_folder(model: Path) -> Path:
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    version = importlib.metadata.version("py3langid")
    return cache_root() / f"py3langid-{version}-{digest}"


def _as_items(values: np.ndarray) -> array[int] | memoryview:
    """``values`` as a sequence plain Python indexes fast: a view of the same memory
    where the layout allows (a mapped file stays mapped), else a copy."""
    if values.dtype.isnative and values.ndim == 1 and values.flags.c_contiguous:
        return values.data
    result = array(_TYPECODES[values.dtype.itemsize])
    result.frombytes(np.ascontiguousarray(values).tobytes())
    return result


def _read_copy(folder: Path, norm_probs: bool) -> Any:
    from py3langid.langid import LanguageIdentifier

    classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    arrays = {
        name: np.load(folder / f"{name}.npy", mmap_mode="r" if name in _MAPPED else None)
        for name in _ARRAYS
    }
    return LanguageIdentifier(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        classes,
        _as_items(arrays["nextmove"]),
        np.asarray(arrays["out_feat"]).tolist(),
        norm_probs=norm_probs,
        tk_row=_as_items(arrays["nextmove_row"]),
    )


def _flushed(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _write_copy(folder: Path, model: Path) -> bool:
    """Unpack ``model`` into ``folder``, atomically; False when the archive does not hold
    the arrays expected."""
    import lzma

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder.parent))
    try:
        unpacked = staging / "model.npz"  # a zip archive is read by seeking: unpack first
        with lzma.open(model) as packed, unpacked.open("wb") as out:
            shutil.copyfileobj(packed, out, length=1 << 20)
        with np.load(unpacked, allow_pickle=False) as data:
            if not {*_ARRAYS, "classes"} <= set(data.files):
                return False
            for name in _ARRAYS:
                np.save(staging / f"{name}.npy", data[name])
            classes = [str(c) for c in data["classes"].tolist()]
        unpacked.unlink()
        (staging / "classes.json").write_text(json.dumps(classes), encoding="utf-8")
        for path in staging.iterdir():
            _flushed(path)
        with contextlib.suppress(OSError):  # another process's copy came first: as good
            staging.rename(folder)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_others(folder: Path) -> None:
    """Remove the copies no process has read for a month (another py3langid's: one in
    use elsewhere is read, and so kept), and half-written copies left behind."""
    now = time.time()
    for other in folder.parent.iterdir():
        if other.name.startswith("py3langid-") and other != folder:
            age = _UNUSED_SECONDS
        elif other.name.startswith(".unpacking-"):
            age = _STALE_SECONDS
        else:
            continue
        with contextlib.suppress(OSError):
            if now - other.stat().st_mtime > age:
                shutil.rmtree(other, ignore_errors=True)


def _from_copy(model: Path, norm_probs: bool) -> Any:
    """The identifier from the cached copy, made first when there is none."""
    folder = _copy_folder(model)
    if folder.is_dir():
        try:
            identifier = _read_copy(folder, norm_probs)
            with contextlib.suppress(OSError):
                os.utime(folder)  # read: in use, not to be removed (_remove_others)
            return identifier
        except Exception as exc:  # whatever is wrong with it, it is made again
            logger.debug("the language model's copy in %s is damaged: %s", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    if not _write_copy(folder, model):
        return None
    _remove_others(folder)
    return _read_copy(folder, norm_probs)


def load_identifier(*, norm_probs: bool = False) -> Any:
    """py3langid's ``LanguageIdentifier`` (raw scores, or probabilities with
    ``norm_probs``), from the cached copy when it can be, else from the shipped model."""
    from py3langid.langid import LanguageIdentifier

    model = _model_file()
    try:
        identifier = _from_copy(model, norm_probs)
    except Exception as exc:  # a cache must never stop identification
        logger.debug("the language model is loaded without its cached copy: %s", exc)
        identifier = None
    if identifier is None:
        identifier = LanguageIdentifier.from_model_file(model, norm_probs=norm_probs)
    return identifier


_loading = threading.Lock()


def shared_identifier(*, norm_probs: bool = False) -> Any:
    """The process's identifier (raw scores, or probabilities with ``norm_probs``), loaded
    once: extraction and the checks of several articles ask from threads at once, and
    each loading its own (about 80 MB) took a run past 500 MB; a thread asking while it
    loads waits for it."""
    with _loading:
        return _shared(norm_probs)


@lru_cache(maxsize=2)
def _shared(norm_probs: bool) -> Any:
    return load_identifier(norm_probs=norm_probs)
