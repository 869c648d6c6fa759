"""The edit box keeps exactly what the editor typed: allowed markup as markup, the rest
as text, and what it shows reads as text, not as HTML source."""

from __future__ import annotations

import pytest

from foreigndesk.publish.sanitize import clean_inline
from foreigndesk.web.editable import from_editable, to_editable


@pytest.mark.parametrize(
    "typed",
    [
        "si a<b y c>d",
        "Usa la etiqueta <br> para saltos",
        "Tom &amp; Jerry, escrito así",
        "5 < 6 > 4 & 3",
        "<em>sin cerrar",
        "cerrada</strong> sin abrir",
        "<em>cruzadas <strong>mal</em></strong>",
        '<a href="javascript:alert(1)">no</a>',
        "<EM>mayúsculas</em>",
    ],
)
def test_what_is_not_paired_allowed_markup_is_kept_as_text(typed: str) -> None:
    stored = clean_inline(from_editable(typed))
    assert to_editable(stored) == typed.replace("<EM>", "<em>")


def test_links_and_emphasis_are_markup() -> None:
    typed = (
        'Lee <em>esto</em> y <a href="https://example.org/a?b=1&c=2">aquello</a>'
        " <strong>ya</strong>."
    )
    stored = clean_inline(from_editable(typed))
    assert "<em>esto</em>" in stored and "<strong>ya</strong>" in stored
    assert 'href="https://example.org/a?b=1&amp;c=2"' in stored
    assert to_editable(stored) == typed


def test_the_box_shows_text_as_a_reader_reads_it() -> None:
    stored = (
        'Pan &amp; sal &lt;gratis&gt; <a href="https://x.test/?a=1&amp;b=2"'
        ' rel="nofollow noopener">aquí</a>'
    )
    assert to_editable(stored) == 'Pan & sal <gratis> <a href="https://x.test/?a=1&b=2">aquí</a>'
