"""The command starts without loading the desk: `--help`, a usage error, and the pages
pool's server (which imports the program's main module, this CLI) pay only for the
command line itself; each command imports the parts of the desk it runs."""

from __future__ import annotations

import subprocess
import sys

from foreigndesk import cli, config, watch

#: What importing the CLI must not import: the stages, the store, the extractors and the
#: settings' pydantic models.
HEAVY = ("foreigndesk.pipeline", "foreigndesk.store", "foreigndesk.extract", "foreigndesk.config")


def test_importing_the_command_line_loads_none_of_the_desk() -> None:
    probe = f"import sys, foreigndesk.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_the_defaults_written_out_in_the_command_line_are_the_desk_s() -> None:
    assert cli.CONFIG_FILE == config.CONFIG_FILE
    assert cli.DEFAULT_TICK == watch.DEFAULT_TICK
