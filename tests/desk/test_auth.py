"""Signing in and the desk's defences, in-process: sessions, CSRF, redirects, throttling,
cookies and logs."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import httpx
import pytest
from sqlalchemy import delete, select
from starlette.routing import Route

from foreigndesk.models import ArticleStatus
from foreigndesk.store.accounts import Accounts
from foreigndesk.store.tables import LoginFailureRow, SessionRow
from foreigndesk.web.security import SESSION_COOKIE, safe_next
from tests.desk.conftest import (
    EDITOR,
    PASSWORD,
    DeskWorld,
    TestClient,
    csrf_of,
    make_client,
    sign_in,
)

RIGHT = "the right password"


def concrete(path: str, world: DeskWorld) -> str:
    """A route's path with real ids in it."""
    source_id = world.store.sources.all()[0].id
    return (
        path.replace("{article_id:int}", str(world.articles["bread-oven"]))
        .replace("{position:int}", "0")
        .replace("{source_id:int}", str(source_id))
        .replace("{rule_id:int}", "1")
        .replace("{path:path}", "style.css")
    )


def desk_routes(world: DeskWorld) -> list[tuple[str, str]]:
    found = []
    for route in world.app.routes:
        if isinstance(route, Route) and route.path != "/login":
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.append((method, concrete(route.path, world)))
    return found


