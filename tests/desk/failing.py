"""A desk whose articles failed in translation part-way, made the way it happens.

The engine is a LibreTranslate server (the fake, on loopback) that refuses every request
holding one of a few sentences, with the 400 LibreTranslate answers for a text it cannot
take; everything else it translates as apertium does (the real apertium, en → es), so
what it translates reads as Spanish and passes QA. The translator bisects each refused
batch down to the refused segment, so an article fails with exactly those blocks left
untranslated and the rest kept in the translation memory — what a weak model does to an
article, without one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from foreigndesk.config import Settings, load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from foreigndesk.store.accounts import Accounts
from foreigndesk.translate.engines.apertium import ApertiumEngine
from foreigndesk.web import create_app
from tests.conftest import write_config
from tests.desk.conftest import EDITOR, PASSWORD, DeskWorld
from tests.fakes._server import RecordedRequest, Reply, json_reply
from tests.fakes.libretranslate import LibreTranslateFake

#: Sample articles → sentences the engine refuses in them (each in one block).
REFUSED: dict[str, tuple[str, ...]] = {
    # Blocks 3 and 8: two paragraphs.
    "bread-oven": ("The oven took four months to build.", "The oven group has simple rules."),
    # One paragraph.
    "chess-club": ("The club was founded by a retired teacher",),
    # An image's caption and a paragraph.
    "harbour-tides": ("Volunteers test a flood gate", "The first line of defence"),
    # One paragraph each.
    "night-trains": ("The first hour was the most interesting.",),
    "old-bicycles": ("Every bicycle that arrives receives a careful check.",),
    "repair-cafe": ("Electrical items are the most common.",),
}


class RefusingLibreTranslate(LibreTranslateFake):
    """LibreTranslate translating as apertium does, refusing the texts in ``refused``."""

    def __init__(self, refused: tuple[str, ...]) -> None:
        super().__init__()
        self.refused = refused
        self.apertium = ApertiumEngine.from_settings(Settings())

    def _translate(self, request: RecordedRequest, route: object) -> Reply:
        body = request.json_body
        texts = body.get("q") if isinstance(body, dict) else None
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return super()._translate(request, route)
        if any(sentence in text for text in texts for sentence in self.refused):
            return self.error_reply(400, "Cannot translate text: the model gave up")
        result = asyncio.run(self.apertium.translate(texts, "en", "es"))
        return json_reply(200, {"translatedText": list(result.segments)})


@contextmanager
def failed_world(
    folder: Path, sample_url: str, articles: Mapping[str, tuple[str, ...]] = REFUSED
) -> Iterator[tuple[DeskWorld, Path]]:
    """A desk (and its desk.toml) that ran once over the sample ``articles``, each its own
    source, translating with the refusing LibreTranslate: every one failed in translation.
    A failed article waits an hour before the desk tries it again, so a test's run
    publishes without translating it afresh."""
    with ExitStack() as stack:
        fake = stack.enter_context(
            RefusingLibreTranslate(tuple(s for refused in articles.values() for s in refused))
        )
        defaults = Settings().translate
        config = write_config(
            folder,
            translate={
                "engine": "libretranslate",
                "mode": "full",
                "libretranslate": defaults.libretranslate.model_copy(update={"api_url": fake.url}),
            },
            fetch={"retry_base_seconds": 3600.0},
            web={"allowed_hosts": ["127.0.0.1", "localhost"]},
        )
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        stack.callback(store.close)
        desk = Desk(settings, store)
        pages = {name: f"{sample_url}articles/{name}.html" for name in articles}
        for url in pages.values():
            store.sources.add(url, "en", "CC BY 4.0", kind="url")
        report = desk.run()
        assert report.failed == len(articles), report
        by_url = {a.url: a.id for a in store.articles.all()}
        ids = {name: by_url[url] for name, url in pages.items()}
        assert all(
            store.articles.get(i, with_blocks=False).status == ArticleStatus.FAILED
            for i in ids.values()
        )
        Accounts(store).add_user(EDITOR, PASSWORD)
        yield DeskWorld(folder, desk, store, create_app(settings, store), ids), config
