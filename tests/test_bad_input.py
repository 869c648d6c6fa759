"""Bad input gives one clear line naming the thing and the fix, and the run goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport, SilentReporter
from foreigndesk.sample import serve_directory
from foreigndesk.store import Store
from tests.conftest import invoke


def test_each_bad_input_is_one_line_and_the_good_articles_still_go_through(
    config_path: Path, sample_url: str, fixture_sites_url: str
) -> None:
    for url, lang in [
        ("http://feeds.does-not-resolve.invalid/feed.xml", "en"),
        (f"{fixture_sites_url}mixed/feed.xml", "en"),
        (f"{fixture_sites_url}french/feed.xml", "fr"),
        (f"{sample_url}feed.xml", "en"),
    ]:
        assert invoke("source", "add", url, "--lang", lang, "--config", config_path).exit_code == 0

    result = invoke("run", "--config", config_path)

    # Some items failed, each named once: a script sees it in the exit status.
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 3, result.output
    for line in errors:
        assert result.output.count(line.removeprefix("error: ")) == 1, result.output
    unresolvable, not_html, no_pair = errors
    assert "feeds.does-not-resolve.invalid" in unresolvable
    assert "cannot resolve host" in unresolvable
    assert "check the URL" in unresolvable
    assert "report.pdf" in not_html
    assert "not an HTML page (application/pdf)" in not_html
    assert "fr→es" in no_pair
    assert "install the pair" in no_pair
    assert "in review 11" in " ".join(result.output.split())  # 10 sample + quiet lanes


def test_failed_articles_keep_their_reason_and_wait_before_a_retry(
    desk: Desk, fixture_sites_url: str
) -> None:
    desk.store.sources.add(f"{fixture_sites_url}french/feed.xml", "fr")
    desk.run()
    [article] = desk.store.articles.all()
    assert article.status == ArticleStatus.FAILED
    assert article.error is not None
    assert "fr→es" in article.error
    # Within the backoff the failed article is not tried again.
    report = RunReport()
    desk.translate(report)
    assert report.translated == 0
    assert report.failed == 0


def test_an_unknown_article_is_one_line(config_path: Path) -> None:
    result = invoke("approve", "42", "--config", config_path)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: no article 42 — see `foreigndesk articles list`"
    ]


def test_a_broken_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[desk\ntarget_lang = 'es'\n")
    result = invoke("source", "list", "--config", config)
    assert result.exit_code == 2  # a configuration error: nothing was done
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"error: {config}: not valid TOML")


def extract_one_page(
    config_path: Path, tmp_path: Path, page: bytes
) -> tuple[Desk, SilentReporter, RunReport]:
    """A desk that has taken ``page``, served as a single article, up to extraction."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "article.html").write_bytes(page)
    settings = load_settings(config_path)
    reporter = SilentReporter()
    desk = Desk(settings, Store.open(settings.database_url), reporter=reporter)
    with serve_directory(site) as url:
        desk.store.sources.add(f"{url}article.html", "en")
        report = RunReport()
        desk.discover(report)
        desk.fetch_pages(report)
        desk.extract(report)
    return desk, reporter, report


def test_a_page_with_undecodable_bytes_is_extracted_and_flagged_in_one_line(
    config_path: Path, tmp_path: Path
) -> None:
    paragraph = "<p>The harbour’s tide gauge — read every hour — sets the city’s plans.</p>"
    page = (
        '<html><head><meta charset="utf-8"><title>Tide gauges</title></head><body><article>'
        f"<h1>Tide gauges</h1>{paragraph * 3}<p>After the damage DAMAGE the text goes on.</p>"
        f"{paragraph}</article></body></html>"
    )
    damaged = page.encode("utf-8").replace(b"DAMAGE", b"\xff")
    desk, reporter, report = extract_one_page(config_path, tmp_path, damaged)

    assert report.extracted == 1
    [article] = desk.store.articles.all()
    assert reporter.errors == []
    [line] = reporter.warnings
    assert f"article {article.id}" in line
    assert "1 byte(s) of the page could not be read as utf-8" in line
    assert "check the text against the original" in line
    blocks = desk.store.articles.get(article.id).blocks
    assert any("the text goes on" in b.text and "\ufffd" in b.text for b in blocks)
    desk.store.close()


@pytest.mark.parametrize("stamp", ["9999-01-01T00:00:00Z", "1970-01-01T00:00:00Z"])
def test_a_date_no_article_can_have_is_dropped_with_a_warning(
    config_path: Path, tmp_path: Path, stamp: str
) -> None:
    paragraph = "<p>The ferry timetable changes twice a year, in spring and in autumn.</p>"
    page = (
        '<html><head><meta charset="utf-8"><title>Ferry timetables</title>'
        f'<meta property="article:published_time" content="{stamp}"></head><body><article>'
        f"<h1>Ferry timetables</h1>{paragraph * 4}</article></body></html>"
    )
    desk, reporter, _ = extract_one_page(config_path, tmp_path, page.encode("utf-8"))

    [article] = desk.store.articles.all()
    assert article.published is None
    [line] = reporter.warnings
    assert f"article {article.id}" in line
    assert f"its publication date {stamp[:10]} is before 1990 or after next year" in line
    desk.store.close()


def test_publishing_to_a_target_that_fails_exits_1_naming_it(config_path: Path) -> None:
    result = invoke("publish", "--to", "site,nowhere", "--config", config_path)

    assert result.exit_code == 1
    assert "error: publish target 'nowhere' is not installed" in result.output


def test_an_error_line_is_printed_once_by_the_real_command(config_path: Path) -> None:
    # Run as a user runs it: in a process of its own, where nothing but the command's own
    # handlers could print a log record (Python's last-resort handler would, unasked).
    command = [sys.executable, "-m", "foreigndesk"]
    unresolvable = "http://feeds.does-not-resolve.invalid/feed.xml"
    subprocess.run(
        [*command, "source", "add", unresolvable, "--lang", "en", "--config", str(config_path)],
        check=True,
    )

    ran = subprocess.run(
        [*command, "run", "--config", str(config_path)], capture_output=True, text=True
    )

    assert ran.returncode == 1
    printed = ran.stdout + ran.stderr
    assert printed.count("cannot resolve host feeds.does-not-resolve.invalid") == 1, printed


def test_a_command_without_a_desk_says_so_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "desk.toml"

    result = invoke("articles", "list", "--config", missing)

    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {missing}: no such file — run `foreigndesk init` to make a desk here,"
        " or name the desk's file with --config"
    )
    assert list(tmp_path.iterdir()) == []
