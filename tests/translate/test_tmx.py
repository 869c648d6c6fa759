"""The translation memory in and out as TMX 1.4."""

from __future__ import annotations

from lxml import etree

from foreigndesk.translate.memory import human_entry, machine_entry
from foreigndesk.translate.tmx import read_tmx, write_tmx

ENTRIES = [
    machine_entry(
        'A <a href="https://x.test/">link</a> &amp; more', "Un enlace", "en", "es", "deepl", "none"
    ),
    human_entry("Good morning.", "Buenos días.", "en", "es"),
]


def test_export_is_tmx_1_4_with_html_segments() -> None:
    root = etree.fromstring(write_tmx(ENTRIES, "en"))
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert header.get("datatype") == "html"
    assert header.get("srclang") == "en"
    assert len(root.findall("body/tu")) == 2
    first = root.find("body/tu")
    assert first is not None
    assert [p.get("type") for p in first.findall("prop")] == [
        "x-origin",
        "x-engine",
        "x-glossary-version",
    ]


def test_a_round_trip_keeps_every_entry_and_its_key() -> None:
    again = read_tmx(write_tmx(ENTRIES, "en"), "en", "es")
    assert [(e.key, e.source_text, e.target_text, e.origin) for e in again] == [
        (e.key, e.source_text, e.target_text, e.origin) for e in ENTRIES
    ]


def test_units_from_other_tools_are_human_and_their_inline_codes_dropped() -> None:
    tmx = b"""<?xml version="1.0"?>
<tmx version="1.4"><header srclang="en-GB" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="other" creationtoolversion="1" o-tmf="x"/>
<body>
<tu><tuv xml:lang="en-GB">
<seg>Press <bpt i="1">&lt;b&gt;</bpt>Start<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
<tuv xml:lang="es-ES">
<seg>Pulse <bpt i="1">&lt;b&gt;</bpt>Inicio<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
<tu><tuv xml:lang="en-GB"><seg>Only English.</seg></tuv></tu>
</body></tmx>"""
    [entry] = read_tmx(tmx, "en", "es")
    assert (entry.source_text, entry.target_text, entry.origin) == (
        "Press Start.",
        "Pulse Inicio.",
        "human",
    )
