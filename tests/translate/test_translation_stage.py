"""The translation stage with the real apertium engine: glossary spellings everywhere,
the memory reused, an editor's correction winning, and TMX and glossary files in and out."""

from __future__ import annotations

import json
from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.store import Store
from foreigndesk.translate.memory import human_entry, source_hash
from tests.conftest import invoke, write_config
from tests.fakes import OpenAIFake


def test_glossary_names_are_spelled_its_way_in_title_byline_and_body(
    desk: Desk, sample_url: str
) -> None:
    desk.store.memory.add_glossary_terms(
        "en", "es", [("Ingrid Solberg", "Íngrid Sólberg"), ("Mill Street", "Calle Molinera")]
    )
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    desk.run()
    [bread] = [a for a in desk.store.articles.all() if "bread-oven" in a.url]
    desk.approve(bread.id)
    desk.run()
    [post] = [p for p in desk.store.posts.all() if p.article_id == bread.id]
    assert post.title.startswith("Íngrid Sólberg⚡️")
    assert "Calle Molinera" in post.title
    assert post.byline.startswith("Íngrid Sólberg · ")
    assert "Calle Molinera" in post.body_html
    assert "Mill Street" not in post.body_html
    # The attribution names the author as the original does.
    assert post.attribution.authors == ("Ingrid Solberg",)


def test_an_editors_correction_wins_and_is_marked(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    desk.run()
    [chess] = [a for a in desk.store.articles.all() if "chess-club" in a.url]
    article = desk.store.articles.get(chess.id)
    first = next(b for b in article.blocks if b.kind.value == "paragraph")
    desk.store.memory.save([human_entry(first.html, "Corregido por una editora.", "en", "es")])
    translation = desk.translation(article)
    assert translation.human_edited
    assert any(item.html == "Corregido por una editora." for item in translation.blocks)
    desk.approve(chess.id)
    desk.run()
    [post] = [p for p in desk.store.posts.all() if p.article_id == chess.id]
    assert "Corregido por una editora." in post.body_html
    assert post.attribution.human_edited


def test_memory_entries_record_their_engine_and_flags(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    report = RunReport()
    desk.discover(report)
    desk.fetch_pages(report)
    desk.extract(report)
    desk.translate(report)
    entries = desk.store.memory.entries("en", "es")
    assert entries
    assert {e.engine for e in entries} == {"apertium"}
    assert any(f.startswith("unknown_words:") for e in entries for f in e.flags)
    assert all(e.source_hash == source_hash(e.source_text) for e in entries)
    assert desk.store.articles.status_counts() == {ArticleStatus.TRANSLATED.value: 10}


def test_glossary_and_memory_files_through_the_cli(config_path: Path, tmp_path: Path) -> None:
    csv = tmp_path / "names.csv"
    csv.write_text("source,target\nJane Roe,ジェーン・ロウ\nKenji Mori,森健二\n", encoding="utf-8")
    result = invoke(
        "glossary", "import", csv, "--from", "en", "--to", "ja", "--config", config_path
    )
    assert result.exit_code == 0, result.output
    assert "2 terms read, 2 new or changed (en→ja)" in result.output
    listed = invoke("glossary", "list", "--from", "en", "--to", "ja", "--config", config_path)
    assert "ジェーン・ロウ" in listed.output

    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="en" datatype="html"'
        ' segtype="paragraph" adminlang="en" creationtool="t" creationtoolversion="1"'
        ' o-tmf="t"/><body><tu><tuv xml:lang="en"><seg>Hello.</seg></tuv>'
        '<tuv xml:lang="es"><seg>Hola.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    imported = invoke("tm", "import", tmx, "--from", "en", "--to", "es", "--config", config_path)
    assert "1 units read, 1 stored" in imported.output
    out = tmp_path / "out.tmx"
    exported = invoke("tm", "export", out, "--config", config_path)
    assert "1 units written" in exported.output
    assert "Hola." in out.read_text(encoding="utf-8")


def test_a_failing_block_is_reported_the_rest_kept_and_only_it_retried(
    tmp_path: Path, sample_url: str
) -> None:
    poison = "The oven took four months to build."
    broken = True

    def model(request: dict[str, object]) -> str:
        messages = request["messages"]
        assert isinstance(messages, list)
        segments = json.loads(messages[-1]["content"])
        if broken and any(poison in s for s in segments):
            return "Sorry, I cannot help with that."
        return json.dumps({"translations": [s.upper() for s in segments]})

    with OpenAIFake(api_key=None, responder=model) as fake:
        config = write_config(
            tmp_path,
            fetch={"retry_base_seconds": 0.0},
            translate={"engine": "openai", "mode": "full"},
        )
        text = config.read_text().replace(
            'api_url = "http://127.0.0.1:8080/v1"', f'api_url = "{fake.url}/v1"'
        )
        config.write_text(text)
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        desk = Desk(settings, store)
        store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        report = desk.run()

        [failed] = store.articles.all(ArticleStatus.FAILED)
        assert "bread-oven" in failed.url
        assert failed.error is not None
        assert failed.error.startswith("1 of ")
        assert "block " in failed.error
        assert "not the JSON object asked for" in failed.error
        assert report.translated == 9
        kept = len(store.memory.entries())

        broken = False
        fake.reset()
        again = desk.run()
        sent = [json.loads(c["messages"][-1]["content"]) for c in fake.completions]
        store.close()

    assert again.translated == 1
    # One request, carrying only the paragraph that failed.
    assert len(sent) == 1
    assert len(sent[0]) == 1
    assert poison in sent[0][0]
    assert kept > 100
