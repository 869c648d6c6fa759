"""A kill at any point loses nothing and duplicates nothing: after a SIGKILL midway, running
the desk again ends in exactly the state of one uninterrupted run."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.fakes.slow_site import SlowSite, serve_slow_site

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
def slow_site() -> Iterator[SlowSite]:
    # Every answer takes 0.15 s at least: a run fetches slowly (see the 'fetching' case).
    with serve_slow_site(delay=0.15) as site:
        yield site


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
def reference_state(tmp_path_factory: pytest.TempPathFactory, slow_site: SlowSite) -> object:
    reference = new_desk(tmp_path_factory.mktemp("crash") / "reference", f"{slow_site.url}feed.xml")
    run_to_end(reference)
    return state(reference)


@pytest.mark.parametrize(
    ("kill_when", "held", "before_publishing"),
    [
        # The source is claimed before its feed is asked for and until the feed has come:
        # with the feed's answer held back, the run is killed while it is claimed.
        pytest.param(
            "SELECT count(*) FROM sources WHERE claimed_by IS NOT NULL",
            ("/feed.xml", 0),
            True,
            id="discovering",
        ),
        # Pages are stored in batches, at the latest when a page comes half a second after
        # the oldest one waiting. With the last page held back, nine have come, two at a
        # time and 0.15 s each, so over at least 0.6 s: some are stored, their articles
        # 'fetched' until the stage ends, which it cannot while the last page is held.
        pytest.param(
            "SELECT count(*) FROM articles WHERE status = 'fetched'",
            ("/articles/", 9),
            True,
            id="fetching",
        ),
        pytest.param(
            "SELECT count(*) FROM articles WHERE status = 'extracted'",
            None,
            True,
            id="extracting",
        ),
        pytest.param(
            "SELECT count(*) FROM articles WHERE status IN ('translated', 'approved')",
            None,
            True,
            id="translating",
        ),
        # The first post stored: the others, and the site's build, are still to come.
        pytest.param("SELECT count(*) FROM posts", None, False, id="publishing"),
    ],
)
def test_a_killed_run_resumes_to_the_same_state(
    tmp_path: Path,
    slow_site: SlowSite,
    reference_state: object,
    kill_when: str,
    held: tuple[str, int] | None,
    before_publishing: bool,
) -> None:
    """``held``: the answers the run waits on in that state (paths starting with, and how
    many of them go out first), held back until it has been killed."""
    killed = new_desk(tmp_path / "killed", f"{slow_site.url}feed.xml")
    with slow_site.holding(*held) if held else contextlib.nullcontext() as gate:
        process = start_run(killed)
        if gate is not None:
            assert gate.requested.wait(120), "the run never asked for the answer held back"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if (killed / "desk.db").exists() and count(killed, kill_when) >= 1:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if held:
        assert count(killed, kill_when) >= 1, "the run was not in that state when killed"
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