def test_every_page_but_login_needs_a_session(world: DeskWorld, client: TestClient) -> None:
    routes = desk_routes(world)
    assert ("GET", "/") in routes and ("POST", "/logout") in routes
    assert len(routes) >= 18
    for method, path in routes:
        answer = client.request(
            method, path, headers={"accept": "text/html"}, follow_redirects=False
        )
        assert answer.status_code in (303, 401), (method, path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/login"), path
    assert client.get("/login").status_code == 200


def test_a_page_asked_for_without_a_session_comes_back_after_signing_in(
    world: DeskWorld, client: TestClient
) -> None:
    article = world.articles["harbour-tides"]
    answer = client.get(
        f"/articles/{article}?x=1", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert answer.headers["location"] == f"/login?next=%2Farticles%2F{article}%3Fx%3D1"
    login = client.get(answer.headers["location"])
    assert f'name="next" value="/articles/{article}?x=1"' in login.text
    signed = client.post(
        "/login",
        data={
            "csrf": csrf_of(login.text),
            "name": EDITOR,
            "password": PASSWORD,
            "next": f"/articles/{article}?x=1",
        },
        follow_redirects=False,
    )
    assert signed.headers["location"] == f"/articles/{article}?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x",
        "/\tevil",
        "evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target) == "/" or safe_next(target).startswith("/%")


def test_next_keeps_paths_on_the_site() -> None:
    assert safe_next("/articles/3?status=in_review#block-2") == (
        "/articles/3?status=in_review#block-2"
    )


def test_signing_in_with_next_to_another_site_stays_on_the_site(
    world: DeskWorld, client: TestClient
) -> None:
    login = client.get("/login?next=//evil.example")
    assert 'name="next" value="/"' in login.text
    answer = client.post(
        "/login",
        data={
            "csrf": csrf_of(login.text),
            "name": EDITOR,
            "password": PASSWORD,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    again = client.get("/login?next=//evil.example", follow_redirects=False)
    assert again.headers["location"] == "/"


def test_a_post_without_the_token_is_refused(world: DeskWorld, signed_in: TestClient) -> None:
    article = world.articles["harbour-tides"]
    answer = signed_in.post(f"/articles/{article}/approve", follow_redirects=False)
    assert answer.status_code == 403
    wrong = signed_in.post(
        f"/articles/{article}/approve", data={"csrf": "guessed"}, follow_redirects=False
    )
    assert wrong.status_code == 403
    assert world.store.articles.get(article, with_blocks=False).status == ArticleStatus.IN_REVIEW


def test_a_post_from_another_site_is_refused_even_with_the_token(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article = world.articles["harbour-tides"]
    token = csrf_of(signed_in.get("/").text)
    for headers in (
        {"origin": "http://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"origin": "null"},
    ):
        answer = signed_in.post(
            f"/articles/{article}/approve",
            data={"csrf": token},
            headers=headers,
            follow_redirects=False,
        )
        assert answer.status_code == 403, headers
    assert world.store.articles.get(article, with_blocks=False).status == ArticleStatus.IN_REVIEW


def test_the_sign_in_form_needs_its_own_token(world: DeskWorld, client: TestClient) -> None:
    answer = client.post(
        "/login", data={"name": EDITOR, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.cookies


def test_session_cookie_flags(world: DeskWorld) -> None:
    with make_client(world, "192.0.2.10") as plain:
        answer = plain.post(
            "/login",
            data={"csrf": csrf_of(plain.get("/login").text), "name": EDITOR, "password": PASSWORD},
            follow_redirects=False,
        )
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    with make_client(world, "192.0.2.11", "https://desk.example") as secure:
        answer = secure.post(
            "/login",
            data={"csrf": csrf_of(secure.get("/login").text), "name": EDITOR, "password": PASSWORD},
            follow_redirects=False,
        )
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
        )
        assert "Secure" in cookie and "HttpOnly" in cookie


def test_pages_carry_a_content_security_policy(signed_in: TestClient) -> None:
    page = signed_in.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["cache-control"] == "no-store"


def test_the_store_keeps_no_session_token(world: DeskWorld, signed_in: TestClient) -> None:
    token = signed_in.cookies[SESSION_COOKIE]
    with world.store.transaction() as session:
        stored = list(session.scalars(select(SessionRow.token_hash)))
    assert stored and token not in stored


def test_signing_out_ends_the_session(world: DeskWorld, signed_in: TestClient) -> None:
    token = signed_in.cookies[SESSION_COOKIE]
    answer = signed_in.post("/logout", data={"csrf": csrf_of(signed_in.get("/").text)})
    assert answer.url.path == "/login"
    with make_client(world) as other:
        other.cookies.set(SESSION_COOKIE, token)
        assert other.get("/", follow_redirects=False).status_code == 303


def test_sign_in_is_throttled_after_failures(world: DeskWorld) -> None:
    Accounts(world.store).add_user("throttled", RIGHT)
    with make_client(world, "192.0.2.77") as client:
        for _ in range(3):
            page = client.get("/login")
            wrong = client.post(
                "/login",
                data={"csrf": csrf_of(page.text), "name": "throttled", "password": "wrong one"},
            )
            assert wrong.status_code == 400
            assert "Wrong name or password" in wrong.text
        page = client.get("/login")
        refused = client.post(
            "/login",
            data={
                "csrf": csrf_of(page.text),
                "name": "throttled",
                "password": "the right password",
            },
            follow_redirects=False,
        )
        assert refused.status_code == 429
        assert SESSION_COOKIE not in refused.cookies
    # Another address is held back too: the user name counts its failures on its own.
    with make_client(world, "192.0.2.78") as elsewhere:
        page = elsewhere.get("/login")
        refused = elsewhere.post(
            "/login",
            data={
                "csrf": csrf_of(page.text),
                "name": "throttled",
                "password": "the right password",
            },
            follow_redirects=False,
        )
        assert refused.status_code == 429
    # And an editor signing in from a fresh address is not.
    with make_client(world, "192.0.2.79") as fine:
        sign_in(fine)


def test_no_password_or_token_reaches_the_logs(
    world: DeskWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with make_client(world, "192.0.2.90") as client:
        page = client.get("/login")
        client.post(
            "/login", data={"csrf": csrf_of(page.text), "name": EDITOR, "password": "not it at all"}
        )
        sign_in(client)
        token = client.cookies[SESSION_COOKIE]
        csrf = csrf_of(client.get("/").text)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "signed in" in logged
    for secret in (PASSWORD, "not it at all", token, csrf):
        assert secret not in logged
    assert not re.search(r"argon2", logged)


def test_the_throttle_holds_under_a_hundred_sign_ins_at_once(world: DeskWorld, served: str) -> None:
    """The desk's real server, a hundred sign-ins sent at the same moment, the right
    password among them: no more passwords are checked than the limit allows."""
    Accounts(world.store).add_user("stormed", RIGHT)
    count, right = 100, 35
    start = threading.Barrier(count)

    def attempt(number: int) -> int:
        with httpx.Client(base_url=served) as browser:
            token = csrf_of(browser.get("/login").text)
            password = RIGHT if number == right else f"wrong {number}"
            start.wait()
            answer = browser.post(
                "/login",
                data={"csrf": token, "name": "stormed", "password": password},
                follow_redirects=False,
            )
            return answer.status_code

    try:
        with ThreadPoolExecutor(count) as pool:
            statuses = list(pool.map(attempt, range(count)))
    finally:
        with world.store.transaction() as session:
            session.execute(delete(LoginFailureRow))
    checked = [s for s in statuses if s in (303, 400)]
    assert len(checked) <= world.desk.settings.web.login_attempts == 3
    assert statuses.count(429) >= count - 3
    assert set(statuses) <= {303, 400, 429}


# -- requests the desk refuses before a route reads them ---------------------------------

SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


def test_the_desk_answers_only_to_its_own_host_names(world: DeskWorld) -> None:
    with make_client(world, base_url="http://rebound.example") as stranger:
        answer = stranger.get("/login")
    assert answer.status_code == 400
    assert answer.text == (
        "this desk does not answer to the host 'rebound.example' — add it to web.allowed_hosts"
    )
    assert all(name in answer.headers for name in SECURITY_HEADERS)
    with make_client(world, base_url="http://localhost:8400") as own:
        assert own.get("/login").status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article = world.articles["harbour-tides"]
    limit = world.desk.settings.web.max_body_bytes
    # 300 fields of 1 MiB, no token: refused by its size, before a field is parsed. (Sent
    # as a stream that says its length: the test itself holds one field at a time.)

    def fields() -> Iterator[bytes]:
        for n in range(300):
            yield b"&f%03d=" % n + b"x" * ((1 << 20) - 6)

    flood = signed_in.post(
        f"/articles/{article}/approve",
        content=fields(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "content-length": str(300 << 20),
        },
        follow_redirects=False,
    )
    assert flood.status_code == 413
    assert flood.text == f"refused: the request is larger than {limit} bytes"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(3):
            yield b"x" * limit

    streamed = signed_in.post(
        f"/articles/{article}/approve",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert streamed.status_code == 413
    assert world.store.articles.get(article, with_blocks=False).status == ArticleStatus.IN_REVIEW


def test_a_stale_token_in_the_header_is_refused_before_the_body_is_read(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article = world.articles["harbour-tides"]
    answer = signed_in.post(
        f"/articles/{article}/approve",
        data={"csrf": csrf_of(signed_in.get("/").text)},
        headers={"x-csrf-token": "stale"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert world.store.articles.get(article, with_blocks=False).status == ArticleStatus.IN_REVIEW


@pytest.mark.parametrize(
    "path",
    [
        "/?page=99999999999999999999",
        "/?page=9223372036854775807",
        "/articles/99999999999999999999",
        "/articles/99999999999999999999/preview",
        "/articles/9223372036854775807",
    ],
)
def test_ids_beyond_any_the_store_holds_are_not_found(signed_in: TestClient, path: str) -> None:
    answer = signed_in.get(path, headers={"accept": "text/html"})
    assert answer.status_code == 404
    assert all(name in answer.headers for name in SECURITY_HEADERS)


def test_a_huge_id_in_a_form_is_one_line(world: DeskWorld, signed_in: TestClient) -> None:
    token = csrf_of(signed_in.get("/").text)
    landed = signed_in.post(
        "/articles/reject", data={"csrf": token, "ids": ["99999999999999999999"], "back": "/"}
    )
    assert landed.status_code == 200
    assert "article &#39;99999999999999999999&#39; is not a number the desk knows" in landed.text


def test_pages_the_desk_has_not_carry_the_security_headers(signed_in: TestClient) -> None:
    answer = signed_in.get("/no/such/page")
    assert answer.status_code == 404
    assert all(name in answer.headers for name in SECURITY_HEADERS)


def test_the_not_found_page_speaks_to_an_editor_not_a_shell(signed_in: TestClient) -> None:
    answer = signed_in.get("/articles/4242", headers={"accept": "text/html"})
    assert answer.status_code == 404
    assert '<p class="flash flash-error">no article 4242</p>' in answer.text
    assert "foreigndesk" not in answer.text.split("<main>", 1)[1]


def test_the_preview_sends_no_referrer_to_the_source_site(
    world: DeskWorld, signed_in: TestClient
) -> None:
    answer = signed_in.get(f"/articles/{world.articles['bread-oven']}/preview")
    assert answer.headers["referrer-policy"] == "no-referrer"
    metas = re.findall(r"<meta[^>]*referrer[^>]*>", answer.text)
    assert metas == ['<meta name="referrer" content="no-referrer">']


def test_editors_review_and_admins_also_manage_sources(world: DeskWorld) -> None:
    accounts = Accounts(world.store)
    assert accounts.add_user("copyeditor", RIGHT).role == "editor"  # not the desk's first
    assert next(u for u in accounts.users() if u.name == EDITOR).role == "admin"
    with make_client(world, "192.0.2.90") as client:
        sign_in(client, "copyeditor", RIGHT)
        page = client.get("/sources").text
        assert 'action="/sources/add"' not in page and 'action="/rules/add"' not in page
        assert "Sources and rules are changed by an admin of the desk." in page
        token = csrf_of(page)
        before = len(world.store.sources.all())
        refused = client.post(
            "/sources/add", data={"csrf": token, "url": "http://127.0.0.1:9/x.xml", "lang": "en"}
        )
        assert len(world.store.sources.all()) == before
        assert (
            "error: only an admin may change sources and triage rules — ask an admin of the"
            " desk to make you one"
        ) in unescape(refused.text)
        # Reviewing is every editor's.
        article = world.articles["payloads"]
        approved = client.post(
            f"/articles/{article}/approve", data={"csrf": token}, follow_redirects=False
        )
        assert approved.status_code == 303
    accounts.set_role("copyeditor", "admin")
    with make_client(world, "192.0.2.91") as client:
        sign_in(client, "copyeditor", RIGHT)
        assert 'action="/sources/add"' in client.get("/sources").text
