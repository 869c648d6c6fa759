"""TMX inline codes (#20): the desk's links and emphasis as <bpt>/<ept>, both ways."""

from __future__ import annotations

import pytest
from lxml import etree

from foreigndesk.models import MemoryEntry
from foreigndesk.publish.sanitize import clean_inline
from foreigndesk.translate.memory import human_entry, machine_entry
from foreigndesk.translate.tmx import read_tmx, write_tmx

# Inline HTML as the desk stores it: the extractor escapes text with quote=False and an
# address with quote=True; an editor's save goes through nh3, which adds rel.
PAIRS = [
    (
        'A <a href="https://x.test/?a=1&amp;b=2">link</a> &amp; more',
        'Un <a href="https://x.test/?a=1&amp;b=2">enlace</a> &amp; más',
    ),
    (
        "<strong><em>Both</em> at once</strong>, <em>then <strong>inside</strong></em>.",
        "<strong><em>Ambos</em> a la vez</strong>, <em>luego <strong>dentro</strong></em>.",
    ),
    (
        "1 &lt; 2 &gt; 0, and &lt;em&gt;this&lt;/em&gt; is text",
        "1 &lt; 2 &gt; 0, y &lt;em&gt;esto&lt;/em&gt; es texto",
    ),
    (
        """He said "no" and it's <a href="https://x.test/it&#x27;s">done</a>.""",
        """Dijo «no» y es "así" <a href="https://x.test/it&#x27;s">hecho</a>.""",
    ),
    (
        'Meeting in <a href="https://例え.jp/記事">Tokyo</a> <em>today</em>.',
        '<a href="https://例え.jp/記事">東京</a>で<em>今日</em>会議が開かれた。',
    ),
    (
        'Write to <a href="mailto:desk@x.test">us</a>.',
        clean_inline('Escríbenos a <a href="mailto:desk@x.test">nosotros</a>.'),
    ),
    ("<em></em><strong>x</strong>", " <em>x</em> "),
]
ENTRIES = [machine_entry(s, t, "en", "es", "deepl", "g1") for s, t in PAIRS[:4]] + [
    human_entry(s, t, "en", "es") for s, t in PAIRS[4:]
]


def _fields(entries: list[MemoryEntry]) -> list[tuple[str, ...]]:
    return [
        (e.key, e.source_text, e.target_text, e.origin, e.engine, e.glossary_version)
        for e in entries
    ]


def _segs(tmx: bytes) -> list[etree._Element]:
    return etree.fromstring(tmx).findall("body/tu/tuv/seg")


def test_own_export_reads_back_exactly() -> None:
    assert 'rel="nofollow noopener"' in ENTRIES[5].target_text  # the editor's stored form
    assert _fields(read_tmx(write_tmx(ENTRIES, "en"), "en", "es")) == _fields(ENTRIES)


def test_export_writes_tags_as_inline_codes_not_escaped_text() -> None:
    tmx = write_tmx(ENTRIES, "en")
    segs = _segs(tmx)
    for seg in segs:
        # Words of a segment are its text and the tails of its codes; no tag among them
        # unless it was text in the HTML (PAIRS[2]).
        words = (seg.text or "") + "".join(code.tail or "" for code in seg)
        if "this" not in words and "esto" not in words:
            assert "<" not in words
    first = segs[0]
    assert first.text == "A "
    assert [(c.tag, c.get("i"), c.get("type"), c.text, c.tail) for c in first] == [
        ("bpt", "1", "link", '<a href="https://x.test/?a=1&amp;b=2">', "link"),
        ("ept", "1", None, "</a>", " & more"),
    ]
    nested = segs[2]
    assert [(c.tag, c.get("i"), c.get("type"), c.text) for c in nested][:4] == [
        ("bpt", "1", "bold", "<strong>"),
        ("bpt", "2", "italic", "<em>"),
        ("ept", "2", None, "</em>"),
        ("ept", "1", None, "</strong>"),
    ]
    # Text that looks like a tag is text, written escaped once, never as a code.
    assert len(segs[4]) == 0
    assert segs[4].text == "1 < 2 > 0, and <em>this</em> is text"
    assert b"&lt;em&gt;this" in tmx
    assert b"&amp;lt;" not in tmx
    assert segs[9].text is None
    assert segs[9][0].text == '<a href="https://例え.jp/記事">'
    assert segs[9][0].tail == "東京"
    # A segment of codes only gets no whitespace from the layout of the file.
    assert segs[12].text is None
    assert [c.tail for c in segs[12]] == [None, None, "x", None]


