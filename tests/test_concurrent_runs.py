"""Two `foreigndesk run`s started together on one store do the work of one run: every
item is claimed by one of them, so nothing is fetched, translated or billed twice, and
neither ends in a traceback — on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from foreigndesk.sample import serve_directory
from tests.conftest import write_config
from tests.postgres import temporary_postgres

STATE = {
    "articles": "SELECT url, status, title, published FROM articles ORDER BY url",
    "memory": "SELECT key, target_text FROM translation_memory ORDER BY key",
    "posts": "SELECT slug, title, byline, body_html FROM posts ORDER BY slug",
    # Summed over months: a run that crosses the end of a month has a row in each.
    "usage": "SELECT engine, SUM(calls), SUM(characters) FROM engine_usage"
    " GROUP BY engine ORDER BY engine",
}


@pytest.fixture(scope="module")
def slow_sample_url() -> Iterator[str]:
    # Slow pages keep the two runs side by side through fetching and translating.
    with serve_directory(delay=0.1) as url:
        yield url


def new_desk(folder: Path, feed: str, database_url: str | None = None) -> Path:
    folder.mkdir()
    desk = {"target_lang": "es", "locale": "es_ES", "auto_approve": True}
    if database_url:
        desk["database_url"] = database_url
    write_config(folder, desk=desk)
    subprocess.run(
        [
            *(sys.executable, "-m", "foreigndesk", "source", "add", feed),
            *("--license", "CC BY 4.0", "--config", str(folder / "desk.toml")),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def start_run(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "foreigndesk", "run", "--config", str(folder / "desk.toml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(process: subprocess.Popen[bytes]) -> str:
    _, stderr = process.communicate(timeout=300)
    errors = stderr.decode()
    assert "Traceback" not in errors
    assert process.returncode == 0, errors
    return errors


def state(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(text(sql))]
                for name, sql in STATE.items()
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory, slow_sample_url: str) -> object:
    folder = new_desk(tmp_path_factory.mktemp("one") / "desk", f"{slow_sample_url}feed.xml")
    finish(start_run(folder))
    return state(f"sqlite:///{folder / 'desk.db'}")


def two_runs(folder: Path, stagger: float) -> None:
    first = start_run(folder)
    time.sleep(stagger)
    second = start_run(folder)
    finish(first)
    finish(second)


@pytest.mark.parametrize("stagger", [0.0, 0.8], ids=["together", "second-a-moment-later"])
def test_two_runs_on_one_sqlite_store_do_the_work_of_one(
    tmp_path: Path, slow_sample_url: str, one_run: object, stagger: float
) -> None:
    folder = new_desk(tmp_path / "desk", f"{slow_sample_url}feed.xml")

    two_runs(folder, stagger)

    assert state(f"sqlite:///{folder / 'desk.db'}") == one_run
    with sqlite3.connect(folder / "desk.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute(
            "SELECT count(*) FROM articles WHERE claimed_by IS NOT NULL"
        ).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM segment_claims").fetchone() == (0,)


def test_two_runs_on_one_postgresql_store_do_the_work_of_one(
    tmp_path: Path, slow_sample_url: str, one_run: object
) -> None:
    with temporary_postgres() as url:
        folder = new_desk(tmp_path / "desk", f"{slow_sample_url}feed.xml", database_url=url)

        two_runs(folder, 0.0)

        assert state(url) == one_run
