"""Argos Translate's packages, run offline; an optional extra (``foreigndesk[argos]``).

Each installed Argos package (an ``.argosmodel`` zip: ``metadata.json``, a CTranslate2
model in ``model/``, a SentencePiece or BPE tokenizer) gives one language pair. Packages
are installed from local files only (``foreigndesk engines install-argos FILE``): the
desk never reaches Argos's online index.

The engine reads the packages itself and does not import the ``argostranslate`` library:
all a package needs at run time is CTranslate2 and its tokenizer (``sentencepiece``, or
``sacremoses`` and ``subword-nmt`` for the older BPE packages), while the library also
pulls in PyTorch (754 MB alone), spaCy and stanza for sentence splitting the desk does
itself. The tokenizers and decoding options below are the ones Argos Translate 1.11 uses,
so a package translates as it does under Argos (``_SentencePieceTokenizer`` says where
the output differs, and why).

A batch is one CTranslate2 call: every segment is cut into sentences, all sentences of
the batch are tokenized with the package's tokenizer and translated together, and each
segment's sentences are joined back. The sentences are cut by the desk's own splitter,
not Argos's: its detectors (MiniSBD, stanza, spaCy) are heavy, and download a model at
run time when the package does not carry one, which an offline desk cannot do. Inference
is CPU-bound and runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Literal, Protocol

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError, EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary
from foreigndesk.translate.segment import sentences

# What the engine imports, by import name: the ``argos`` extra installs them.
_RUNTIME = ("ctranslate2", "sentencepiece")
_BPE_RUNTIME = ("sacremoses", "subword_nmt")


def _missing_extra(modules: Sequence[str]) -> str:
    return f"the argos engine needs {' and '.join(modules)} — pip install 'foreigndesk[argos]'"


@dataclass(frozen=True)
class ArgosPackage:
    """An installed package as the engine sees it: its pair and where it lives."""

    source: str
    target: str
    path: Path
    version: str


def default_packages_dir() -> Path:
    """Argos's own package folder (``ARGOS_PACKAGES_DIR`` or the XDG data folder)."""
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return Path(os.environ.get("ARGOS_PACKAGES_DIR") or data / "argos-translate" / "packages")


def _read_metadata(data: bytes, origin: str) -> dict[str, Any]:
    try:
        metadata = json.loads(data)
    except ValueError as exc:
        raise DeskError(f"{origin}: metadata.json is not JSON ({exc})") from None
    if not isinstance(metadata, dict):
        raise DeskError(f"{origin}: metadata.json is not an object")
    return metadata


def installed_packages(packages_dir: Path) -> list[ArgosPackage]:
    """The translation packages in ``packages_dir``, from each folder's ``metadata.json``.

    Folders without metadata, and packages of other types (Argos's sentence-boundary
    packages), are skipped; the first package for a pair wins, in name order.
    """
    found: list[ArgosPackage] = []
    if not packages_dir.is_dir():
        return found
    for folder in sorted(p for p in packages_dir.iterdir() if p.is_dir()):
        metadata_file = folder / "metadata.json"
        if not metadata_file.is_file():
            continue
        metadata = _read_metadata(metadata_file.read_bytes(), str(folder))
        source, target = metadata.get("from_code"), metadata.get("to_code")
        if metadata.get("type", "translate") != "translate" or not source or not target:
            continue
        found.append(
            ArgosPackage(str(source), str(target), folder, str(metadata.get("package_version")))
        )
    return found


