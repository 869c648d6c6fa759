"""A kill at any point loses nothing and duplicates nothing: after a SIGKILL midway, running
the desk again ends in exactly the state of one uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreigndesk.sample import serve_directory
from tests.conftest import write_config

DESK_STATE = {
    "articles": "SELECT url, status, title, published, authors, error FROM articles ORDER BY url",
    "blocks": "SELECT a.url, b.position, b.kind, b.html FROM blocks b JOIN articles a"
    " ON a.id = b.article_id ORDER BY a.url, b.position",
    "memory": "SELECT key, target_text FROM translation_memory ORDER BY key",
    "posts": "SELECT slug, title, byline, lead_html, body_html FROM posts ORDER BY slug",
    "pages": "SELECT a.url, length(p.body) FROM pages p JOIN articles a"
    " ON a.id = p.article_id ORDER BY a.url",
}


@pytest.fixture(scope="module")
def slow_sample_url() -> Iterator[str]:
    # A slow site gives the test time to kill the run while it is fetching.
    with serve_directory(delay=0.15) as url:
        yield url


def start_run(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "foreigndesk", "run", "--config", str(folder / "desk.toml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def run_to_end(folder: Path) -> None:
    process = start_run(folder)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()


def new_desk(folder: Path, feed: str) -> Path:
    folder.mkdir()
    write_config(folder, desk={"target_lang": "es", "locale": "es_ES", "auto_approve": True})
    subprocess.run(
        [
            sys.executable,
            "-m",
            "foreigndesk",
            "source",
            "add",
            feed,
            "--license",
            "CC BY 4.0",
            "--config",
            str(folder / "desk.toml"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def count(folder: Path, query: str) -> int:
    """The number ``query`` (a ``SELECT count(*) …``) gives on the desk's store now; 0 while
    the table it asks about does not exist yet."""
    with sqlite3.connect(folder / "desk.db", timeout=10) as db:
        try:
            return int(db.execute(query).fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def state(folder: Path) -> dict[str, object]:
    with sqlite3.connect(folder / "desk.db") as db:
        tables = {name: db.execute(sql).fetchall() for name, sql in DESK_STATE.items()}
    site = folder / "public"
    files = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # Engine usage is left out on purpose: a call cut off by the kill is made again.
    return {**tables, "site": files}


@pytest.fixture(scope="module")
def reference_state(tmp_path_factory: pytest.TempPathFactory, slow_sample_url: str) -> object:
    reference = new_desk(
        tmp_path_factory.mktemp("crash") / "reference", f"{slow_sample_url}feed.xml"
    )
    run_to_end(reference)
    return state(reference)


@pytest.mark.parametrize(
    ("kill_when", "before_publishing"),
    [
        # The source is claimed from the moment its feed is asked for (a slow site).
        pytest.param(
            "SELECT count(*) FROM sources WHERE claimed_by IS NOT NULL", True, id="discovering"
        ),
        pytest.param("SELECT count(*) FROM articles WHERE status = 'fetched'", True, id="fetching"),
        pytest.param(
            "SELECT count(*) FROM articles WHERE status = 'extracted'", True, id="extracting"
        ),
        pytest.param(
            "SELECT count(*) FROM articles WHERE status IN ('translated', 'approved')",
            True,
            id="translating",
        ),
        # The first post stored: the others, and the site's build, are still to come.
        pytest.param("SELECT count(*) FROM posts", False, id="publishing"),
    ],
)
def test_a_killed_run_resumes_to_the_same_state(
    tmp_path: Path,
    slow_sample_url: str,
    reference_state: object,
    kill_when: str,
    before_publishing: bool,
) -> None:
    killed = new_desk(tmp_path / "killed", f"{slow_sample_url}feed.xml")
    process = start_run(killed)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (killed / "desk.db").exists() and count(killed, kill_when) >= 1:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if before_publishing:
        published = count(killed, "SELECT count(*) FROM articles WHERE status = 'published'")
        assert published < 10, "the kill came too late to test anything"

    run_to_end(killed)

    resumed = state(killed)
    for part, expected in reference_state.items():  # type: ignore[attr-defined]
        assert resumed[part] == expected, part
    assert count(killed, "SELECT count(*) FROM articles WHERE status = 'published'") == 10
    with sqlite3.connect(killed / "desk.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
