"""Documentation that cannot fall behind: every setting and every plugin hook is documented,
and the README's quick start is exactly the two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foreigndesk import hookspecs
from foreigndesk.config import iter_setting_names

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("name", iter_setting_names())
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "hook", [name for name in dir(hookspecs) if name.startswith("foreigndesk_")]
)
def test_every_plugin_hook_is_documented(hook: str) -> None:
    assert f"`{hook}`" in (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def test_quick_start_is_the_two_make_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", quick_start, re.S)
    assert [line for block in commands for line in block.splitlines() if line] == [
        "make demo",
        "make test",
    ]