def install_package(archive: Path, packages_dir: Path) -> ArgosPackage:
    """Install an ``.argosmodel`` file into ``packages_dir``; an older copy is replaced.

    The archive is checked before anything is written: a zip holding one top folder with
    a translation ``metadata.json``, a ``model/`` and a tokenizer, and no path that
    climbs out of the folder. It is unpacked beside its destination and moved into place
    in one rename, so a crash leaves the old package or the new one, never half of one.
    """
    if not archive.is_file():
        raise DeskError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise DeskError(f"{archive} is not an Argos package (.argosmodel is a zip archive)")
    with zipfile.ZipFile(archive) as zf:
        names = [PurePosixPath(n) for n in zf.namelist()]
        tops = {n.parts[0] for n in names if n.parts}
        if len(tops) != 1 or any(n.is_absolute() or ".." in n.parts for n in names):
            raise DeskError(f"{archive}: an Argos package holds exactly one top folder")
        top = tops.pop()
        members = {str(n.relative_to(top)) for n in names if len(n.parts) > 1}
        if "metadata.json" not in members:
            raise DeskError(f"{archive}: no metadata.json — not an Argos package")
        metadata = _read_metadata(zf.read(f"{top}/metadata.json"), str(archive))
        if metadata.get("type", "translate") != "translate":
            raise DeskError(f"{archive}: a {metadata.get('type')!r} package, not a translation")
        if not metadata.get("from_code") or not metadata.get("to_code"):
            raise DeskError(f"{archive}: metadata.json names no from_code and to_code")
        if "model/model.bin" not in members or not ({"sentencepiece.model", "bpe.model"} & members):
            raise DeskError(f"{archive}: needs model/model.bin and a tokenizer model")
        packages_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=packages_dir))
        try:
            zf.extractall(staging)
            destination = packages_dir / top
            if destination.exists():
                old = packages_dir / f".replaced-{top}"
                shutil.rmtree(old, ignore_errors=True)
                destination.rename(old)
                (staging / top).rename(destination)
                shutil.rmtree(old)
            else:
                (staging / top).rename(destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return ArgosPackage(
        str(metadata["from_code"]),
        str(metadata["to_code"]),
        destination,
        str(metadata.get("package_version")),
    )


class _Tokenizer(Protocol):
    """A package's tokenizer: a sentence to the model's tokens, the model's tokens to text."""

    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...


class _SentencePieceTokenizer:
    """The tokenizer of a package with ``sentencepiece.model``: most Argos packages.

    Decoding is SentencePiece's own (``decode_pieces``), which also turns byte-fallback
    pieces back into the characters they spell; a plain join of the pieces would not. A
    piece the model does not know comes back verbatim, word marker (U+2581) included, so
    a marker left over is made a space, as Argos does. Argos 1.11 also makes every ``_``
    a space, which loses real underscores (``snake_case``, ``__init__``): not done here.
    """

    def __init__(self, model: Path) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model))

    def encode(self, sentence: str) -> list[str]:
        return list(self._processor.encode(sentence, out_type=str))

    def decode(self, tokens: list[str]) -> str:
        return str(self._processor.decode_pieces(tokens)).replace("\u2581", " ")


class _BpeTokenizer:
    """The tokenizer of a package with ``bpe.model``: older packages, made from OPUS-MT models.

    Such a model was trained on Moses-tokenized text cut by subword-nmt's BPE, so the
    input goes through the same steps, with the libraries Argos uses for them: sacremoses'
    Moses punctuation normalizer and tokenizer for the source language, then subword-nmt's
    ``BPE`` with the package's codes, which marks a unit continued by the next one with
    ``@@``. Decoding joins the marked units back into words and detokenizes them by the
    Moses rules of the target language. Both libraries are pure Python and small.
    """

    _JOIN = "@@ "

    def __init__(self, codes: Path, source: str, target: str) -> None:
        from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
        from subword_nmt.apply_bpe import BPE

        self._normalizer = MosesPunctNormalizer(source)
        self._tokenizer = MosesTokenizer(source)
        self._detokenizer = MosesDetokenizer(target)
        with codes.open(encoding="utf-8") as lines:
            self._bpe = BPE(lines)

    def encode(self, sentence: str) -> list[str]:
        words = self._tokenizer.tokenize(self._normalizer.normalize(sentence))
        return list(self._bpe.segment_tokens(words))

    def decode(self, tokens: list[str]) -> str:
        words = " ".join(tokens).replace(self._JOIN, "").split(" ")
        return str(self._detokenizer.detokenize(words))


def _open_tokenizer(package: ArgosPackage) -> _Tokenizer:
    """The package's tokenizer; SentencePiece first when a package carries both, as in Argos."""
    sentencepiece_model = package.path / "sentencepiece.model"
    if sentencepiece_model.is_file():
        return _SentencePieceTokenizer(sentencepiece_model)
    bpe_codes = package.path / "bpe.model"
    if not bpe_codes.is_file():
        raise EngineError(
            f"argos package {package.path} has no sentencepiece.model or bpe.model — "
            "install it again: foreigndesk engines install-argos FILE.argosmodel"
        )
    missing = [m for m in _BPE_RUNTIME if importlib.util.find_spec(m) is None]
    if missing:
        raise EngineError(
            f"argos package {package.path.name} uses a BPE tokenizer, which needs "
            f"{' and '.join(missing)} — pip install 'foreigndesk[argos]'"
        )
    return _BpeTokenizer(bpe_codes, package.source, package.target)


class _Loaded:
    """One package's tokenizer, target prefix and CTranslate2 translator, loaded on first use.

    ``target_prefix`` is the token some multilingual packages put first in every output
    to name the target language (``metadata.json``'s ``target_prefix``; empty for most).
    """

    def __init__(self, tokenizer: _Tokenizer, target_prefix: str, translator: Any) -> None:
        self.tokenizer = tokenizer
        self.target_prefix = target_prefix
        self.translator = translator


