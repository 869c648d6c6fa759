"""fetch.resolve: host names the desk resolves itself, as curl's --resolve does, for names
the machine's DNS does not know. Read from desk.toml by every process of the desk, so a
Celery worker elsewhere resolves them as the desk does; the SSRF guard still judges the
address it gives."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.errors import DeskError
from foreigndesk.fetch.guard import IPAddress
from foreigndesk.fetch.transport import mapped_resolver
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from tests.conftest import write_config


def test_an_exact_name_wins_then_the_longest_wildcard_then_the_machines_dns() -> None:
    asked: list[str] = []

    async def dns(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [ipaddress.ip_address("192.0.2.9")]

    resolve = mapped_resolver(
        {"*.test": "127.0.0.1", "*.inner.test": "10.0.0.7", "web.inner.test": "::1"}, dns
    )

    async def addresses() -> list[str]:
        names = ["web.inner.test", "db.inner.test", "Feeds.TEST.", "example.org"]
        return [str((await resolve(name, 80))[0]) for name in names]

    assert asyncio.run(addresses()) == ["::1", "10.0.0.7", "127.0.0.1", "192.0.2.9"]
    assert asked == ["example.org"]


def desk_for(folder: Path, **fetch: object) -> Desk:
    config = write_config(folder, fetch={"allow_hosts": [], **fetch})
    settings = load_settings(config)
    return Desk(settings, Store.open(settings.database_url))


def test_a_name_only_desk_toml_resolves_is_fetched(tmp_path: Path, sample_url: str) -> None:
    feed = sample_url.replace("127.0.0.1", "magazine.test") + "feed.xml"
    desk = desk_for(tmp_path, resolve={"magazine.test": "127.0.0.1"}, allow_hosts=["magazine.test"])
    try:
        desk.store.sources.add(feed, "en", "CC BY 4.0")
        report = desk.run()
        articles = desk.store.articles.all()
    finally:
        desk.store.close()
    assert report.failed == 0
    assert len(articles) == 10
    assert all(a.url.startswith("http://magazine.test:") for a in articles)
    assert all(a.status == ArticleStatus.IN_REVIEW for a in articles)


def test_the_guard_still_judges_the_address_a_name_is_given(
    tmp_path: Path, sample_url: str
) -> None:
    feed = sample_url.replace("127.0.0.1", "magazine.test") + "feed.xml"
    desk = desk_for(tmp_path, resolve={"magazine.test": "127.0.0.1"})  # not in allow_hosts
    try:
        desk.store.sources.add(feed, "en", "CC BY 4.0")
        desk.run()
        [health] = desk.store.sources.health()
    finally:
        desk.store.close()
    assert health.last_error is not None
    assert "magazine.test resolves to 127.0.0.1" in health.last_error


@pytest.mark.parametrize(
    ("resolve", "line"),
    [
        (
            "{ 'staging example' = '10.0.0.5' }",
            "'staging example' is not a host name (write 'name.example' or '*.example')",
        ),
        (
            "{ 'staging.example' = 'ten' }",
            "'ten' for 'staging.example' is not an IP address (write '10.0.0.5' or '::1')",
        ),
    ],
)
def test_a_mapping_that_is_not_a_name_to_an_address_is_refused_in_one_line(
    tmp_path: Path, resolve: str, line: str
) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(f"[fetch]\nresolve = {resolve}\n")
    with pytest.raises(DeskError) as raised:
        load_settings(config)
    assert "setting fetch.resolve" in str(raised.value)
    assert line in str(raised.value)
    assert "\n" not in str(raised.value)