def test_tags_outside_the_subset_travel_as_ph_and_come_back_as_text() -> None:
    entry = human_entry(
        'a<br>b</em> <em>c<strong>d</em>e</strong> <span lang="x">f</span>',
        "<b>g</b>",
        "en",
        "es",
    )
    tmx = write_tmx([entry], "en")
    seg = _segs(tmx)[0]
    assert [(c.tag, c.text) for c in seg] == [
        ("ph", "<br>"),
        ("ph", "</em>"),
        ("bpt", "<em>"),
        ("ph", "<strong>"),
        ("ept", "</em>"),
        ("ph", "</strong>"),
        ("ph", '<span lang="x">'),
        ("ph", "</span>"),
    ]
    [again] = read_tmx(tmx, "en", "es")
    assert again.source_text == "ab <em>cd</em>e f"
    assert again.target_text == "g"


# As OmegaT or Trados write it: codes with x and type (or neither), other tools' native
# codes, placeholders, isolated tags, highlighted text, sub-flows. Each <seg> is one line
# in the file; the Python lines are split only to stay short.
OMEGAT_TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    '<tmx version="1.4">\n'
    '  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US"'
    ' datatype="plaintext" creationtoolversion="6.0.0_0_1bf1729c" segtype="sentence"'
    ' srclang="en-US"/>\n'
    "  <body>\n"
    "    <tu>\n"
    '      <prop type="x-Context">chapter-1</prop>\n'
    '      <tuv xml:lang="en-US">\n'
    '        <seg>Press <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>Start'
    '<ept i="1">&lt;/b&gt;</ept> now.</seg>\n'
    "      </tuv>\n"
    '      <tuv xml:lang="es-ES" changeid="ana" changedate="20240102T030405Z">\n'
    '        <seg>Pulse <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>Inicio'
    '<ept i="1">&lt;/b&gt;</ept> ya.</seg>\n'
    "      </tuv>\n"
    "    </tu>\n"
    "    <tu>\n"
    '      <tuv xml:lang="en-US">\n'
    '        <seg>Read <bpt i="1" x="1" type="link">'
    '&lt;a href="https://example.org/a?b=1&amp;amp;c=2" target="_blank"&gt;</bpt>the '
    '<bpt i="2" x="2">&lt;em&gt;</bpt>guide<ept i="2">&lt;/em&gt;</ept>'
    '<ept i="1">&lt;/a&gt;</ept> &amp; more.</seg>\n'
    "      </tuv>\n"
    '      <tuv xml:lang="es-ES">\n'
    '        <seg>Lea <bpt i="1" x="1" type="link">'
    "&lt;A HREF='https://example.org/a?b=1&amp;amp;c=2'&gt;</bpt>la "
    '<bpt i="2" x="2">&lt;EM class="x"&gt;</bpt>guía<ept i="2">&lt;/EM&gt;</ept>'
    '<ept i="1">&lt;/A&gt;</ept> &amp; más.</seg>\n'
    "      </tuv>\n"
    "    </tu>\n"
    "    <tu>\n"
    '      <tuv xml:lang="en-US">\n'
    '        <seg><bpt i="1">{1}</bpt>Bold<ept i="1">{/1}</ept> line'
    '<ph>&lt;br/&gt;</ph>break<ph x="3" type="lb"/>.</seg>\n'
    "      </tuv>\n"
    '      <tuv xml:lang="es-ES">\n'
    '        <seg><bpt i="1">{1}</bpt>Negrita<ept i="1">{/1}</ept> salto'
    '<ph>&lt;br/&gt;</ph>de línea<ph x="3" type="lb"/>.</seg>\n'
    "      </tuv>\n"
    "    </tu>\n"
    "    <tu>\n"
    '      <tuv xml:lang="en-US">\n'
    '        <seg><it pos="begin" x="1" type="italic">&lt;em&gt;</it>rest of it, '
    '<hi type="x-term">Tokyo <bpt i="1">&lt;strong&gt;</bpt>now'
    '<ept i="1">&lt;/strong&gt;</ept></hi><it pos="end" x="2">&lt;/em&gt;</it></seg>\n'
    "      </tuv>\n"
    '      <tuv xml:lang="es-ES">\n'
    '        <seg><it pos="begin" x="1" type="italic">&lt;em&gt;</it>el resto, '
    '<hi type="x-term">Tokio <bpt i="1">&lt;strong&gt;</bpt>ya'
    '<ept i="1">&lt;/strong&gt;</ept></hi><it pos="end" x="2">&lt;/em&gt;</it></seg>\n'
    "      </tuv>\n"
    "    </tu>\n"
    "    <tu>\n"
    '      <tuv xml:lang="en-US">\n'
    '        <seg><bpt i="1" type="link">&lt;a href="javascript:alert(1)"&gt;</bpt>Click'
    '<ept i="1">&lt;/a&gt;</ept> the <bpt i="2" type="link">'
    '&lt;a title="<sub>The site\'s title</sub>" href="https://example.org/"&gt;</bpt>site'
    '<ept i="2">&lt;/a&gt;</ept>: 1 &lt; 2 &amp; "3"</seg>\n'
    "      </tuv>\n"
    '      <tuv xml:lang="es-ES">\n'
    '        <seg><bpt i="1" type="link">&lt;a href="&amp;#106;avascript:alert(1)"&gt;</bpt>'
    'Pulse<ept i="1">&lt;/a&gt;</ept> el <bpt i="2" type="link">'
    '&lt;a title="<sub>El título</sub>" href="https://example.org/"&gt;</bpt>sitio'
    '<ept i="2">&lt;/a&gt;</ept>: 1 &lt; 2 &amp; "3"</seg>\n'
    "      </tuv>\n"
    "    </tu>\n"
    "  </body>\n"
    "</tmx>\n"
).encode()

