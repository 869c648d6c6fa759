# ruff: noqa: S105, S311 (token names, not secrets; seeded data, not cryptography)
"""Build the two toy Argos Translate packages the Argos engine's tests install.

    python scripts/build_argos_test_models.py tests/data/argos

Argos's own models come from its online index, which neither the desk's machines nor CI
can reach, so the tests use packages made here from nothing but code: a neutral word list
written for this project (below), a SentencePiece model trained on sentences drawn from
it, a tiny Marian Transformer (Hugging Face ``transformers``) trained for a few minutes on
the CPU to map each word to its partner word and copy the desk's ``⟦n⟧`` placeholders,
converted with CTranslate2's converter and zipped in Argos's package layout
(``metadata.json``, ``model/``, ``sentencepiece.model``). The output is a word-for-word
substitution in the word order of the input: enough to drive the real Argos runtime end
to end, and not a translation anyone should read.

Needs, beside the ``argos`` extra: ``pip install torch==2.13.0 transformers`` (the pinned
torch is the CPU build; see docs/plugins.md). The result is deterministic up to torch's
own floating-point nondeterminism; the committed packages are the ones the tests expect.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import ctranslate2  # type: ignore[import-not-found, unused-ignore]
import sentencepiece as spm  # type: ignore[import-not-found, unused-ignore]
import torch  # type: ignore[import-not-found, unused-ignore]
from ctranslate2.converters.transformers import (  # type: ignore[import-not-found, unused-ignore]
    MarianMTLoader,
)
from transformers import MarianConfig, MarianMTModel  # type: ignore[import-not-found, unused-ignore]

# A small English–Spanish word list; each side maps one-to-one onto the other.
LEXICON = {
    "the": "el",
    "a": "un",
    "river": "río",
    "city": "ciudad",
    "harbour": "puerto",
    "bridge": "puente",
    "library": "biblioteca",
    "garden": "jardín",
    "market": "mercado",
    "train": "tren",
    "school": "escuela",
    "road": "camino",
    "water": "agua",
    "rain": "lluvia",
    "summer": "verano",
    "winter": "invierno",
    "morning": "mañana",
    "evening": "tarde",
    "people": "gente",
    "children": "niños",
    "teacher": "maestro",
    "farmer": "granjero",
    "council": "consejo",
    "report": "informe",
    "plan": "plan",
    "map": "mapa",
    "new": "nuevo",
    "old": "viejo",
    "small": "pequeño",
    "large": "grande",
    "green": "verde",
    "quiet": "tranquilo",
    "open": "abierto",
    "builds": "construye",
    "opens": "abre",
    "reads": "lee",
    "visits": "visita",
    "protects": "protege",
    "crosses": "cruza",
    "shows": "muestra",
    "near": "cerca",
    "under": "bajo",
    "and": "y",
    "with": "con",
    "in": "en",
    "of": "de",
    "every": "cada",
    "today": "hoy",
    ".": ".",
    ",": ",",
}
PLACEHOLDER_NUMBERS = range(1, 6)
SENTENCES = 6000
STEPS = 1500
SEED = 20261204


def placeholders() -> list[str]:
    return [f"⟦{n}⟧" for n in PLACEHOLDER_NUMBERS] + [f"⟦/{n}⟧" for n in PLACEHOLDER_NUMBERS]


def sentence_pair(rng: random.Random, lexicon: dict[str, str]) -> tuple[str, str]:
    """Random words and their partners, with up to two marked spans copied across."""
    words = [w for w in lexicon if w not in {".", ","}]
    source = [rng.choice(words) for _ in range(rng.randint(2, 10))]
    target = [lexicon[w] for w in source]
    spans = rng.choice([0, 1, 1, 2])
    numbers = iter(rng.sample(list(PLACEHOLDER_NUMBERS), 2))
    starts = sorted(rng.sample(range(len(source)), min(spans, len(source))), reverse=True)
    for start in starts:
        end = min(len(source), start + rng.randint(1, 3))
        number = next(numbers)
        for side in (source, target):
            side.insert(end, f"⟦/{number}⟧")
            side.insert(start, f"⟦{number}⟧")
    if rng.random() < 0.7:
        source.append(".")
        target.append(".")

    def join(tokens: list[str]) -> str:
        text = " ".join(tokens)
        for mark in (" .", " ,"):
            text = text.replace(mark, mark.strip())
        # Placeholders hug the words they wrap, as the desk's masking leaves them.
        for n in PLACEHOLDER_NUMBERS:
            text = text.replace(f"⟦{n}⟧ ", f"⟦{n}⟧").replace(f" ⟦/{n}⟧", f"⟦/{n}⟧")
        return text[0].upper() + text[1:] if rng.random() < 0.5 else text

    return join(source), join(target)


def train_sentencepiece(texts: list[str], prefix: Path) -> spm.SentencePieceProcessor:
    corpus = prefix.with_suffix(".txt")
    corpus.write_text("\n".join(texts), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=200,
        model_type="unigram",
        character_coverage=1.0,
        user_defined_symbols=placeholders(),
        unk_id=1,
        eos_id=0,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_file=str(prefix.with_suffix(".model")))


class _Vocabulary:
    """What CTranslate2's Marian loader asks of a Hugging Face tokenizer."""

    eos_token = "</s>"
    unk_token = "<unk>"

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces

    def get_vocab(self) -> dict[str, int]:
        return {piece: index for index, piece in enumerate(self.pieces)}


