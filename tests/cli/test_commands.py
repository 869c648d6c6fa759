"""The command line as a user meets it: each line asserted exactly as it is printed."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from foreigndesk import __version__
from foreigndesk.config import load_settings
from foreigndesk.store import Store
from tests.conftest import invoke, write_config


def desk_in(folder: Path, **sections: dict[str, object]) -> Path:
    """A desk.toml (and its folder) of a desk of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_config(folder, **sections)


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"foreigndesk {__version__}\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["show", "abc"],
            "error: Invalid value for 'ARTICLE_ID': Input should be a valid integer, unable to"
            " parse string as an integer — see `foreigndesk show --help`",
        ),
        (["frobnicate"], "error: No such command 'frobnicate' — see `foreigndesk --help`"),
        (["source", "add"], "error: Missing argument 'URL' — see `foreigndesk source add --help`"),
    ],
)
def test_a_usage_mistake_is_one_line_and_status_2(
    config_path: Path, args: list[str], line: str
) -> None:
    result = invoke(*args, "--config", config_path)
    assert result.exit_code == 2
    assert lines(result.output) == [line]


def test_a_port_in_use_is_one_line(config_path: Path) -> None:
    (config_path.parent / "public").mkdir()
    (config_path.parent / "public" / "index.html").write_text("<p>hi</p>")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--port", port, "--config", config_path)
    assert result.exit_code == 1
    assert lines(result.output) == [
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use) — choose another --port"
    ]


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "not-a-url",
            "error: 'not-a-url' is not an http(s) URL (no scheme) — give the"
            " feed's or page's address — see `foreigndesk source add --help`",
        ),
        (
            "ftp://example.org/feed.xml",
            "error: 'ftp://example.org/feed.xml' is not an http(s) URL (ftp://)"
            " — give the feed's or page's address — see `foreigndesk source add --help`",
        ),
    ],
)
def test_a_source_that_is_not_a_web_address_is_refused(
    config_path: Path, url: str, line: str
) -> None:
    result = invoke("source", "add", url, "--config", config_path)
    assert result.exit_code == 2
    assert lines(result.output) == [line]


def test_a_language_that_is_not_a_code_is_refused_with_the_nearest(config_path: Path) -> None:
    result = invoke("source", "add", "https://example.org/feed.xml", "--lang", "japanese",
                    "--config", config_path)  # fmt: skip
    assert result.exit_code == 2
    assert lines(result.output) == [
        "error: --lang 'japanese' is not a language code — did you mean 'ja'?"
        " — see `foreigndesk source add --help`"
    ]


def test_source_add_finds_out_what_a_url_is_and_its_language(
    config_path: Path, sample_url: str
) -> None:
    feed, home = f"{sample_url}feed.xml", sample_url
    article = f"{sample_url}articles/bread-oven.html"

    added = invoke("source", "add", feed, "--config", config_path)
    single = invoke("source", "add", article, "--category", "food", "--config", config_path)
    again = invoke("source", "add", home, "--config", config_path)

    assert lines(added.output) == [
        f"added source 1 {feed} (en, found from its first article) — a feed listing 10 articles"
    ]
    assert lines(single.output) == [
        f"added source 2 {article} (en, found from its first article) in food — a single article"
    ]
    assert lines(again.output) == [
        f"already there: source 1 {feed} (en, found from its first article) — a feed listing"
        f" 10 articles, the feed that {home} announces"
    ]


def test_a_single_article_stays_a_single_article(tmp_path: Path, sample_url: str) -> None:
    config = write_config(tmp_path)
    article = f"{sample_url}articles/bread-oven.html"
    assert invoke("source", "add", article, "--lang", "en", "--config", config).exit_code == 0
    assert invoke("run", "--config", config).exit_code == 0
    listed = json.loads(invoke("articles", "list", "--json", "--config", config).output)
    assert [a["url"] for a in listed] == [article]


