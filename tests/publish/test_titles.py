"""Title templates are checked before they are kept: known fields, bare, short."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.errors import ConfigurationError
from foreigndesk.publish.titles import title_template_problem


@pytest.mark.parametrize(
    "template", ["{author}⚡️{title}", "{title}", "{title} ({original_title})", "{{{title}}}"]
)
def test_usable_templates_pass(template: str) -> None:
    assert title_template_problem(template) is None


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (
            "{title}{nope}",
            "the title template has an unknown field {nope} — use {author}, "
            "{title}, {original_title}",
        ),
        (
            "{title:>30000000}",
            "the title template's {title} takes no format or conversion — write it bare",
        ),
        ("{title!r}", "the title template's {title} takes no format or conversion — write it bare"),
        ("{author}", "the title template needs {title} — e.g. {author}⚡️{title}"),
        (
            "{title",
            "the title template is not valid (expected '}' before end of string) — write"
            " {{ and }} for a brace",
        ),
        ("{title}" + "x" * 200, "the title template is 207 characters long; 200 at most"),
        (
            "{0}{title}",
            "the title template has an unknown field {0} — use {author}, {title}, {original_title}",
        ),
    ],
)
def test_unusable_templates_say_why(template: str, problem: str) -> None:
    assert title_template_problem(template) == problem


def test_desk_toml_is_checked_the_same_way(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('[post]\ntitle_template = "{title}{nope}"\n', encoding="utf-8")
    with pytest.raises(
        ConfigurationError,
        match=r"setting post.title_template: "
        r"the title template has an unknown field \{nope\}",
    ):
        load_settings(config)
