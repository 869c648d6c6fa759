"""Names in Japanese: the first time a person is met, the editor is offered the engine's
katakana for the name; once confirmed (or corrected) it is in the glossary, and every
later translation writes it so, the byline included. A dismissed name is not offered
again, and a name met again costs no engine call.

The engine is the openai client against its fake (tests/fakes/openai.py), which writes
Latin capitals as katakana and follows the glossary its prompt lists, as a model does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from foreigndesk.store.accounts import Accounts
from foreigndesk.web import create_app
from tests.conftest import invoke, write_config
from tests.desk.conftest import EDITOR, PASSWORD, TestClient, sign_in
from tests.desk.test_editor import flashes, post
from tests.fakes.openai import (
    OpenAIFake,
    Responder,
    find_segments,
    japanese_translate,
    last_user_text,
)
from tests.translate.test_translator import prompt_following_model

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The River Post</title>
<meta property="og:title" content="{title}"></head>
<body><main><article>
<h1>{title}</h1>
<p class="byline">By <a rel="author" href="/authors/jane-roe.html">Jane Roe</a> ·
<time datetime="2024-11-16">16 November 2024</time></p>
{paragraphs}
</article></main></body></html>
"""

FIRST = [
    "The river trust met on Tuesday evening in the old boathouse by the weir.",
    "Dr. Karl Weber, a hydrologist, showed the trust how the water rose last winter.",
    "Weber said that the banks upstream had held well, and that the new reeds helped.",
    "The members agreed to plant more reeds along the northern bank next spring.",
]
LATER = [
    "The reeds planted by the river trust in spring have grown well through the summer.",
    "Jane Roe, who chairs the trust, walked the northern bank with the volunteers.",
    "Roe said the water was clearer than in any year she could remember.",
    "Karl Weber will measure the flow again in the autumn, when the rains come.",
]


def write_page(site: Path, slug: str, title: str, paragraphs: list[str]) -> None:
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    (site / f"{slug}.html").write_text(PAGE.format(title=title, paragraphs=body), "utf-8")


@dataclass
class World:
    desk: Desk
    store: Store
    fake: OpenAIFake
    config: Path
    site_url: str
    client: TestClient

    def article(self, slug: str) -> int:
        [found] = [a.id for a in self.store.articles.all() if a.url.endswith(f"/{slug}.html")]
        return found

    def add_and_run(self, slug: str) -> int:
        self.store.sources.add(f"{self.site_url}{slug}.html", "en", "CC BY 4.0", kind="url")
        report = self.desk.run()
        assert report.failed == 0, self.desk.reporter
        return self.article(slug)

    def on_names_form(self, slug: str, **fields: str) -> str:
        """Send the names form of the article ``slug`` as the editor would; the page it
        lands on."""
        page = f"/articles/{self.article(slug)}"
        return post(self.client, f"{page}/names", page, **fields)

    def sent_alone(self, name: str) -> int:
        """How many times the model was asked for ``name`` as a segment of its own."""
        return sum(
            name in (find_segments(last_user_text(request)) or [])
            for request in self.fake.completions
        )


@contextmanager
def open_world(tmp_path: Path, model: Responder = prompt_following_model) -> Iterator[World]:
    """A Japanese desk on the openai engine's fake answering as ``model``, its review desk
    signed in, the first article run through every stage."""
    site = tmp_path / "site"
    site.mkdir()
    write_page(site, "first", "River Trust Plans More Reeds", FIRST)
    write_page(site, "later", "Reeds Clear the River", LATER)
    with OpenAIFake(api_key=None, responder=model) as fake:
        config = write_config(
            tmp_path,
            desk={"target_lang": "ja", "locale": "ja_JP"},
            translate={"engine": "openai", "mode": "full", "openai": {"api_url": f"{fake.url}/v1"}},
            web={"allowed_hosts": ["127.0.0.1"]},
        )
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        try:
            Accounts(store).add_user(EDITOR, PASSWORD)
            desk = Desk(settings, store)
            with (
                serve_directory(site) as site_url,
                TestClient(create_app(settings, store), base_url="http://127.0.0.1") as client,
            ):
                made = World(desk, store, fake, config, site_url, sign_in(client))
                made.add_and_run("first")
                yield made
        finally:
            store.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with open_world(tmp_path) as made:
        yield made


def test_the_first_article_naming_people_offers_the_engines_spelling_of_each(
    world: World,
) -> None:
    offers = world.store.memory.name_offers("en", "ja")
    assert [(o.name, o.spelling, o.engine) for o in offers] == [
        ("Jane Roe", japanese_translate("Jane Roe"), "openai"),  # the author
        ("Karl Weber", japanese_translate("Karl Weber"), "openai"),  # "Weber said…"
    ]
    page = world.client.get(f"/articles/{world.article('first')}").text
    assert "Names to confirm" in page
    assert f'value="{japanese_translate("Jane Roe")}"' in page


