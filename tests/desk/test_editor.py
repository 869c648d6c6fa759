"""The editor's work in-process: inline edits into the translation memory, another engine
for one block, glossary terms, lead, title, tags and title template, all seen in the
preview; the inbox's filters and bulk reject; sources; stats; the user commands."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from html import escape, unescape
from pathlib import Path

import pytest

from foreigndesk.config import Settings
from foreigndesk.models import ArticleStatus, Finding, Severity
from foreigndesk.store.accounts import Accounts
from foreigndesk.translate.memory import HUMAN
from tests.conftest import invoke
from tests.desk.conftest import DeskWorld, TestClient, csrf_of
from tests.fakes.libretranslate import LibreTranslateFake


@pytest.fixture(scope="module")
def libretranslate() -> Iterator[LibreTranslateFake]:
    with LibreTranslateFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def desk_sections(libretranslate: LibreTranslateFake) -> dict[str, dict[str, object]]:
    defaults = Settings().translate
    return {
        "translate": {
            "libretranslate": defaults.libretranslate.model_copy(
                update={"api_url": libretranslate.url}
            ),
            "budget": {"apertium": 1_000_000},
        },
        "web": {"login_attempts": 3, "prices": {"apertium": 2.5}},
    }


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form on ``html`` that posts to ``action``: its token and,
    where it has one, the version of what it edits."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    if form is None:
        return {"csrf": csrf_of(html)}
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1)
        )
    }


def post(client: TestClient, path: str, page: str, **data: object) -> str:
    """Submit a form on ``page`` the way the browser would; returns the page it lands on."""
    answer = client.post(path, data={**hidden_fields(client.get(page).text, path), **data})
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def flashes(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html)]


def paragraph(world: DeskWorld, name: str, nth: int = 0) -> int:
    article = world.store.articles.get(world.articles[name])
    return [i for i, b in enumerate(article.blocks) if b.kind.value == "paragraph"][nth]


def test_an_inline_edit_becomes_a_human_memory_entry_and_reaches_the_preview(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["bread-oven"]
    position = paragraph(world, "bread-oven", 1)
    page = f"/articles/{article_id}"
    landed = post(
        signed_in,
        f"{page}/blocks/{position}",
        page,
        text="La idea vino de una <em>panadera</em>.<script>alert(1)</script>",
    )
    assert f"block {position} saved as your translation" in flashes(landed)
    article = world.store.articles.get(article_id)
    humans = [e for e in world.store.memory.entries() if e.origin == HUMAN]
    [entry] = [e for e in humans if e.source_text == article.blocks[position].html]
    # Emphasis is markup; the rest of what was typed is text, kept, and inert.
    kept = "La idea vino de una <em>panadera</em>.&lt;script&gt;alert(1)&lt;/script&gt;"
    assert entry.target_text == kept
    assert world.desk.translation(article).human_edited
    preview = signed_in.get(f"{page}/preview")
    assert kept in preview.text
    assert "<script" not in preview.text
    assert "script-src 'none'" in preview.headers["content-security-policy"]
    box = re.search(rf'aria-label="translation of block {position}">(.*?)</textarea>', landed, re.S)
    assert box and unescape(box.group(1)) == (
        "La idea vino de una <em>panadera</em>.<script>alert(1)</script>"
    )


@pytest.mark.parametrize(
    "typed", ["si a<b y c>d", "Usa la etiqueta <br> para saltos", "Pan &amp; sal, y pan & sal"]
)
def test_the_edit_box_gives_back_exactly_what_was_typed(
    world: DeskWorld, signed_in: TestClient, typed: str
) -> None:
    article_id = world.articles["harbour-tides"]
    position = paragraph(world, "harbour-tides", 1)
    page = f"/articles/{article_id}"
    landed = post(signed_in, f"{page}/blocks/{position}", page, text=typed)
    box = re.search(rf'aria-label="translation of block {position}">(.*?)</textarea>', landed, re.S)
    assert box and unescape(box.group(1)) == typed
    assert (
        world.desk.compose(world.store.articles.get(article_id)).body_html.count(
            escape(typed, quote=False)
        )
        == 1
    )


def test_an_empty_edit_is_one_clear_error(world: DeskWorld, signed_in: TestClient) -> None:
    article_id = world.articles["bread-oven"]
    page = f"/articles/{article_id}"
    landed = post(signed_in, f"{page}/blocks/0", page, text="   ")
    assert flashes(landed) == ["error: block 0: the translation is empty — write one, or leave it"]


def test_one_block_translated_again_with_another_engine(
    world: DeskWorld, signed_in: TestClient, libretranslate: LibreTranslateFake
) -> None:
    article_id = world.articles["harbour-tides"]
    position = paragraph(world, "harbour-tides")
    page = f"/articles/{article_id}"
    landed = post(signed_in, f"{page}/blocks/{position}/retranslate", page, engine="libretranslate")
    assert f"block {position} translated again with libretranslate" in flashes(landed)
    assert len(libretranslate.requests) == 1
    article = world.store.articles.get(article_id)
    shown = world.desk.translation(article).blocks[position].html or ""
    assert shown == shown.upper() and "HARBOUR" in shown.upper()
    other = world.desk.translation(article).blocks[position + 1].html or ""
    assert other != other.upper()  # the rest of the article keeps apertium's translation
    assert "libretranslate" in world.store.memory.usage()


def test_an_unknown_engine_is_one_clear_error(world: DeskWorld, signed_in: TestClient) -> None:
    article_id = world.articles["harbour-tides"]
    page = f"/articles/{article_id}"
    landed = post(signed_in, f"{page}/blocks/0/retranslate", page, engine="nonesuch")
    [message] = flashes(landed)
    assert message.startswith("error: engine 'nonesuch' is not installed — choose one of")


def test_a_glossary_term_from_a_selection(world: DeskWorld, signed_in: TestClient) -> None:
    article_id = world.articles["bread-oven"]
    page = f"/articles/{article_id}"
    landed = post(
        signed_in, f"{page}/glossary", page, source="Mill  Street", target="calle del Molino"
    )
    assert "glossary: Mill Street → calle del Molino" in flashes(landed)
    assert ("Mill Street", "calle del Molino") in world.store.memory.glossary_terms("en", "es")
    assert "calle del Molino" in landed


def test_lead_title_tags_and_title_template_reach_the_preview(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["bread-oven"]
    page = f"/articles/{article_id}"
    lead = paragraph(world, "bread-oven", 2)
    post(signed_in, f"{page}/lead", page, lead=[str(lead)])
    assert world.store.articles.get(article_id, with_blocks=False).lead == (lead,)
    post(
        signed_in,
        f"{page}/meta",
        page,
        title="El horno de pan del barrio",
        tags="pan, barrios ,",
        title_template="{title} — {author}",
    )
    article = world.store.articles.get(article_id)
    assert article.tags == ("pan", "barrios")
    assert article.title_template == "{title} — {author}"
    post_now = world.desk.compose(article)
    assert post_now.title == "El horno de pan del barrio — Ingrid Solberg"
    assert post_now.tags == ("pan", "barrios")
    lead_text = world.desk.translation(article).blocks[lead].html or ""
    assert lead_text and lead_text in post_now.lead_html
    preview = signed_in.get(f"{page}/preview").text
    assert "El horno de pan del barrio — Ingrid Solberg" in preview


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{author}", "the title template needs {title} — e.g. {author}⚡️{title}"),
        ("{title}{nope}", "the title template has an unknown field {nope}"),
        ("{title:>30000000}", "the title template's {title} takes no format or conversion"),
    ],
)
def test_a_bad_title_template_is_refused_beside_its_field_and_nothing_is_saved(
    world: DeskWorld, signed_in: TestClient, template: str, problem: str
) -> None:
    article_id = world.articles["harbour-tides"]
    page = f"/articles/{article_id}"
    before = world.store.articles.get(article_id, with_blocks=False)
    answer = signed_in.post(
        f"{page}/meta",
        data={
            "csrf": csrf_of(signed_in.get(page).text),
            "title": "Un título nuevo",
            "tags": "mareas",
            "title_template": template,
        },
    )
    assert answer.status_code == 400
    beside = re.search(
        r'<span class="field-error" id="title-template-error">(.*?)</span>', answer.text
    )
    assert beside and unescape(beside.group(1)).startswith(problem)
    assert f'value="{escape(template)}"' in answer.text  # the form comes back as typed
    after = world.store.articles.get(article_id, with_blocks=False)
    assert (after.title_template, after.tags, after.status) == (
        before.title_template,
        before.tags,
        before.status,
    )
    assert signed_in.get(f"{page}/preview").status_code == 200


def test_findings_are_shown_beside_their_block(world: DeskWorld, signed_in: TestClient) -> None:
    article_id = world.articles["payloads"]
    world.store.articles.replace_findings(
        article_id,
        [
            Finding("numbers", Severity.ERROR, "the number 20 is missing", position=0),
            Finding("length", Severity.WARNING, "the article is short", position=None),
        ],
    )
    page = signed_in.get(f"/articles/{article_id}").text
    row = page.split('id="block-0"', 1)[1].split("</tr>", 1)[0]
    assert "the number 20 is missing" in row and "finding-error" in row
    assert "the article is short" in page
    assert "publish despite 1 QA error" in page
    errors_only = signed_in.get("/?status=all&qa=errors").text
    assert f'href="/articles/{article_id}"' in errors_only
    without_errors = [
        a.id
        for a in world.store.articles.all()
        if not any(f.severity == Severity.ERROR for f in world.store.articles.findings(a.id))
    ]
    assert without_errors
    assert not any(f'href="/articles/{i}"' in errors_only for i in without_errors)


def test_publishing_is_held_by_open_qa_errors_until_overridden(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["payloads"]
    page = f"/articles/{article_id}"
    held = post(signed_in, f"{page}/publish", page)
    # The checks run again before publishing; whatever they find decides.
    open_errors = [
        f
        for f in world.store.articles.findings(article_id)
        if f.severity == Severity.ERROR and not f.resolved
    ]
    status = world.store.articles.get(article_id, with_blocks=False).status
    if open_errors:
        assert status == ArticleStatus.APPROVED
        assert any("open QA error" in m for m in flashes(held))
        post(signed_in, f"{page}/publish", page, override_qa="1")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.PUBLISHED
    assert (world.desk.settings.output_dir / "index.html").exists()


def test_inbox_filters_search_and_bulk_reject(world: DeskWorld, signed_in: TestClient) -> None:
    review = signed_in.get("/").text
    assert "Counting Birds" in review
    found = signed_in.get("/?status=all&q=bicycle").text
    assert "Giving Old Bicycles" in found and "Counting Birds" not in found
    none = signed_in.get("/?status=all&lang=fr").text
    assert "Nothing here" in none
    source = world.store.articles.get(world.articles["payloads"], with_blocks=False).source_id
    by_source = signed_in.get(f"/?status=all&source={source}").text
    assert "Lighthouse" in by_source and "Counting Birds" not in by_source
    ids = [
        a.id
        for a in world.store.articles.all(ArticleStatus.IN_REVIEW)
        if a.title and ("Chess" in a.title or "Night Train" in a.title)
    ]
    assert len(ids) == 2
    landed = post(signed_in, "/articles/reject", "/", ids=[str(i) for i in ids], back="/")
    assert "rejected 2 of 2 articles" in flashes(landed)
    assert all(
        world.store.articles.get(i, with_blocks=False).status == ArticleStatus.REJECTED for i in ids
    )
    nothing = post(signed_in, "/articles/reject", "/", back="/")
    assert flashes(nothing) == ["error: no articles ticked — tick the ones to reject"]


def test_sources_add_edit_pause_and_health(world: DeskWorld, signed_in: TestClient) -> None:
    landed = post(
        signed_in,
        "/sources/add",
        "/sources",
        url="http://127.0.0.1:9/feed.xml",
        lang="fr",
        license="CC BY 4.0",
        engine="",
    )
    [source] = [s for s in world.store.sources.all() if s.url == "http://127.0.0.1:9/feed.xml"]
    assert f"added source {source.id} http://127.0.0.1:9/feed.xml" in flashes(landed)
    post(
        signed_in,
        f"/sources/{source.id}",
        f"/sources?edit={source.id}",
        url="http://127.0.0.1:9/atom.xml",
        lang="de",
        license="",
        engine="apertium",
        title="Ein Blatt",
    )
    [edited] = [s for s in world.store.sources.all() if s.id == source.id]
    assert (edited.url, edited.lang, edited.engine, edited.title) == (
        "http://127.0.0.1:9/atom.xml",
        "de",
        "apertium",
        "Ein Blatt",
    )
    post(signed_in, f"/sources/{source.id}/pause", "/sources", paused="1")
    assert next(s for s in world.store.sources.all() if s.id == source.id).paused
    page = signed_in.get("/sources").text
    assert "Ein Blatt" in page and "Resume" in page and "The Harbour Review" in page
    bad = post(signed_in, "/sources/add", "/sources", url="ftp://x", lang="en")
    assert flashes(bad) == [
        "error: source 'ftp://x': not an http(s) URL — give the feed's or page's address"
    ]


def test_stats_are_svg_charts_without_script(world: DeskWorld, signed_in: TestClient) -> None:
    page = signed_in.get("/stats").text
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) >= 5  # per source, per day, apertium units and cost, findings
    labels = " ".join(charts)
    assert "articles per source" in labels and "The Harbour Review" in labels
    assert "apertium: units billed per month" in labels and "budget 1.0M" in labels
    assert "apertium: cost per month" in labels
    assert "<script" not in "".join(charts)


def test_user_add_reads_the_password_from_standard_input(world: DeskWorld, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from foreigndesk.cli import app

    config = tmp_path / "desk.toml"
    assert invoke("init", "--config", config, "--target-lang", "es").exit_code == 0
    refused = invoke("desk", "--config", config)
    assert refused.exit_code == 1
    assert "no editors yet — add one with `foreigndesk user add NAME`" in refused.output
    runner = CliRunner()
    added = runner.invoke(
        app, ["user", "add", "maria", "--config", str(config)], input="a long passphrase\n"
    )
    assert added.exit_code == 0, added.output
    assert "added user maria (admin)" in added.output  # the desk's first user
    demoted = runner.invoke(app, ["user", "role", "maria", "editor", "--config", str(config)])
    assert demoted.exit_code == 0 and "maria is now editor" in demoted.output
    wrong = runner.invoke(app, ["user", "role", "maria", "boss", "--config", str(config)])
    assert wrong.exit_code == 1 and "role 'boss' — choose editor or admin" in wrong.output
    runner.invoke(app, ["user", "role", "maria", "admin", "--config", str(config)])
    short = runner.invoke(app, ["user", "add", "jo", "--config", str(config)], input="short\n")
    assert short.exit_code == 1
    assert "password too short — use at least 8 characters" in short.output
    again = runner.invoke(
        app, ["user", "add", "maria", "--config", str(config)], input="another passphrase\n"
    )
    assert "user 'maria' exists" in again.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = invoke("desk", "--port", port, "--config", config)
    assert busy.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in busy.output
    listed = invoke("user", "list", "--config", config)
    assert "maria" in listed.output
    assert "a long passphrase" not in (tmp_path / "desk.db").read_bytes().decode("latin-1")
    assert Accounts(world.store).authenticate("maria", "a long passphrase") is None


def test_the_inbox_shows_each_title_in_both_languages(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article = world.store.articles.get(world.articles["harbour-tides"])
    translated = world.desk.translation(article).title
    assert translated and translated != article.title
    page = signed_in.get("/?status=all").text
    row = page.split(f'value="{article.id}"', 1)[1].split("</tr>", 1)[0]
    assert escape(article.title or "", quote=False) in row
    assert (
        f'<span class="translated-title" lang="es">{escape(translated, quote=False)}</span>' in row
    )


def test_a_source_filed_in_a_category_and_the_inbox_filtered_by_it(
    world: DeskWorld, signed_in: TestClient
) -> None:
    payloads = world.store.articles.get(world.articles["payloads"], with_blocks=False)
    source = world.store.sources.get(payloads.source_id)
    assert source is not None
    post(
        signed_in,
        f"/sources/{source.id}",
        f"/sources?edit={source.id}",
        url=source.url,
        lang=source.lang,
        license=source.license or "",
        engine="",
        title=source.title or "",
        category="Pruebas",
    )
    assert world.store.sources.categories() == ["Pruebas"]
    page = signed_in.get("/?status=all&category=Pruebas").text
    shown = set(re.findall(r'name="ids" value="(\d+)"', page))
    assert shown == {str(payloads.id)}
    assert "Pruebas" in signed_in.get("/sources").text
