"""py3langid's model, loaded from an uncompressed copy kept in the user's cache folder.

py3langid ships its model as one LZMA-compressed NumPy archive: every process that
identifies a language (a run, each process of the pages pool, ``qa check``) spent about
half a second of CPU unpacking 68 MB before its first answer. The first load writes the
arrays out uncompressed, one ``.npy`` file each, under
``$XDG_CACHE_HOME/foreigndesk/`` (``~/.cache/foreigndesk/``), in a folder named for
the py3langid version and the model file's size and modification time, so an upgrade
gets a copy of its own. Later loads map the large table into memory instead of reading
it (the pool's processes share its pages) and take a few hundredths of a second.

The copy is only a cache: it is written to a temporary folder and renamed into place,
so a reader never sees half of one; a damaged copy is made again, and a folder that
cannot be written costs only the slow load (said at debug level).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: The model's arrays, as py3langid's ``load_model`` returns them, each in its own file.
_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
#: array's type code for each unsigned item size (the DFA is walked in plain Python,
#: where an ``array`` item is much faster to read than a NumPy one).
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def cache_root() -> Path:
    """The user's cache folder for foreigndesk (``$XDG_CACHE_HOME/foreigndesk``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "foreigndesk"


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE  # type: ignore[import-untyped]

    return Path(MODEL_DIR) / str(MODEL_FILE)


def _copy_folder(model: Path) -> Path:
    stat = model.stat()
    version = importlib.metadata.version("py3langid")
    return cache_root() / f"py3langid-{version}-{stat.st_size}-{stat.st_mtime_ns}"


def _as_array(values: np.ndarray) -> array[int]:
    result = array(_TYPECODES[values.dtype.itemsize])
    result.frombytes(np.ascontiguousarray(values).tobytes())
    return result


def _identifier(arrays: dict[str, np.ndarray], classes: list[str]) -> Any:
    from py3langid.langid import LanguageIdentifier

    return LanguageIdentifier(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        classes,
        _as_array(arrays["nextmove"]),
        np.asarray(arrays["out_feat"]).tolist(),
        norm_probs=False,
        tk_row=_as_array(arrays["nextmove_row"]),
    )


def _read_copy(folder: Path) -> Any:
    classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    arrays = {
        name: np.load(folder / f"{name}.npy", mmap_mode="r" if name == "ptc" else None)
        for name in _ARRAYS
    }
    return _identifier(arrays, classes)


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
        with contextlib.suppress(OSError):  # another process's copy came first: as good
            staging.rename(folder)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` (raw scores, as ``classify`` gives them), from
    the cached copy when there is one, making it otherwise."""
    from py3langid.langid import LanguageIdentifier

    model = _model_file()
    folder = _copy_folder(model)
    if folder.is_dir():
        try:
            return _read_copy(folder)
        except (OSError, ValueError, KeyError) as exc:
            logger.debug("the language model's copy in %s is damaged: %s", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)  # made again below
    try:
        if _write_copy(folder, model):
            return _read_copy(folder)
    except (OSError, ValueError, KeyError) as exc:
        logger.debug("no copy of the language model in %s: %s", folder, exc)
    return LanguageIdentifier.from_model_file(model, norm_probs=False)