OMEGAT_EXPECTED = [
    ("Press Start now.", "Pulse Inicio ya."),
    (
        'Read <a href="https://example.org/a?b=1&amp;c=2">the <em>guide</em></a> &amp; more.',
        'Lea <a href="https://example.org/a?b=1&amp;c=2">la <em>guía</em></a> &amp; más.',
    ),
    ("Bold linebreak.", "Negrita saltode línea."),
    ("rest of it, Tokyo <strong>now</strong>", "el resto, Tokio <strong>ya</strong>"),
    (
        'Click the <a href="https://example.org/">site</a>: 1 &lt; 2 &amp; "3"',
        'Pulse el <a href="https://example.org/">sitio</a>: 1 &lt; 2 &amp; "3"',
    ),
]


def test_a_tmx_from_another_tool_keeps_our_markup_and_every_word() -> None:
    entries = read_tmx(OMEGAT_TMX, "en", "es")
    assert [(e.source_text, e.target_text) for e in entries] == OMEGAT_EXPECTED
    assert {e.origin for e in entries} == {"human"}


def test_another_tools_tmx_survives_our_export_and_import() -> None:
    entries = read_tmx(OMEGAT_TMX, "en", "es")
    assert _fields(read_tmx(write_tmx(entries, "en"), "en", "es")) == _fields(entries)


def _one_segment(seg: str) -> str:
    tmx = f"""<?xml version="1.0"?>
<tmx version="1.4"><header creationtool="SDL Language Platform" creationtoolversion="8.1"
 o-tmf="SDL TM8 Format" datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"/>
<body><tu><tuv xml:lang="en-US"><seg>source</seg></tuv>
<tuv xml:lang="ja-JP"><seg>{seg}</seg></tuv></tu></body></tmx>"""
    [entry] = read_tmx(tmx.encode(), "en", "ja")
    return entry.target_text


