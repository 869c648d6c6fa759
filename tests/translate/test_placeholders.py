"""Inline markup travels through plain-text engines as numbered placeholders, and a
segment whose placeholders did not survive is flagged, never silently broken."""

from __future__ import annotations

from foreigndesk.translate.placeholders import markup_intact, mask, unmask

SEGMENT = 'See <a href="https://x.test/?a=1&amp;b=2">the map &amp; guide</a>, <em>now</em>.'


def test_tags_become_numbered_placeholders_and_entities_plain_text() -> None:
    masked = mask(SEGMENT)
    assert masked.text == "See ⟦1⟧the map & guide⟦/1⟧, ⟦2⟧now⟦/2⟧."


def test_placeholders_come_back_as_the_original_tags() -> None:
    masked = mask(SEGMENT)
    html, intact = unmask("Mira ⟦1⟧el mapa & guía⟦/1⟧, ⟦2⟧ya⟦/2⟧.", masked)
    assert intact
    assert html == 'Mira <a href="https://x.test/?a=1&amp;b=2">el mapa &amp; guía</a>, <em>ya</em>.'


def test_reordered_placeholders_are_fine_when_nested_properly() -> None:
    masked = mask(SEGMENT)
    html, intact = unmask("⟦2⟧Ya⟦/2⟧, mira ⟦1⟧el mapa⟦/1⟧.", masked)
    assert intact
    assert html.startswith("<em>Ya</em>")


def test_a_lost_placeholder_is_flagged_and_the_words_kept() -> None:
    masked = mask(SEGMENT)
    html, intact = unmask("Mira el mapa, ⟦2⟧ya⟦/2⟧.", masked)
    assert not intact
    assert html == "Mira el mapa, ya."


def test_crossed_or_doubled_placeholders_are_flagged() -> None:
    masked = mask(SEGMENT)
    assert not unmask("⟦1⟧a ⟦2⟧b⟦/1⟧ c⟦/2⟧", masked)[1]
    assert not unmask("⟦1⟧a⟦/1⟧ ⟦1⟧b⟦/1⟧ ⟦2⟧c⟦/2⟧", masked)[1]


def test_engine_text_is_escaped_on_the_way_back() -> None:
    html, intact = unmask("<script>x</script>", mask("plain"))
    assert intact
    assert html == "&lt;script&gt;x&lt;/script&gt;"


def test_markup_kept_by_an_engine_is_checked_tag_for_tag() -> None:
    assert markup_intact(SEGMENT, 'Mira <a href="https://x.test/?a=1&amp;b=2">x</a> <em>y</em>')
    assert not markup_intact(SEGMENT, "Mira <em>y</em>")
    assert not markup_intact(SEGMENT, 'Mira <a href="https://evil.test/">x</a> <em>y</em>')
