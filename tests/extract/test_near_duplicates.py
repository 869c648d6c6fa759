"""An edited syndicated copy is found as a near-duplicate; different articles are not.

The store's LSH index is built with ``NUM_PERM`` permutations and the configured Jaccard
threshold (0.8 by default); these tests check the signatures it will be fed, that they
are the ones earlier versions stored, and how the index is banded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from foreigndesk.extract import (
    NUM_PERM,
    NearDuplicateIndex,
    extract_article,
    near_duplicate_signature,
    signature_bytes,
    signature_from_bytes,
    signature_from_values,
    signature_values,
    similarity,
)
from foreigndesk.extract.lsh import BandedIndex, banding
from foreigndesk.extract.near_duplicates import shingles
from foreigndesk.models import Block, BlockKind

PAGES = Path(__file__).parents[1] / "data" / "extract"
THRESHOLD = 0.8


def blocks_of(name: str) -> tuple[Block, ...]:
    return extract_article((PAGES / name).read_bytes(), f"https://pages.test/{name}").blocks


def test_an_edited_syndicated_copy_is_a_near_duplicate() -> None:
    original = near_duplicate_signature(blocks_of("ferry-us.html"))
    copy = near_duplicate_signature(blocks_of("ferry-syndicated.html"))
    assert similarity(original, copy) >= THRESHOLD


def test_different_articles_are_not() -> None:
    ferry = near_duplicate_signature(blocks_of("ferry-us.html"))
    for other in ("allotment-gb.html", "bus-relative.html", "market-es.html"):
        assert similarity(ferry, near_duplicate_signature(blocks_of(other))) < 0.2


def test_an_lsh_index_finds_the_copy_and_only_the_copy() -> None:
    index: BandedIndex[str] = BandedIndex(THRESHOLD, NUM_PERM)
    for name in ("ferry-us.html", "allotment-gb.html", "market-es.html", "tea-ja-utf8.html"):
        index.insert(name, near_duplicate_signature(blocks_of(name)))
    found = index.query(near_duplicate_signature(blocks_of("ferry-syndicated.html")))
    assert found == {"ferry-us.html"}
    index.remove("ferry-us.html")
    assert index.query(near_duplicate_signature(blocks_of("ferry-syndicated.html"))) == set()
    with pytest.raises(ValueError, match="indexed already"):
        index.insert("market-es.html", near_duplicate_signature(blocks_of("market-es.html")))


def test_signatures_are_those_earlier_versions_stored() -> None:
    """Stored signatures stay comparable: these are the bytes datasketch 2.0's
    ``affine32`` MinHash gave (seed 1, 128 permutations) when the store kept them."""
    expected = {
        "ferry-us.html": "23aaa4c29caf6954610328bfd5ce7c1b9ac55784785d40daa0ca0e8dd6fbdb5d",
        "ferry-syndicated.html": "8d99276c46a69298b6da4c9710a7b71c540cbb68a0f303a08489c66428e30cad",
    }
    for name, digest in expected.items():
        data = signature_bytes(near_duplicate_signature(blocks_of(name)))
        assert hashlib.sha256(data).hexdigest() == digest
    empty = signature_bytes(near_duplicate_signature([]))
    assert hashlib.sha256(empty).hexdigest() == (
        "2d9ad807780d7e7ede906600643c4545703e12583de3b49e5b89109e7f713252"
    )


def test_the_banding_puts_the_step_of_its_curve_at_the_threshold() -> None:
    """The (bands, rows) that weigh missed and false candidates equally, as *Mining of
    Massive Datasets* derives them (and as datasketch's MinHashLSH chose them)."""
    assert banding(0.5, 128) == (25, 5)
    assert banding(0.8, 128) == (9, 13)
    assert banding(0.95, 128) == (3, 42)
    with pytest.raises(ValueError, match="between 0 and 1"):
        banding(1.0, 128)


def test_a_signature_survives_storage_as_integers() -> None:
    signature = near_duplicate_signature(blocks_of("tea-ja-utf8.html"))
    values = signature_values(signature)
    assert len(values) == NUM_PERM
    assert all(isinstance(v, int) for v in values)
    assert similarity(signature_from_values(values), signature) == 1.0
    with pytest.raises(ValueError, match="32-bit"):
        signature_from_values([1 << 32] * NUM_PERM)
    with pytest.raises(ValueError, match="128 values, not 2"):
        signature_from_values([1, 2])


def test_images_do_not_count_only_text_does() -> None:
    text = Block(BlockKind.PARAGRAPH, text="A ferry crosses the river every forty minutes.")
    with_image = (text, Block(BlockKind.IMAGE, src="https://img.test/a.jpg", credit="Photo: X"))
    assert similarity(near_duplicate_signature([text]), near_duplicate_signature(with_image)) == 1


def test_shingles_are_runs_of_words_or_of_cjk_characters() -> None:
    assert shingles("The Ferry crosses the river") == {
        "the ferry crosses",
        "ferry crosses the",
        "crosses the river",
    }
    assert shingles("駅前の茶屋") == {"駅 前 の", "前 の 茶", "の 茶 屋"}
    assert shingles("Hi") == {"hi"}


def test_a_signature_survives_storage_as_bytes() -> None:
    signature = near_duplicate_signature(blocks_of("ferry-us.html"))
    data = signature_bytes(signature)
    assert len(data) == NUM_PERM * 8
    assert similarity(signature_from_bytes(data), signature) == 1.0
    with pytest.raises(ValueError, match="a stored signature has 1024 bytes, not 3"):
        signature_from_bytes(b"abc")
    with pytest.raises(ValueError, match="32-bit"):
        signature_from_bytes(b"\xff" * (NUM_PERM * 8))


def test_the_desk_index_checks_each_candidate_against_the_threshold() -> None:
    ferry = near_duplicate_signature(blocks_of("ferry-us.html"))
    copy = near_duplicate_signature(blocks_of("ferry-syndicated.html"))
    index = NearDuplicateIndex(THRESHOLD)
    index.add(1, ferry)
    index.add(2, near_duplicate_signature(blocks_of("allotment-gb.html")))
    assert index.matches(copy) == [1]
    assert index.matches(ferry, exclude=1) == []
    index.add(1, ferry)  # adding again replaces, as re-extraction does
    assert len(index) == 2
    index.discard(1)
    assert 1 not in index
    assert index.matches(copy) == []
    # Above what LSH can band for, only the same wording matches.
    exact = NearDuplicateIndex(1.0)
    exact.add(1, ferry)
    assert exact.matches(copy) == []
    assert exact.matches(near_duplicate_signature(blocks_of("ferry-us.html"))) == [1]
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        NearDuplicateIndex(1.5)