class ArgosEngine:
    """The Argos engine as configured; see ``foreigndesk_engines`` for its registration."""

    name: ClassVar[str] = "argos"
    keeps_markup: ClassVar[bool] = False
    native_glossary: ClassVar[bool] = False
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "characters"
    # One CPU-bound translator per pair: calls queue rather than overlap.
    limits: ClassVar[EngineLimits] = EngineLimits(
        max_segments=64, max_chars=20_000, max_segment_chars=5_000, concurrency=1
    )

    def __init__(self, packages_dir: Path, threads: int = 0, beam_size: int = 4) -> None:
        self.packages_dir = packages_dir
        self.threads = threads
        self.beam_size = beam_size
        self._packages = {(p.source, p.target): p for p in installed_packages(packages_dir)}
        self._loaded: dict[tuple[str, str], _Loaded] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        missing = [m for m in _RUNTIME if importlib.util.find_spec(m) is None]
        if missing:
            raise EngineError(_missing_extra(missing))
        options = settings.translate.argos
        packages_dir = Path(options.packages_dir) if options.packages_dir else None
        return cls(packages_dir or default_packages_dir(), options.threads, options.beam_size)

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._packages)

    async def aclose(self) -> None:
        with self._lock:
            loaded, self._loaded = self._loaded, {}
        for item in loaded.values():
            item.translator.unload_model()

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        package = self._packages.get((source, target))
        if package is None:
            raise EngineError(
                f"argos has no {source}→{target} package installed — "
                "foreigndesk engines install-argos FILE.argosmodel"
            )
        if not segments:
            return EngineResult(segments=(), billed=0)
        texts = await asyncio.to_thread(self._translate_batch, package, list(segments))
        characters = sum(len(unescape(s)) for s in segments)
        return EngineResult(segments=tuple(texts), billed=characters)

    def _load(self, package: ArgosPackage) -> _Loaded:
        with self._lock:
            loaded = self._loaded.get((package.source, package.target))
            if loaded is not None:
                return loaded
            try:
                import ctranslate2
            except ImportError as exc:
                raise EngineError(_missing_extra(["ctranslate2"])) from exc
            try:
                metadata_file = package.path / "metadata.json"
                metadata = _read_metadata(metadata_file.read_bytes(), str(package.path))
                tokenizer = _open_tokenizer(package)
                translator = ctranslate2.Translator(
                    str(package.path / "model"),
                    device="cpu",
                    inter_threads=1,
                    intra_threads=self.threads,
                    compute_type="auto",
                )
            except EngineError:
                raise
            except ImportError as exc:
                raise EngineError(_missing_extra([exc.name or "sentencepiece"])) from exc
            except (OSError, RuntimeError, ValueError, DeskError) as exc:
                raise EngineError(f"argos package {package.path} does not load: {exc}") from exc
            loaded = _Loaded(tokenizer, str(metadata.get("target_prefix") or ""), translator)
            self._loaded[(package.source, package.target)] = loaded
            return loaded

    def _translate_batch(self, package: ArgosPackage, segments: list[str]) -> list[str]:
        loaded = self._load(package)
        tokenizer = loaded.tokenizer
        prefix = loaded.target_prefix
        owners: list[int] = []
        tokenized: list[list[str]] = []
        for index, segment in enumerate(segments):
            for sentence in sentences(segment):
                if sentence.strip():
                    owners.append(index)
                    tokenized.append(tokenizer.encode(sentence.strip()))
        try:
            results = loaded.translator.translate_batch(
                tokenized,
                target_prefix=[[prefix]] * len(tokenized) if prefix else None,
                replace_unknowns=True,
                max_batch_size=32,
                batch_type="examples",
                beam_size=self.beam_size,
                num_hypotheses=1,
                length_penalty=0.2,
            )
        except RuntimeError as exc:
            raise EngineError(f"argos failed: {exc}", engine_wide=False) from exc
        pieces: list[list[str]] = [[] for _ in segments]
        for owner, result in zip(owners, results, strict=True):
            tokens = result.hypotheses[0]
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            pieces[owner].extend(tokens)
        return [tokenizer.decode(tokens).strip() if tokens else "" for tokens in pieces]


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=ArgosEngine.name,
            create=ArgosEngine.from_settings,
            description="Argos Translate, neural and offline (packages from local "
            ".argosmodel files; pip install 'foreigndesk[argos]')",
            free=lambda _settings: True,
        )
    ]