@pytest.mark.parametrize(
    ("seg", "html"),
    [
        # Paired by i, with the closing tag of the same name: markup.
        (
            '<bpt i="7" type="italic">&lt;em&gt;</bpt>強調<ept i="7">&lt;/em&gt;</ept>',
            "<em>強調</em>",
        ),
        # The closing tag is not the opening's, or the i differs: text only.
        ('<bpt i="1">&lt;em&gt;</bpt>a<ept i="1">&lt;/strong&gt;</ept>', "a"),
        ('<bpt i="1">&lt;em&gt;</bpt>a<ept i="2">&lt;/em&gt;</ept>', "a"),
        # Crossed pairs: the outer one holds, the one crossing it is dropped.
        (
            '<bpt i="1">&lt;em&gt;</bpt>a<bpt i="2">&lt;strong&gt;</bpt>b'
            '<ept i="1">&lt;/em&gt;</ept>c<ept i="2">&lt;/strong&gt;</ept>',
            "<em>ab</em>c",
        ),
        # Unpaired codes, self-closing tags, standalone codes: never markup.
        ('<bpt i="1">&lt;em&gt;</bpt>a', "a"),
        ('a<ept i="1">&lt;/em&gt;</ept>', "a"),
        ('<bpt i="1">&lt;em/&gt;</bpt>a<ept i="1">&lt;/em&gt;</ept>', "a"),
        ("<ph>&lt;em&gt;</ph>a<ph>&lt;/em&gt;</ph>", "a"),
        ('<ut>&lt;strong&gt;</ut>a<it pos="end">&lt;/strong&gt;</it>', "a"),
        # Links: only http, https and mailto, with an href.
        ('<bpt i="1">&lt;a href="/relative"&gt;</bpt>a<ept i="1">&lt;/a&gt;</ept>', "a"),
        ('<bpt i="1">&lt;a name="x"&gt;</bpt>a<ept i="1">&lt;/a&gt;</ept>', "a"),
        ('<bpt i="1">&lt;a href="data:text/html,x"&gt;</bpt>a<ept i="1">&lt;/a&gt;</ept>', "a"),
        ('<bpt i="1">&lt;a href=" JavaScript:x"&gt;</bpt>a<ept i="1">&lt;/a&gt;</ept>', "a"),
        ('<bpt i="1">&lt;a href="http://[::1"&gt;</bpt>a<ept i="1">&lt;/a&gt;</ept>', "a"),
        (
            '<bpt i="1">&lt;a href=mailto:x@y.test onclick="e()"&gt;</bpt>a'
            '<ept i="1">&lt;/a&gt;</ept>',
            '<a href="mailto:x@y.test">a</a>',
        ),
        (
            '<bpt i="1">&lt;a href="https://x.test/&quot;&gt;&lt;script&gt;"&gt;</bpt>a'
            '<ept i="1">&lt;/a&gt;</ept>',
            "a",
        ),
        # A link written as the desk writes it is kept as written; others are rebuilt.
        (
            '<bpt i="1">&lt;a href="https://x.test/?q=&amp;quot;&amp;#39;"&gt;</bpt>a'
            '<ept i="1">&lt;/a&gt;</ept>',
            '<a href="https://x.test/?q=&quot;&#39;">a</a>',
        ),
        (
            '<bpt i="1">&lt;a href=\'https://x.test/?q="&amp;#39;\'&gt;</bpt>a'
            '<ept i="1">&lt;/a&gt;</ept>',
            '<a href="https://x.test/?q=&quot;&#x27;">a</a>',
        ),
        # Text is text, however it looks.
        (
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;",
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;",
        ),
        ("<hi>a <hi>b</hi></hi> <sub>c</sub><!-- d --><?pi e?>f", "a b cf"),
    ],
)
def test_only_paired_codes_of_our_tags_become_markup(seg: str, html: str) -> None:
    assert _one_segment(seg) == html


def test_entities_are_not_expanded_nor_external_files_read() -> None:
    tmx = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [
  <!ENTITY lol "lollollollollollollollollollol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<tmx version="1.4"><header srclang="en" datatype="html" segtype="sentence" adminlang="en"
 creationtool="x" creationtoolversion="1" o-tmf="x"/>
<body><tu><tuv xml:lang="en"><seg>a &lol2; b</seg></tuv>
<tuv xml:lang="es"><seg>c <bpt i="1">&lt;em&gt;&secret;</bpt>&secret;
<ept i="1">&lt;/em&gt;</ept> d</seg></tuv>
</tu></body></tmx>"""
    [entry] = read_tmx(tmx, "en", "es")
    assert (entry.source_text, entry.target_text) == ("a  b", "c <em>\n</em> d")


def test_a_tmx_of_an_earlier_desk_is_read_as_checked_html() -> None:
    # Before inline codes the desk wrote each segment's HTML as text, with no header
    # property to say otherwise.
    tmx = b"""<?xml version='1.0' encoding='UTF-8'?>
<tmx version="1.4">
  <header creationtool="foreigndesk" creationtoolversion="0.1.0" datatype="html"
   segtype="paragraph" adminlang="en" srclang="en" o-tmf="foreigndesk"/>
  <body>
    <tu tuid="k"><prop type="x-origin">human</prop>
      <tuv xml:lang="en"><seg>A &lt;a href="https://x.test/"&gt;link&lt;/a&gt; &amp;amp;
 &lt;em&gt;more&lt;/em&gt;</seg></tuv>
      <tuv xml:lang="es"><seg>Un &lt;a href="javascript:x"&gt;enlace&lt;/a&gt;
 &amp;lt;b&amp;gt; &lt;script&gt;x&lt;/script&gt;</seg></tuv>
    </tu>
  </body>
</tmx>"""
    [entry] = read_tmx(tmx, "en", "es")
    assert entry.source_text == 'A <a href="https://x.test/">link</a> &amp;\n <em>more</em>'
    assert entry.target_text == "Un enlace\n &lt;b&gt; x"