def test_a_confirmed_name_is_written_so_in_later_translations_and_the_byline(
    world: World,
) -> None:
    landed = world.on_names_form(
        "first", name="Jane Roe", spelling="ジェーン・ロウ", action="confirm"
    )
    # The first article names her only as its author: her full name alone goes in.
    assert flashes(landed)[0].startswith("glossary: Jane Roe → ジェーン・ロウ — later")
    assert ("Jane Roe", "ジェーン・ロウ") in world.store.memory.glossary_terms("en", "ja")
    assert [o.name for o in world.store.memory.name_offers("en", "ja")] == ["Karl Weber"]

    later = world.add_and_run("later")
    translation = world.desk.translation(world.store.articles.get(later))
    text = " ".join(b.html or "" for b in translation.blocks)
    assert "ジェーン・ロウ" in text
    assert japanese_translate("Jane Roe") not in text
    assert any("Jane Roe → ジェーン・ロウ" in str(request) for request in world.fake.completions)
    assert world.sent_alone("Jane Roe") == 1  # once, when first met
    composed = world.desk.compose(world.store.articles.get(later))
    assert composed.byline.startswith("ジェーン・ロウ著:2024年11月16日"), composed.byline
    assert composed.title.startswith("ジェーン・ロウ⚡️")
    assert composed.attribution.authors == ("Jane Roe",)  # as the original gives it
    assert [o.name for o in world.store.memory.name_offers("en", "ja")] == ["Karl Weber"]


def test_the_surname_alone_follows_the_full_name_where_the_article_uses_it(
    world: World,
) -> None:
    # Confirmed from the later one ("Jane Roe, who chairs…", then "Roe said…"), her
    # surname alone goes in with it, so that "Roe said" agrees with the first mention.
    world.add_and_run("later")
    landed = world.on_names_form(
        "later", name="Jane Roe", spelling="ジェーン・ロウ", action="confirm"
    )
    assert "glossary: Jane Roe → ジェーン・ロウ; Roe → ロウ" in flashes(landed)[0]
    assert dict(world.store.memory.glossary_terms("en", "ja"))["Roe"] == "ロウ"


def test_a_dismissed_name_is_not_offered_again_nor_sent_alone_again(world: World) -> None:
    landed = world.on_names_form("first", name="Karl Weber", action="dismiss")
    assert "Karl Weber: not offered again" in flashes(landed)
    assert world.sent_alone("Karl Weber") == 1
    world.add_and_run("later")  # names Karl Weber again
    assert "Karl Weber" not in [o.name for o in world.store.memory.name_offers("en", "ja")]
    assert world.sent_alone("Karl Weber") == 1  # the memory had it


def test_the_cli_lists_names_waiting_and_refuses_one_that_is_not(world: World) -> None:
    listed = invoke("glossary", "names", "--json", "--config", world.config)
    assert listed.exit_code == 0, listed.output
    assert [row["name"] for row in json.loads(listed.output)] == ["Jane Roe", "Karl Weber"]
    wrong = invoke("glossary", "confirm", "Jane Doe", "--config", world.config)
    assert wrong.exit_code == 1
    assert "'Jane Doe' is not a name waiting in the en→ja glossary" in wrong.output
    as_offered = invoke("glossary", "confirm", "Karl Weber", "--config", world.config)
    assert f"Karl Weber → {japanese_translate('Karl Weber')}" in as_offered.output


def test_a_model_that_fumbles_names_holds_back_no_article_and_pauses_no_engine(
    tmp_path: Path,
) -> None:
    """Asked for names alone, this model echoes them (refused: the answer repeats the
    source); its paragraphs it translates. The names are not offered, the article goes on
    to review, and the engine, refused many times over, still translates the next one."""

    def fumbles_names(request: dict[str, Any]) -> str:
        segments = find_segments(last_user_text(request)) or []
        if segments and set(segments) <= {"Jane Roe", "Karl Weber"}:
            return json.dumps({"translations": segments})
        return prompt_following_model(request)

    with open_world(tmp_path, fumbles_names) as made:
        later = made.add_and_run("later")
        statuses = [
            made.store.articles.get(made.article(slug)).status for slug in ("first", "later")
        ]
        offers = made.store.memory.name_offers("en", "ja")
        refused = made.sent_alone("Jane Roe")
    assert statuses == [ArticleStatus.IN_REVIEW, ArticleStatus.IN_REVIEW]
    assert offers == []
    assert refused >= 1
    assert later
