"""Shared fixtures: the sample magazine and fixture sites served on loopback, and desks
in temporary folders. Nothing here reaches outside the machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from foreigndesk.cli import app
from foreigndesk.config import Settings, load_settings, render_config
from foreigndesk.pipeline import Desk
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def sample_url() -> Iterator[str]:
    """Base URL of the bundled sample magazine."""
    with serve_directory() as url:
        yield url


@pytest.fixture(scope="session")
def fixture_sites_url() -> Iterator[str]:
    """Base URL of tests/data/sites: small sites that exercise bad input."""
    with serve_directory(DATA / "sites") as url:
        yield url


def write_config(folder: Path, **sections: dict[str, object]) -> Path:
    """A desk.toml translating into Spanish (the pair Debian's apertium-eng-spa offers)."""
    defaults = Settings()
    values: dict[str, dict[str, object]] = {
        "desk": {"target_lang": "es", "locale": "es_ES"},
        # The fixture sites are served on loopback, which the SSRF guard otherwise refuses.
        "fetch": {"allow_hosts": ["127.0.0.1"], "host_delay": 0.0},
    }
    for name, section in sections.items():
        values[name] = {**values.get(name, {}), **section}
    settings = defaults.model_copy(
        update={
            name: getattr(defaults, name).model_copy(update=section)
            for name, section in values.items()
        }
    )
    path = folder / "desk.toml"
    path.write_text(render_config(settings), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@contextmanager
def desk_of(config: Path) -> Iterator[Desk]:
    """The desk of ``config``, its store closed afterwards."""
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    try:
        yield Desk(settings, store)
    finally:
        store.close()


@pytest.fixture
def desk(config_path: Path) -> Iterator[Desk]:
    with desk_of(config_path) as opened:
        yield opened


def invoke(*args: object) -> Result:
    """Run the CLI in-process, as a user would from the shell."""
    return CliRunner().invoke(
        app, [str(a) for a in args], catch_exceptions=False, prog_name="foreigndesk"
    )
