"""The one HTTP client: it identifies itself, caps what it reads, and turns every failure
into a line that says what to do. Tested against a real server on loopback."""

from __future__ import annotations

import pytest

from foreigndesk.errors import FetchError
from foreigndesk.fetch import fetch, make_client


def test_a_page_comes_back_with_its_type_and_validators(sample_url: str) -> None:
    with make_client("foreigndesk-test (+https://desk.test)", 10) as client:
        result = fetch(client, f"{sample_url}articles/bread-oven.html", max_bytes=1 << 20)
    assert result.status_code == 200
    assert result.is_html
    assert b"Mill Street" in result.content
    assert result.last_modified is not None


def test_an_unchanged_page_is_not_sent_again(sample_url: str) -> None:
    url = f"{sample_url}feed.xml"
    with make_client("foreigndesk-test", 10) as client:
        first = fetch(client, url, max_bytes=1 << 20)
        again = fetch(client, url, max_bytes=1 << 20, last_modified=first.last_modified)
    assert again.not_modified
    assert again.content == b""


def test_a_page_over_the_size_cap_is_refused(sample_url: str) -> None:
    with (
        make_client("foreigndesk-test", 10) as client,
        pytest.raises(FetchError, match=r"larger than 1000 bytes — raise fetch\.max_bytes"),
    ):
        fetch(client, f"{sample_url}articles/bread-oven.html", max_bytes=1000)


def test_a_missing_page_names_the_status(sample_url: str) -> None:
    with (
        make_client("foreigndesk-test", 10) as client,
        pytest.raises(FetchError, match=r"missing\.html: HTTP 404"),
    ):
        fetch(client, f"{sample_url}missing.html", max_bytes=1 << 20)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.test/feed.xml", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://news.invalid/feed", "cannot resolve host news.invalid"),
        ("http:///feed", "has no host"),
    ],
)
def test_urls_that_cannot_be_fetched_are_refused_before_any_request(url: str, message: str) -> None:
    with make_client("foreigndesk-test", 10) as client, pytest.raises(FetchError, match=message):
        fetch(client, url, max_bytes=1 << 20)


def test_a_closed_port_says_to_check_the_site() -> None:
    with (
        make_client("foreigndesk-test", 5) as client,
        pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1"),
    ):
        fetch(client, "http://127.0.0.1:9/", max_bytes=1 << 20)


def test_every_request_carries_the_desks_user_agent() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("User-Agent", ""))
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html></html>")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    agent = "foreigndesk/0.1.0 (+https://desk.test/contact)"
    with make_client(agent, 5) as client:
        fetch(client, f"http://127.0.0.1:{server.server_address[1]}/", max_bytes=1 << 20)
    thread.join()
    server.server_close()
    assert seen == [agent]