def train_model(pairs: list[tuple[str, str]], sp: spm.SentencePieceProcessor) -> Any:
    size = sp.get_piece_size()
    pad = size  # Marian's <pad>, after the SentencePiece pieces; also the decoder start
    config = MarianConfig(
        vocab_size=size + 1,
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=128,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.0,
    )
    torch.manual_seed(SEED)
    model = MarianMTModel(config)
    # Argos feeds the source pieces without an end mark, so the model is trained that way.
    encoded = [(sp.encode(s), [*sp.encode(t), 0]) for s, t in pairs]
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = random.Random(SEED)
    model.train()
    for step in range(STEPS):
        batch = rng.sample(encoded, 64)
        src_len = max(len(s) for s, _ in batch)
        tgt_len = max(len(t) for _, t in batch)
        input_ids = torch.tensor([s + [pad] * (src_len - len(s)) for s, _ in batch])
        labels = torch.tensor([t + [-100] * (tgt_len - len(t)) for _, t in batch])
        loss = model(
            input_ids=input_ids, attention_mask=(input_ids != pad).long(), labels=labels
        ).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        if step % 250 == 0:
            print(f"step {step}: loss {loss.item():.4f}", file=sys.stderr)
    model.eval()
    return model


def build_package(
    out_dir: Path, source: str, target: str, names: tuple[str, str], lexicon: dict[str, str]
) -> Path:
    rng = random.Random(f"{SEED}-{source}-{target}")
    pairs = [sentence_pair(rng, lexicon) for _ in range(SENTENCES)]
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        name = f"translate-{source}_{target}-toy"
        root = scratch / name
        root.mkdir()
        sp = train_sentencepiece([text for pair in pairs for text in pair], scratch / "sp")
        shutil.copy(scratch / "sp.model", root / "sentencepiece.model")
        model = train_model(pairs, sp)
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())] + ["<pad>"]
        with torch.no_grad():
            spec = MarianMTLoader()(model, _Vocabulary(pieces))
        spec.validate()
        spec.optimize(quantization="int8")
        (root / "model").mkdir()
        spec.save(str(root / "model"))
        metadata = {
            "package_version": "0.1",
            "argos_version": "1.11",
            "from_code": source,
            "from_name": names[0],
            "to_code": target,
            "to_name": names[1],
            "type": "translate",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
        (root / "README.md").write_text(
            f"A toy {source}→{target} model for foreigndesk's tests, made by "
            "scripts/build_argos_test_models.py: word-for-word substitution over a "
            "50-word list. Not a translation model.\n"
        )
        check = ctranslate2.Translator(str(root / "model"))
        sample_source, sample_target = pairs[0]
        result = check.translate_batch([sp.encode(sample_source, out_type=str)])
        print(
            f"{source}→{target}: {sample_source!r} → "
            f"{sp.decode(result[0].hypotheses[0])!r} (trained on {sample_target!r})",
            file=sys.stderr,
        )
        archive = out_dir / f"{name}.argosmodel"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(scratch))
    return archive


def main() -> None:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/argos")
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(2)
    reverse = {v: k for k, v in LEXICON.items()}
    for source, target, names, lexicon in (
        ("en", "es", ("English", "Spanish"), LEXICON),
        ("es", "en", ("Spanish", "English"), reverse),
    ):
        archive = build_package(out_dir, source, target, names, lexicon)
        print(f"{archive} ({archive.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
