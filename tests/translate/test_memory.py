"""Which stored translation wins: an editor's, then the preferred engine's."""

from __future__ import annotations

from datetime import UTC, datetime

from foreigndesk.translate.memory import choose, human_entry, machine_entry, memory_key


def test_the_key_depends_on_text_pair_engine_and_glossary() -> None:
    base = memory_key("Hello", "en", "ja", "deepl", "none")
    assert base == memory_key("Hello", "en", "ja", "deepl", "none")
    assert (
        len(
            {
                base,
                memory_key("Hello!", "en", "ja", "deepl", "none"),
                memory_key("Hello", "en", "es", "deepl", "none"),
                memory_key("Hello", "en", "ja", "google", "none"),
                memory_key("Hello", "en", "ja", "deepl", "abc"),
            }
        )
        == 5
    )


def test_a_human_entry_wins_over_every_machine_entry() -> None:
    machine = machine_entry("Hello", "こんにちは", "en", "ja", "deepl", "none")
    human = human_entry("Hello", "やあ", "en", "ja")
    assert choose([machine, human], ["deepl"], "none") == human


def test_the_latest_human_correction_wins() -> None:
    old = human_entry("Hello", "やあ", "en", "ja")
    new = human_entry("Hello", "どうも", "en", "ja")
    old = old.__class__(**{**old.__dict__, "updated_at": datetime(2024, 1, 1, tzinfo=UTC)})
    new = new.__class__(**{**new.__dict__, "updated_at": datetime(2024, 6, 1, tzinfo=UTC)})
    assert choose([new, old], [], "none") == new


def test_machine_entries_follow_the_engine_order_and_glossary_version() -> None:
    deepl = machine_entry("Hello", "A", "en", "ja", "deepl", "none")
    google = machine_entry("Hello", "B", "en", "ja", "google", "none")
    stale = machine_entry("Hello", "C", "en", "ja", "deepl", "v1")
    assert choose([google, deepl], ["deepl", "google"], "none") == deepl
    assert choose([google, deepl], ["google", "deepl"], "none") == google
    assert choose([stale], ["deepl"], "none") is None
    assert choose([stale], ["deepl"], "none", any_machine=True) == stale
