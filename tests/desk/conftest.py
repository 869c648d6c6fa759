"""A desk with articles in review, an editor, and the review desk served for real.

The articles come the way they always do: the sample magazine (and a page of script
payloads) served on loopback, fetched, extracted and translated by apertium (en → es).
The desk app is served by uvicorn in a thread on a free loopback port for the browser
tests; the other tests talk to the same app in-process with Starlette's TestClient.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright
from starlette.applications import Starlette

from foreigndesk.config import load_settings

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2; httpx is what this project uses.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient as TestClient
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from foreigndesk.store.accounts import Accounts
from foreigndesk.web import create_app
from tests.conftest import write_config

EDITOR = "editor"
PASSWORD = "correct horse battery staple"
SITE = Path(__file__).parent / "site"


@dataclass
class DeskWorld:
    folder: Path
    desk: Desk
    store: Store
    app: Starlette
    #: Article id by a word of its URL: "bread-oven", "harbour-tides", "payloads".
    articles: dict[str, int]


@pytest.fixture(scope="module")
def desk_sections() -> dict[str, dict[str, object]]:
    """desk.toml sections for the module's desk; a test module may override it."""
    return {}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    sample_url: str,
    desk_sections: dict[str, dict[str, object]],
) -> Iterator[DeskWorld]:
    folder = tmp_path_factory.mktemp("desk")
    web = {"login_attempts": 3, "allowed_hosts": ["127.0.0.1", "localhost", "desk.example"]}
    sections: dict[str, dict[str, object]] = {"web": web, **desk_sections}
    config = write_config(folder, **sections)
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    desk = Desk(settings, store)
    with serve_directory(SITE) as payload_url:
        pages = {
            "bread-oven": f"{sample_url}articles/bread-oven.html",
            "harbour-tides": f"{sample_url}articles/harbour-tides.html",
            "payloads": f"{payload_url}articles/payloads.html",
        }
        # The sample magazine's feed (its ten articles), and one page as an article.
        store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        store.sources.add(pages["payloads"], "en", "CC BY 4.0", kind="url")
        report = desk.run()
    assert report.failed == 0, desk.reporter
    by_url = {a.url: a.id for a in store.articles.all()}
    articles = {name: by_url[url] for name, url in pages.items()}
    assert all(
        store.articles.get(i, with_blocks=False).status == ArticleStatus.IN_REVIEW
        for i in articles.values()
    )
    Accounts(store).add_user(EDITOR, PASSWORD)
    try:
        yield DeskWorld(folder, desk, store, create_app(settings, store), articles)
    finally:
        store.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str = EDITOR, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"csrf": csrf_of(page.text), "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def make_client(world: DeskWorld, address: str = "192.0.2.1", base_url: str = "") -> TestClient:
    """A client of the app in-process; ``address`` is the client's IP as the desk sees it."""
    return TestClient(world.app, base_url=base_url or "http://127.0.0.1", client=(address, 50000))


@pytest.fixture
def client(world: DeskWorld) -> Iterator[TestClient]:
    with make_client(world) as made:
        yield made


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    return sign_in(client)


@pytest.fixture(scope="module")
def served(world: DeskWorld) -> Iterator[str]:
    """The desk app behind uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(world.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


#: Debian's Chromium, driven by Playwright in the desk's browser tests.
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one per test module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
