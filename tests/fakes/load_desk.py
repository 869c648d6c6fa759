"""A desk subscribed to every feed of a load web: the load test and the fetch benchmark
measure the same set-up."""

from __future__ import annotations

from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from tests.conftest import write_config
from tests.fakes.web import LoadWeb, test_resolver


def open_load_desk(folder: Path, web: LoadWeb, **fetch: object) -> Desk:
    """A desk in ``folder`` with one source per feed; ``fetch`` settings on top of these."""
    config = write_config(
        folder,
        fetch={
            # Only the load's own host names get through the SSRF guard, not 127.0.0.1.
            "allow_hosts": [],
            "host_delay": 0.0,
            "retry_base_seconds": 1.0,
            **fetch,
        },
    )
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    for host, feed in web.plan.feeds:
        store.sources.add(web.url(host, feed), "en")
    return Desk(settings, store, allow_hosts=web.plan.host_names, resolver=test_resolver)