def test_a_source_that_cannot_be_fetched_is_not_added_without_a_language(
    config_path: Path,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    result = invoke("source", "add", url, "--config", config_path)
    assert result.exit_code == 1
    [line] = lines(result.output)
    assert line.startswith(f"error: {url}: not added — ")
    assert line.endswith("; give --lang to add it without fetching it now")
    assert invoke("source", "list", "--json", "--config", config_path).output.strip() == "[]"


def test_sources_are_edited_filed_and_removed(config_path: Path, sample_url: str) -> None:
    feed = f"{sample_url}feed.xml"
    invoke("source", "add", feed, "--lang", "en", "--config", config_path)
    edited = invoke("source", "edit", "1", "--title", "The Review", "--category", "news",
                    "--interval", "90", "--lang", "en-GB", "--config", config_path)  # fmt: skip
    assert lines(edited.output) == [
        f"source 1 {feed}: title 'The Review', lang 'en-GB', category 'news', interval 5400"
    ]
    [listed] = json.loads(invoke("source", "list", "--json", "--config", config_path).output)
    assert (listed["title"], listed["category"], listed["lang"], listed["poll_every"]) == (
        "The Review",
        "news",
        "en-GB",
        5400,
    )
    other = json.loads(
        invoke("source", "list", "--category", "sport", "--json", "--config", config_path).output
    )
    assert other == []
    nothing = invoke("source", "edit", "1", "--config", config_path)
    assert nothing.exit_code == 2

    assert invoke("run", "--config", config_path).exit_code == 0
    removed = invoke("source", "remove", "1", "--config", config_path)
    assert lines(removed.output) == [
        f"removed source 1 {feed}; its articles and posts stay (`source add` follows it again)"
    ]
    assert invoke("source", "list", "--json", "--config", config_path).output.strip() == "[]"
    kept = json.loads(invoke("articles", "list", "--json", "--config", config_path).output)
    assert len(kept) == 10
    back = invoke("source", "add", feed, "--lang", "en", "--config", config_path)
    assert lines(back.output)[0].startswith(f"added source 1 {feed}")
    purged = invoke("source", "remove", "1", "--purge", "--config", config_path)
    assert lines(purged.output) == [f"removed source 1 {feed}; 10 articles deleted with it"]
    assert invoke("articles", "list", "--json", "--config", config_path).output.strip() == "[]"


def test_lists_print_whole_values_when_piped_and_json_for_scripts(
    config_path: Path, sample_url: str
) -> None:
    long_url = f"{sample_url}feed.xml?" + "x" * 120
    invoke("source", "add", long_url, "--lang", "en", "--config", config_path)
    table = invoke("source", "list", "--config", config_path).output
    assert long_url in table
    shown = json.loads(invoke("source", "list", "--json", "--config", config_path).output)
    assert shown[0]["url"] == long_url


def test_show_prints_both_sides_as_text_and_as_json(config_path: Path, sample_url: str) -> None:
    invoke("source", "add", f"{sample_url}articles/bread-oven.html", "--lang", "en",
           "--config", config_path)  # fmt: skip
    invoke("run", "--config", config_path)
    shown = invoke("show", "1", "--config", config_path).output
    assert "<em>" not in shown and "&amp;" not in shown
    data = json.loads(invoke("show", "1", "--json", "--config", config_path).output)
    assert data["status"] == "in_review" and data["translated_title"]
    assert all(block["translation"] for block in data["blocks"] if block["kind"] == "paragraph")


def test_engines_names_the_argos_extra_and_checks_on_request(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    listed = invoke("engines", "--config", config)
    assert "pip install 'foreigndesk[argos]'" in listed.output
    checked = invoke("engines", "--check", "--json", "--config", config)
    assert checked.exit_code == 0, checked.output
    apertium = next(e for e in json.loads(checked.output) if e["engine"] == "apertium")
    assert apertium["check"].startswith("answers (en→es in ")

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    broken = desk_in(
        tmp_path / "broken",
        translate={"engine": "openai", "openai": {"api_url": f"http://127.0.0.1:{port}/v1"}},
    )
    result = invoke("engines", "--check", "--config", broken)
    assert result.exit_code == 1
    assert (
        "error: engine openai (in translate.engine or translate.fallback) does not answer — see"
        " its settings in desk.toml"
    ) in result.output


def test_opml_round_trip_keeps_every_field(tmp_path: Path, sample_url: str) -> None:
    first, second = desk_in(tmp_path / "a"), desk_in(tmp_path / "b")
    feed = f"{sample_url}feed.xml"
    invoke("source", "add", feed, "--lang", "en", "--license", "CC BY 4.0", "--category",
           "news", "--engine", "apertium", "--kind", "feed", "--config", first)  # fmt: skip
    invoke("source", "edit", "1", "--title", "The Harbour Review", "--config", first)
    exported = tmp_path / "sources.opml"
    assert invoke("source", "export", exported, "--config", first).exit_code == 0
    imported = invoke("source", "import", exported, "--config", second)
    assert lines(imported.output) == [
        f"1 sources added, 0 already there, 0 skipped, from {exported}"
    ]

    def fields(config: Path) -> list[tuple[object, ...]]:
        store = Store.open(load_settings(config).database_url)
        try:
            return [
                (s.url, s.title, s.lang, s.license, s.category, s.kind, s.engine)
                for s in store.sources.all()
            ]
        finally:
            store.close()

    assert (
        fields(second)
        == fields(first)
        == [(feed, "The Harbour Review", "en", "CC BY 4.0", "news", "feed", "apertium")]
    )


def test_opml_import_names_every_entry_it_skips(config_path: Path, tmp_path: Path) -> None:
    opml = tmp_path / "reader.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="News"><outline type="rss" text="Good" xmlUrl="https://a.example/feed"/>'
        '<outline text="Just a link" htmlUrl="https://b.example/"/>'
        '<outline type="rss" text="Old" xmlUrl="ftp://c.example/feed"/></outline>'
        "</body></opml>"
    )
    result = invoke("source", "import", opml, "--config", config_path)
    assert result.exit_code == 1
    out = lines(result.output)
    assert out[-1] == f"1 sources added, 0 already there, 2 skipped, from {opml}"
    assert len([line for line in out if line.startswith("skipped outline ")]) == 2
    assert any("no xmlUrl — not a feed" in line for line in out)
    assert any("xmlUrl 'ftp://c.example/feed' is not http(s)" in line for line in out)


def test_a_source_on_a_private_address_is_named_and_the_setting_to_change(
    tmp_path: Path, sample_url: str
) -> None:
    config = write_config(tmp_path, fetch={"allow_hosts": []})
    feed = f"{sample_url}feed.xml"
    assert invoke("source", "add", feed, "--lang", "en", "--config", config).exit_code == 0
    result = invoke("run", "--config", config)
    assert result.exit_code == 1
    [line] = [line for line in lines(result.output) if line.startswith("error:")]
    assert line.startswith(f"error: source 1 ({feed}): {sample_url}robots.txt: 127.0.0.1")
    assert line.endswith("add the host to fetch.allow_hosts if it is yours")


def test_translation_memory_round_trip_through_tmx_keeps_markup(
    tmp_path: Path, sample_url: str
) -> None:
    first, second = desk_in(tmp_path / "a"), desk_in(tmp_path / "b")
    invoke("source", "add", f"{sample_url}articles/bread-oven.html", "--lang", "en",
           "--config", first)  # fmt: skip
    invoke("run", "--config", first)
    store = Store.open(load_settings(first).database_url)
    try:
        from foreigndesk.translate.memory import human_entry

        store.memory.save(
            [human_entry("A <em>warm</em> loaf &amp; butter", "Un pan <em>caliente</em> &amp;"
                         ' <a href="https://x.test/">mantequilla</a>', "en", "es")],
            replace=True,
        )  # fmt: skip
        before = sorted((e.source_text, e.target_text, e.origin) for e in store.memory.entries())
    finally:
        store.close()
    tmx = tmp_path / "memory.tmx"
    written = invoke("tm", "export", tmx, "--config", first)
    assert lines(written.output) == [f"{len(before)} units written to {tmx}"]
    assert "<bpt" in tmx.read_text(encoding="utf-8")
    read = invoke("tm", "import", tmx, "--from", "en", "--to", "es", "--config", second)
    assert lines(read.output) == [f"{len(before)} units read, {len(before)} stored (en→es)"]
    store = Store.open(load_settings(second).database_url)
    try:
        after = sorted((e.source_text, e.target_text, e.origin) for e in store.memory.entries())
    finally:
        store.close()
    assert after == before
    missing = invoke("tm", "import", tmp_path / "nope.tmx", "--config", second)
    assert missing.exit_code == 1
    assert lines(missing.output) == [
        f"error: {tmp_path / 'nope.tmx'}: no such file — give the path of a TMX file"
    ]


def test_every_list_and_show_command_speaks_json(config_path: Path, sample_url: str) -> None:
    invoke("source", "add", f"{sample_url}articles/bread-oven.html", "--lang", "en",
           "--config", config_path)  # fmt: skip
    invoke("run", "--config", config_path)
    invoke("glossary", "add", "Mill Street", "calle Mill", "--config", config_path)
    for command in (
        ["source", "list"],
        ["articles", "list"],
        ["show", "1"],
        ["qa", "1"],
        ["glossary", "list"],
        ["user", "list"],
        ["engines"],
    ):
        result = invoke(*command, "--json", "--config", config_path)
        assert result.exit_code == 0, (command, result.output)
        json.loads(result.output)
    assert json.loads(invoke("glossary", "list", "--json", "--config", config_path).output) == [
        {"en": "Mill Street", "es": "calle Mill"}
    ]


COMMANDS = [
    ["init"], ["run"], ["watch"], ["show"], ["pick"], ["dismiss"], ["approve"], ["build"],
    ["publish"], ["serve"], ["desk"], ["source", "add"], ["source", "edit"], ["source", "remove"],
    ["source", "list"], ["source", "import"], ["source", "export"], ["articles", "list"],
    ["glossary", "add"], ["glossary", "list"], ["tm", "export"], ["tm", "import"], ["qa"],
    ["qa", "check"], ["user", "add"], ["user", "role"], ["engines"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_reads_as_unix_help(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    usage = result.output.splitlines()[0]
    assert usage.startswith(f"Usage: foreigndesk {' '.join(command)}")
    assert "{" not in usage and "<" not in usage
    assert "<str>" not in result.output and "<int>" not in result.output
    assert "<path>" not in result.output and "<bool>" not in result.output


def test_source_add_help_names_every_kind_of_source() -> None:
    text = " ".join(invoke("source", "add", "--help").output.split())
    assert (
        "Subscribe to a source: an RSS, Atom or JSON feed, a sitemap, a site's homepage (its"
        " announced feed is followed), or a single article page."
    ) in text
    assert "`qa ID` reports an article's findings" in " ".join(
        invoke("qa", "--help").output.split()
    )
