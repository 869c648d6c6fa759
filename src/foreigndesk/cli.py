"""The ``foreigndesk`` command. Thin: it parses, calls the pipeline or the store, and prints.

Errors a user can fix (``DeskError``) are printed as one line and end the command with
status 1; the pipeline's per-article errors are printed as they happen while the run goes
on. Only this module prints.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from foreigndesk.errors import ConfigurationError, DeskError
from foreigndesk.models import ArticleStatus, BlockKind, ExtractedArticle, Finding

# The rest of the desk (the pipeline, the store, the extractors, pydantic's settings…) is
# imported by the commands that use it, so that `--help`, a usage error, and the process
# that preloads this module for the extraction pool do not pay a second for it.
if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from foreigndesk.config import Settings
    from foreigndesk.pipeline import Desk, Reporter, RunReport

#: The values of ``foreigndesk.config.CONFIG_FILE`` and ``foreigndesk.watch.DEFAULT_TICK``,
#: defaults in the commands' signatures and help: written out, since importing either
#: module imports most of the desk.
CONFIG_FILE = "desk.toml"
DEFAULT_TICK = 60.0


def _plain_labels(command: Any) -> None:
    """Help in the form every Unix command's has: ``ARTICLE_IDS...`` and ``--lang LANG``
    rather than typer's ``{article_ids}... <list[int]>`` and ``--lang <str>``."""
    for param in getattr(command, "params", []):
        if getattr(param, "is_flag", False) or param.metavar is not None:
            continue
        if getattr(getattr(param, "type_descriptor", None), "is_choice", False):
            continue  # its choices are its label: [discovered|fetched|…]
        label = (param.name or "value").upper()
        many = param.nargs != 1 or getattr(param, "multiple", False)
        if param.param_type_name == "argument":
            shown = label + ("..." if many else "")
            required = param.required
            param.metavar = shown
            param.get_usage_pieces = lambda ctx, shown=shown, required=required: [
                shown if required else f"[{shown}]"
            ]
            param.display_type_rich = lambda ctx: None
        else:
            param.metavar = label
    for sub in getattr(command, "commands", {}).values():
        _plain_labels(sub)


class _Root(TyperGroup):
    """The command's root: a mistake in how it was called is one line that names the
    command's help (status 2), never a box or a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _plain_labels(self)
        standalone = kwargs.get("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except typer.Abort:
            if not standalone:
                raise
            err.print("stopped", highlight=False)
            sys.exit(1)
        except typer.TyperException as exc:  # click's errors, as typer carries them
            if not standalone:
                raise
            code = getattr(exc, "exit_code", 1)
            context = getattr(exc, "ctx", None)
            # Our own checks' lines say what is wrong; click's "Invalid value: " adds nothing.
            said = exc.format_message().rstrip(".").removeprefix("Invalid value: ")
            message = f"error: {said}"
            if code == 2:
                where = context.command_path if context is not None else "foreigndesk"
                message += f" — see `{where} --help`"
            err.print(message, highlight=False, markup=False, soft_wrap=True)
            sys.exit(code)
        if standalone:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def _version(value: bool) -> None:
    if value:
        from foreigndesk import __version__

        out.print(f"foreigndesk {__version__}", highlight=False)
        raise typer.Exit()


app = typer.Typer(
    cls=_Root,
    help="Fetch foreign-language articles, translate them, and publish them with attribution.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    # Room for each command's first sentence whole, not cut at 45 characters.
    context_settings={"max_content_width": 100},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Fetch foreign-language articles, translate them, and publish them with attribution."""


source_app = typer.Typer(
    rich_markup_mode=None, help="Subscribe to sources and see their health.", no_args_is_help=True
)
articles_app = typer.Typer(
    rich_markup_mode=None, help="Articles in the desk.", no_args_is_help=True
)
glossary_app = typer.Typer(
    rich_markup_mode=None,
    help="Names and terms spelled one way in every post.",
    no_args_is_help=True,
)
tm_app = typer.Typer(
    rich_markup_mode=None,
    help="The translation memory, in and out as TMX 1.4.",
    no_args_is_help=True,
)
user_app = typer.Typer(
    rich_markup_mode=None, help="Editors who may sign in to the review desk.", no_args_is_help=True
)
app.add_typer(source_app, name="source")
app.add_typer(user_app, name="user")
app.add_typer(articles_app, name="articles")
app.add_typer(glossary_app, name="glossary")
app.add_typer(tm_app, name="tm")


class _QAGroup(TyperGroup):
    """``foreigndesk qa ID`` is ``foreigndesk qa report ID``: an id picks the report."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0].isdigit():
            args = ["report", *args]
        return super().parse_args(ctx, args)


qa_app = typer.Typer(
    rich_markup_mode=None,
    cls=_QAGroup,
    help="Translation checks: `qa ID` reports an article's findings; `qa check` checks files.",
    no_args_is_help=True,
)
app.add_typer(qa_app, name="qa")

# Piped into a file or another program, tables keep their full values (URLs whole): a
# terminal's width would cut them to "http:/…".
out = Console(width=None if sys.stdout.isatty() else 10_000)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 10_000)

P = ParamSpec("P")
R = TypeVar("R")

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config", "-c", envvar="FOREIGNDESK_CONFIG", help="The desk's configuration file."
    ),
]


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]


def _print_json(value: object) -> None:
    """One JSON document on standard output, for scripts."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DeskError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            # 2: the configuration is wrong and nothing was done; 1: something failed.
            raise typer.Exit(2 if isinstance(exc, ConfigurationError) else 1) from None

    return wrapper


@contextmanager
def _desk(
    config: Path,
    reporter: Reporter | None = None,
    engine: str | None = None,
    adjust: Callable[[Settings], Settings] | None = None,
) -> Iterator[Desk]:
    """The desk of ``config``; ``adjust`` changes its settings for this command only."""
    from foreigndesk.pipeline import Desk
    from foreigndesk.store import Store

    settings = _desk_settings(config)
    if adjust is not None:
        settings = adjust(settings)
    store = Store.open(settings.database_url)
    desk = Desk(settings, store, reporter=reporter, engine=engine)
    try:
        yield desk
    finally:
        desk.executor.close()
        store.close()


def _desk_settings(config: Path) -> Settings:
    """The desk's settings; a missing desk.toml is an error, since default settings would
    quietly make a new, empty store where the command runs."""
    from foreigndesk.config import load_settings

    if not config.is_file():
        raise ConfigurationError(
            f"{config}: no such file — run `foreigndesk init` to make a desk here,"
            " or name the desk's file with --config"
        )
    return load_settings(config)


class RichReporter:
    """Progress bars for each stage, and error lines printed above them as they happen."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        #: Error lines printed: each names an item that failed.
        self.failures = 0

    def stage(self, name: str, total: int) -> None:
        # A stage with nothing to do draws no bar.
        self.task = self.progress.add_task(name, total=total, visible=total > 0)

    def advance(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task)

    def error(self, message: str) -> None:
        self.failures += 1
        self.progress.console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)

    def warning(self, message: str) -> None:
        self.progress.console.print(
            f"[yellow]warning:[/yellow] {message}", highlight=False, soft_wrap=True
        )


class LineReporter:
    """For long-running commands: error lines only, no bars to redraw for hours."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def error(self, message: str) -> None:
        err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)

    def warning(self, message: str) -> None:
        err.print(f"[yellow]warning:[/yellow] {message}", highlight=False, soft_wrap=True)


def _progress(*, auto_refresh: bool = True) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=False,
        auto_refresh=auto_refresh,
    )


def _summary(report: RunReport) -> None:
    out.print(
        f"new {report.new_articles} · fetched {report.fetched} · extracted {report.extracted}"
        f" · duplicates {report.duplicates}"
        + (
            f" · to pick {report.triaged} · picked {report.picked} · dismissed {report.dismissed}"
            if report.triaged or report.picked or report.dismissed
            else ""
        )
        + f" · translated {report.translated}"
        f" · engine calls {report.engine_calls} · memory hits {report.memory_hits}"
        f" · in review {report.in_review} · published {report.published}"
        f" · failed {report.failed}"
        + (f" · held by QA {report.held_by_qa}" if report.held_by_qa else "")
        + (f" · posts recomposed {report.recomposed}" if report.recomposed else ""),
        highlight=False,
    )
    for target in report.targets:
        out.print(
            f"{target.target}: {target.written} files written, {target.unchanged} unchanged"
            f" in {target.location}",
            highlight=False,
        )


@app.command()
@_one_line_errors
def init(
    config: ConfigOption = Path(CONFIG_FILE),
    target_lang: Annotated[str, typer.Option(help="Language to translate into.")] = "ja",
    locale: Annotated[
        str | None, typer.Option(help="Locale for dates (default: from the language).")
    ] = None,
    title: Annotated[str, typer.Option(help="The blog's name.")] = "foreigndesk",
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="A private or local host the desk may fetch from (repeatable)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented desk.toml and create the store."""
    from foreigndesk.codes import check_locale
    from foreigndesk.config import Settings, load_settings, render_config
    from foreigndesk.plugins import engine_specs
    from foreigndesk.store import Store
    from foreigndesk.translate.choice import choose_engine

    target_lang = _language(target_lang, "--target-lang")
    if locale is not None:
        locale = _checked(check_locale, locale, "--locale")
    if config.exists() and not force:
        raise DeskError(f"{config} exists — edit it, or pass --force to overwrite it")
    defaults = Settings()
    settings = defaults.model_copy(
        update={
            "desk": defaults.desk.model_copy(
                update={
                    "target_lang": target_lang,
                    "locale": locale or _default_locale(target_lang),
                }
            ),
            "site": defaults.site.model_copy(update={"title": title}),
            "fetch": defaults.fetch.model_copy(update={"allow_hosts": list(allow_host or [])}),
        }
    )
    choice = choose_engine(engine_specs(), settings, target_lang)
    if choice.engine is not None and choice.engine != settings.translate.engine:
        settings = settings.model_copy(
            update={"translate": settings.translate.model_copy(update={"engine": choice.engine})}
        )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(render_config(settings), encoding="utf-8")
    loaded = load_settings(config)
    Store.open(loaded.database_url).close()
    out.print(f"wrote {config}; the store is {loaded.database_url}", highlight=False)
    if choice.engine is not None:
        out.print(
            f"translating into {target_lang} with {choice.engine} (translate.engine)",
            highlight=False,
        )
    else:
        needs = "; ".join(f"{name}: {why}" for name, why in choice.not_ready)
        err.print(
            f"warning: no engine here translates into {target_lang} yet"
            f" ({settings.translate.engine}, in translate.engine, has no pair into it) — set"
            f" translate.engine in {config} to one that does, once it is set up"
            + (f" ({needs})" if needs else "")
            + "; `foreigndesk engines --check` shows which answer",
            highlight=False,
            markup=False,
        )


def _checked(check: Callable[[str, str], str], value: str, option: str) -> str:
    try:
        return check(value, option)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _language(value: str, option: str = "--lang") -> str:
    """A language code given on the command line, or a usage error naming the nearest."""
    from foreigndesk.codes import check_language

    return _checked(check_language, value, option)


def _default_locale(lang: str) -> str:
    """The language's most likely locale (``ja`` → ``ja_JP``), for dates on pages."""
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(lang, lang))
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]


KindOption = Annotated[
    str | None,
    typer.Option(
        help="feed, sitemap or url (one article); found out by fetching it when not given."
    ),
]
CategoryOption = Annotated[
    str | None, typer.Option(help="A folder for the source, as feed readers have them.")
]


@source_app.command("add")
@_one_line_errors
def source_add(
    url: Annotated[str, typer.Argument(help="A feed, sitemap, homepage or article address.")],
    lang: Annotated[
        str | None,
        typer.Option(
            help="Language the source writes in (e.g. en); found out from its first"
            " article when not given."
        ),
    ] = None,
    license: Annotated[
        str | None,
        typer.Option(help="Licence of the source's articles, e.g. 'CC BY 4.0' or 'permission'."),
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help="Engine for this source, instead of translate.engine.")
    ] = None,
    category: CategoryOption = None,
    kind: KindOption = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Fetch it now to see that it answers (always done without --lang)."
        ),
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Subscribe to a source: an RSS, Atom or JSON feed, a sitemap, a site's homepage (its
    announced feed is followed), or a single article page."""
    from foreigndesk.plugins import engine_specs
    from foreigndesk.sources.probe import KIND_NAMES, run_probe, source_url_problem

    problem = source_url_problem(url)
    if problem is not None:
        raise typer.BadParameter(problem)
    given = lang is not None
    if lang is not None:
        lang = _language(lang)
    if kind is not None and kind not in ("feed", "sitemap", "url"):
        raise typer.BadParameter(f"--kind {kind!r}: choose feed, sitemap or url")
    with _desk(config) as desk:
        if engine is not None and engine not in engine_specs():
            raise DeskError(f"engine {engine!r} is not installed — see `foreigndesk engines`")
        found = None
        if check or lang is None:
            try:
                found = run_probe(desk.fetcher(), url, desk.settings.fetch.sitemap_depth)
            except DeskError as exc:
                raise DeskError(
                    f"{url}: not added — {exc}"
                    + ("" if given else "; give --lang to add it without fetching it now")
                ) from None
            if lang is None and found.lang is None:
                raise DeskError(
                    f"{url}: cannot tell the language it writes in (no article to read) —"
                    " give it with --lang"
                )
        source, created = desk.store.sources.add(
            found.url if found else url,
            lang or (found.lang if found else None) or "en",
            license,
            engine,
            kind=kind or (_stored_kind(found.kind) if found else "auto"),
            category=category,
            title=found.title if found else None,
        )
        what = ""
        if found is not None:
            what = f" — {KIND_NAMES.get(found.kind, found.kind)}"
            if found.kind != "url":
                what += f" listing {found.listed} article{'' if found.listed == 1 else 's'}"
            if found.announced_by:
                what += f", the feed that {found.announced_by} announces"
        detected = ", found from its first article" if found and not given else ""
        verb = "added" if created else "already there:"
        folder = f" in {source.category}" if source.category else ""
        out.print(
            f"{verb} source {source.id} {source.url} ({source.lang}{detected}){folder}{what}",
            highlight=False,
            markup=False,
        )


def _stored_kind(kind: str) -> str:
    return "feed" if kind == "homepage" else kind


@source_app.command("edit")
@_one_line_errors
def source_edit(
    source_id: Annotated[int, typer.Argument(help="The source's id (see `source list`).")],
    title: Annotated[str | None, typer.Option(help="Its name in lists and posts.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language it writes in (e.g. en).")] = None,
    license: Annotated[
        str | None, typer.Option(help="Licence of its articles; '' for none known.")
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help="Engine for it; '' for translate.engine.")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Its folder; '' for none.")] = None,
    interval: Annotated[
        int | None,
        typer.Option(help="Minutes between checks, over what the feed asks; 0 to let it ask."),
    ] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Change what you set of a source; what is not given stays as it is."""
    from foreigndesk.plugins import engine_specs

    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = title.strip() or None
    if lang is not None:
        changes["lang"] = _language(lang)
    if license is not None:
        changes["license"] = license.strip() or None
    if category is not None:
        changes["category"] = category.strip() or None
    if interval is not None:
        if interval < 0:
            raise typer.BadParameter(f"--interval {interval}: give minutes, 0 or more")
        changes["poll_every"] = interval * 60 or None
    with _desk(config) as desk:
        if engine is not None:
            if engine and engine not in engine_specs():
                raise DeskError(f"engine {engine!r} is not installed — see `foreigndesk engines`")
            changes["engine"] = engine or None
        if not changes:
            raise typer.BadParameter(
                "nothing to change — give --title, --lang, --license,"
                " --engine, --category or --interval"
            )
        source = desk.store.sources.edit(source_id, **changes)
    shown = ", ".join(f"{k.replace('poll_every', 'interval')} {v!r}" for k, v in changes.items())
    out.print(f"source {source.id} {source.url}: {shown}", highlight=False, markup=False)


@source_app.command("remove")
@_one_line_errors
def source_remove(
    source_id: Annotated[int, typer.Argument(help="The source's id (see `source list`).")],
    purge: Annotated[
        bool,
        typer.Option(
            "--purge",
            help="Delete its articles and their posts too (the next build takes them off"
            " the site); without it they stay.",
        ),
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Stop following a source. Its articles and posts stay unless --purge."""
    with _desk(config) as desk:
        source = desk.store.sources.get(source_id)
        if source is None:
            raise DeskError(f"no source {source_id} — see `foreigndesk source list`")
        deleted = desk.store.sources.remove(source_id, purge=purge)
    kept = (
        f"; {deleted} article{'' if deleted == 1 else 's'} deleted with it"
        if purge
        else "; its articles and posts stay (`source add` follows it again)"
    )
    out.print(f"removed source {source_id} {source.url}{kept}", highlight=False, markup=False)


@source_app.command("list")
@_one_line_errors
def source_list(
    category: Annotated[str | None, typer.Option(help="Only the sources in this folder.")] = None,
    as_json: JsonOption = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Sources and their health: paused ones, failures in a row, the next check."""
    with _desk(config) as desk:
        healths = [
            h
            for h in desk.store.sources.health()
            if category is None or h.source.category == category
        ]
        if as_json:
            _print_json(
                [
                    {
                        **dataclasses.asdict(h.source),
                        "items": h.items_taken,
                        "failures_in_a_row": h.consecutive_failures,
                        "last_success": h.last_success_at,
                        "next_check": None if h.source.paused else h.next_check_at,
                        "last_error": h.last_error,
                    }
                    for h in healths
                ]
            )
            return
        table = Table(
            "id",
            "url",
            "category",
            "lang",
            "licence",
            "state",
            "items",
            "last success",
            "next",
            "last error",
        )
        for health in healths:
            state = "paused" if health.source.paused else "active"
            if health.consecutive_failures:
                state += f", {health.consecutive_failures} failures"
            table.add_row(
                str(health.source.id),
                escape(health.source.url),
                escape(health.source.category or ""),
                health.source.lang,
                escape(health.source.license or ""),
                f"[red]{state}[/red]" if health.source.paused else state,
                str(health.items_taken),
                _when(health.last_success_at),
                "" if health.source.paused else _when(health.next_check_at),
                escape(health.last_error or ""),
            )
        out.print(table)


def _article_json(desk: Desk, article: Any) -> dict[str, Any]:
    """An article for scripts: its metadata, and each block with its translation."""
    from foreigndesk.qa import finding_dict

    try:
        translation = desk.translation(article)
    except DeskError:
        translation = None
    findings = desk.store.articles.findings(article.id)
    return {
        "id": article.id,
        "url": article.url,
        "status": article.status.value,
        "error": article.error,
        "title": article.title,
        "translated_title": translation.title if translation else None,
        "authors": list(article.authors),
        "published": article.published,
        "site": article.site_name,
        "license": article.license,
        "brief": {"title": article.brief_title, "summary": article.brief_summary}
        if article.brief_title
        else None,
        "blocks": [
            {
                "kind": block.kind.value,
                "html": block.html,
                "text": block.text,
                "translation": translation.blocks[index].html if translation else None,
            }
            for index, block in enumerate(article.blocks)
        ],
        "qa": [finding_dict(f) for f in findings],
    }


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


@source_app.command("pause")
@_one_line_errors
def source_pause(source_id: int, config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Stop checking a source (its articles stay)."""
    with _desk(config) as desk:
        source = desk.store.sources.set_paused(source_id, True)
        out.print(f"paused source {source.id} {source.url}", highlight=False)


@source_app.command("resume")
@_one_line_errors
def source_resume(source_id: int, config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Check a paused source again, from the next run; its failure count starts over."""
    with _desk(config) as desk:
        source = desk.store.sources.set_paused(source_id, False)
        out.print(f"resumed source {source.id} {source.url}", highlight=False)


@source_app.command("import")
@_one_line_errors
def source_import(
    opml_file: Annotated[Path, typer.Argument(help="An OPML file from a feed reader.")],
    lang: Annotated[
        str, typer.Option(help="Language of feeds whose outline names none (ISO 639-1).")
    ] = "en",
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Subscribe to every feed in an OPML file (feeds already there are left as they are)."""
    from foreigndesk.plugins import engine_specs
    from foreigndesk.sources.opml import import_opml

    try:
        content = opml_file.read_bytes()
    except OSError as exc:
        raise DeskError(f"{opml_file}: cannot be read ({exc.strerror}) — check the path") from exc
    lang = _language(lang)
    imported = import_opml(content)
    subscriptions = imported.subscriptions
    with _desk(config) as desk:
        added = 0
        for subscription in subscriptions:
            _, created = desk.store.sources.add(
                subscription.url,
                subscription.lang or lang,
                subscription.license,
                subscription.engine if subscription.engine in engine_specs() else None,
                kind=subscription.kind,
                category=subscription.category,
                title=subscription.title,
            )
            added += created
    for skipped in imported.skipped:
        err.print(f"skipped {skipped}", highlight=False, markup=False, soft_wrap=True)
    out.print(
        f"{added} sources added, {len(subscriptions) - added} already there,"
        f" {len(imported.skipped)} skipped, from {opml_file}",
        highlight=False,
    )
    if imported.skipped:
        raise typer.Exit(1)


@source_app.command("export")
@_one_line_errors
def source_export(
    opml_file: Annotated[
        Path | None, typer.Argument(help="Where to write the OPML (default: standard output).")
    ] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Write every source as OPML 2.0, for a feed reader or another desk."""
    from foreigndesk.sources.opml import Subscription, write_opml

    with _desk(config) as desk:
        subscriptions = [
            Subscription(
                s.url,
                title=s.title,
                lang=s.lang,
                license=s.license,
                category=s.category,
                kind=s.kind,
                engine=s.engine,
            )
            for s in desk.store.sources.all()
        ]
        document = write_opml(subscriptions, desk.settings.site.title)
    if opml_file is None:
        typer.echo(document.decode("utf-8"), nl=False)
    else:
        opml_file.write_bytes(document)
        out.print(f"wrote {len(subscriptions)} sources to {opml_file}", highlight=False)


@app.command()
@_one_line_errors
def run(
    engine: Annotated[
        str | None, typer.Option(help="Translate with this engine on this run.")
    ] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Check every source now, even those whose next check is not due."
        ),
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Run every stage: sources, fetch, extract, translate, review, publish. A source is
    checked when its next check is due (a feed that asks for two hours gets two hours),
    every source with --all. Exits 1 when some item failed (each is named on an error
    line), 0 when everything went through."""
    with _progress() as progress:
        reporter = RichReporter(progress)
        with _desk(config, reporter, engine) as desk:
            report = desk.run(None if all_ else desk.store.sources.due())
    _summary(report)
    _exit_on_failures(reporter)


def _exit_on_failures(reporter: RichReporter) -> None:
    """Exit status 1 when the command printed an error line for some item: a script
    (cron, CI) can tell a run that left something behind from one that did not."""
    if reporter.failures:
        raise typer.Exit(1)


@app.command(short_help="Keep running: check each source when it is due; SIGTERM stops it.")
@_one_line_errors
def watch(
    tick: Annotated[
        float, typer.Option(help="Longest sleep, in seconds, between two looks at the store.")
    ] = DEFAULT_TICK,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Keep running: check each source when it is due and take its articles through every
    stage. SIGTERM or Ctrl-C stops it after the article in hand."""
    from foreigndesk.watch import Watcher

    with _desk(config, LineReporter()) as desk:
        watcher = Watcher(desk, tick=tick, on_cycle=_summary)
        out.print(
            f"watching {len(desk.store.sources.all())} sources; SIGTERM or Ctrl-C stops",
            highlight=False,
        )
        with watcher.stop_on_signals():
            watcher.run()
    out.print("stopped", highlight=False)


def _celery_app(config: Path) -> Any:
    """The Celery executor's module, configured from ``config`` (it reads the path from
    the environment at import, as a bare ``celery -A`` would)."""
    import os

    _desk_settings(config)  # a missing or broken desk.toml is one line here
    os.environ["FOREIGNDESK_CONFIG"] = str(config.resolve())
    try:
        from foreigndesk.executors import celery as executor
    except ImportError as exc:
        raise DeskError(
            f"the workers need Celery ({exc.name} is missing) — pip install 'foreigndesk[workers]'"
        ) from exc
    return executor


@app.command(short_help="Run a Celery worker over the desk's PostgreSQL store and Redis broker.")
@_one_line_errors
def worker(
    queues: Annotated[
        str,
        typer.Option(
            help="Comma-separated queues to take tasks from: sources, fetch, extract,"
            " translate, publish."
        ),
    ] = "sources,fetch,extract,translate,publish",
    concurrency: Annotated[
        int, typer.Option(help="Worker processes, each running one task at a time.")
    ] = 1,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, solo or threads.")] = "prefork",
    loglevel: Annotated[str, typer.Option(help="Log level: info, warning, error.")] = "info",
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Run a Celery worker over the desk's store (PostgreSQL) and broker (Redis): it takes
    stage tasks from the named queues. See docs/scaling.md."""
    import os
    import socket

    executor = _celery_app(config)
    executor.app.worker_main(
        [
            "worker",
            f"--queues={queues}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--loglevel={loglevel}",
            f"--hostname=foreigndesk-{os.getpid()}@{socket.gethostname()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command(short_help="Send the workers tasks: due sources and articles waiting for a stage.")
@_one_line_errors
def scheduler(
    interval: Annotated[float, typer.Option(help="Seconds between two looks at the store.")] = 30.0,
    once: Annotated[bool, typer.Option(help="Send what is due once, then stop.")] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Send tasks to the workers: each source when it is due, and every article waiting
    for a stage that no worker holds. SIGTERM or Ctrl-C stops it."""
    import signal
    import threading

    executor = _celery_app(config)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    with _desk(config) as desk:
        while True:
            sent = executor.enqueue_due(desk.store)
            out.print(
                "sent " + " · ".join(f"{stage} {count}" for stage, count in sent.items()),
                highlight=False,
            )
            if once or stop.wait(interval):
                break
    out.print("stopped", highlight=False)


@articles_app.command("list")
@_one_line_errors
def articles_list(
    status: Annotated[
        ArticleStatus | None, typer.Option(help="Only articles in this status.")
    ] = None,
    as_json: JsonOption = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Articles with their status."""
    from foreigndesk.qa import summary as qa_summary

    with _desk(config) as desk:
        rows = []
        for article in desk.store.articles.all(status):
            findings = desk.store.articles.findings(article.id)
            rows.append(
                {
                    "id": article.id,
                    "status": article.status.value,
                    "published": article.published,
                    "title": article.title,
                    "url": article.url,
                    "source_id": article.source_id,
                    "qa": str(qa_summary(findings)) if findings else "",
                }
            )
        if as_json:
            _print_json(rows)
            return
        table = Table("id", "status", "date", "title", "url", "qa")
        for row in rows:
            table.add_row(
                str(row["id"]),
                str(row["status"]),
                str(row["published"] or ""),
                escape(str(row["title"] or "")),
                escape(str(row["url"])),
                str(row["qa"]),
            )
        out.print(table)


@app.command()
@_one_line_errors
def show(
    article_id: int, as_json: JsonOption = False, config: ConfigOption = Path(CONFIG_FILE)
) -> None:
    """An article: its metadata, and each block beside its translation."""
    from foreigndesk.qa import summary as qa_summary
    from foreigndesk.qa._text import plain

    with _desk(config) as desk:
        article = desk.store.articles.get(article_id)
        if as_json:
            _print_json(_article_json(desk, article))
            return
        out.print(f"[bold]{escape(article.title or article.url)}[/bold]")
        out.print(f"url: {article.url}", highlight=False)
        out.print(
            f"status: {article.status.value}" + (f" ({article.error})" if article.error else "")
        )
        out.print(
            f"authors: {', '.join(article.authors)}; date: {article.published}; "
            f"site: {article.site_name}; licence: {article.license}",
            highlight=False,
        )
        if article.brief_title or article.brief_summary:
            out.print(f"brief: {article.brief_title}", highlight=False)
            if article.brief_summary:
                out.print(f"  {article.brief_summary}", highlight=False)
            if article.triage_reason:
                out.print(f"  ({article.triage_reason})", highlight=False)
        try:
            translation = desk.translation(article)
        except DeskError:
            translation = None
        table = Table("#", "kind", "original", "translation", show_lines=True)
        for index, block in enumerate(article.blocks):
            target = translation.blocks[index].html if translation else None
            original = block.text if block.kind != BlockKind.IMAGE else f"[image] {block.src}"
            shown = plain(target) if target else ""
            table.add_row(str(index), block.kind.value, escape(original), escape(shown))
        out.print(table)
        findings = desk.store.articles.findings(article_id)
        if findings or translation is not None:
            overridden = (
                " (publishing allowed by the editor)"
                if desk.store.articles.qa_overridden(article_id)
                else ""
            )
            out.print(
                f"QA: {qa_summary(findings)}{overridden}"
                + (f" — `foreigndesk qa {article_id}` lists them" if findings else ""),
                highlight=False,
            )


@app.command(short_help="Extract articles again from their stored pages (no fetch).")
@_one_line_errors
def reextract(
    article_ids: Annotated[
        list[int] | None, typer.Argument(help="Articles to extract again.")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every article whose page is stored.")
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Extract articles again from the pages stored when they were fetched, without
    fetching them again (after an upgrade of the extractor, say). Each goes back to
    'extracted' (or 'duplicate') and through translation and review again; unchanged
    blocks come from the translation memory."""
    from foreigndesk.pipeline import RunReport

    if article_ids and all_:
        raise DeskError("give article ids or --all, not both")
    if not article_ids and not all_:
        raise DeskError("no articles named — give article ids, or --all")
    with _progress() as progress, _desk(config, RichReporter(progress)) as desk:
        report = RunReport()
        desk.reextract(report, None if all_ else article_ids)
    out.print(
        f"extracted {report.extracted} · duplicates {report.duplicates} · failed {report.failed}",
        highlight=False,
    )


def _extracted_json(article: ExtractedArticle) -> dict[str, object]:
    """An extracted article as plain JSON values, dates as ISO strings."""
    values = dataclasses.asdict(article)
    for key in ("published", "updated"):
        day = getattr(article, key)
        values[key] = day.isoformat() if day else None
    values["blocks"] = [
        {name: value for name, value in block.items() if value not in (None, "")}
        | {"kind": block["kind"].value}
        for block in values["blocks"]
    ]
    return values


@app.command("extract", short_help="What the desk extracts from one page or file, stored nowhere.")
@_one_line_errors
def extract_command(
    page: Annotated[str, typer.Argument(help="An article's URL, or a saved HTML file.")],
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    url: Annotated[
        str | None, typer.Option(help="The address a saved file came from (for its links).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="The language to assume if the page declares none.")
    ] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """What the desk extracts from one page (blocks, metadata, repeats found), stored
    nowhere: for checking a new source, and for bug reports."""
    from foreigndesk.config import load_settings
    from foreigndesk.pipeline import extract_page

    article = extract_page(load_settings(config), page, url=url, lang=lang)
    if json_:
        typer.echo(json.dumps(_extracted_json(article), ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{escape(article.title)}[/bold]")
    for label, value in (
        ("authors", ", ".join(article.authors)),
        ("published", article.published.isoformat() if article.published else ""),
        ("updated", article.updated.isoformat() if article.updated else ""),
        ("site", article.site_name),
        ("canonical url", article.canonical_url),
        ("language", article.lang),
        ("licence", article.license),
        ("description", article.description),
        ("tags", ", ".join(article.tags)),
        ("extractor", article.extractor),
        ("encoding", article.encoding),
        ("undecodable bytes", str(article.undecodable_bytes or "")),
    ):
        if value:
            out.print(f"{label}: {value}", highlight=False, markup=False)
    table = Table("#", "kind", "lang", "text")
    for index, block in enumerate(article.blocks):
        if block.kind == BlockKind.IMAGE:
            parts = [block.src or "", block.caption or "", block.credit or ""]
            text = " · ".join(p for p in parts if p)
        else:
            text = block.text
        kind = f"h{block.level}" if block.kind == BlockKind.HEADING else block.kind.value
        table.add_row(str(index), kind, block.lang or "", escape(text))
    out.print(table)
    out.print(f"repeats found: {len(article.repeats)}", highlight=False)
    for repeat in article.repeats:
        out.print(f"  {repeat}", highlight=False, markup=False)


@app.command()
@_one_line_errors
def approve(
    article_ids: Annotated[list[int] | None, typer.Argument(help="Articles to approve.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Approve every article in review.")] = False,
    lead: Annotated[
        str | None, typer.Option(help="Block numbers (see `show`) to use as the lead, e.g. 7,8.")
    ] = None,
    override_qa: Annotated[
        bool, typer.Option("--override-qa", help="Publish despite open QA errors (recorded).")
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Approve reviewed articles for publishing; also one whose translation failed, once
    every block has a translation (an editor finishes it in the review desk)."""
    lead_blocks = [int(p) for p in lead.split(",") if p.strip()] if lead else None
    with _desk(config) as desk:
        ids = list(article_ids or [])
        if all_:
            ids += [a.id for a in desk.store.articles.all(ArticleStatus.IN_REVIEW)]
        if all_ and not ids:
            out.print("no articles in review")
            return
        if not ids:
            raise DeskError("no articles named — give article ids, or --all")
        for article_id in ids:
            article = desk.approve(article_id, lead_blocks)
            if override_qa:
                desk.store.articles.override_qa(article_id)
            note = " (QA errors overridden)" if override_qa else ""
            out.print(f"approved {article.id} {article.title}{note}", highlight=False)


@app.command(short_help="Triage: translate these articles in full on the next run, within budget.")
@_one_line_errors
def pick(
    article_ids: Annotated[list[int], typer.Argument(help="Articles to translate in full.")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Triage: translate these articles in full on the next run (refused, with nothing
    queued, when the picks would overrun an engine's monthly budget)."""
    with _desk(config) as desk:
        done = desk.pick(article_ids)
        out.print(
            f"picked {', '.join(map(str, done))}: translated in full on the next run",
            highlight=False,
        )


@app.command()
@_one_line_errors
def dismiss(
    article_ids: Annotated[list[int], typer.Argument(help="Articles not to translate.")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Triage: these articles are not worth translating (`pick` brings one back)."""
    with _desk(config) as desk:
        done = desk.dismiss(article_ids)
        out.print(f"dismissed {', '.join(map(str, done))}", highlight=False)


class _HandDrawnReporter(RichReporter):
    """Bars redrawn as the work advances (at most ten times a second) rather than by a
    thread of rich's, so that the site build finds its process running no other thread
    and renders on forked processes: forking beside a running thread can hang the fork."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(progress)
        self._drawn = 0.0

    def advance(self) -> None:
        super().advance()
        now = time.monotonic()
        if now - self._drawn >= 0.1:
            self._drawn = now
            self.progress.refresh()


def _publish(config: Path, targets: list[str] | None = None, *, restore: bool = False) -> None:
    """Publish, the static site rendered on forked processes as only a command line may;
    exits 1 when an article or a target failed."""
    from foreigndesk.pipeline import RunReport
    from foreigndesk.publish.site import forked_rendering  # loads the theme's libraries

    progress = _progress(auto_refresh=False)
    reporter = _HandDrawnReporter(progress)
    with (
        progress,
        _desk(config, reporter, adjust=_restoring if restore else None) as desk,
        forked_rendering(),
    ):
        report = RunReport()
        desk.publish(report, targets)
    _summary(report)
    _exit_on_failures(reporter)


@app.command()
@_one_line_errors
def build(config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Publish approved articles and build the site. Exits 1 when an article or a target
    failed."""
    _publish(config)


@app.command()
@_one_line_errors
def publish(
    to: Annotated[
        str | None,
        typer.Option(help="Comma-separated targets (default: publish.targets), e.g. site,hugo."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would change; change nothing.")
    ] = False,
    restore: Annotated[
        bool,
        typer.Option("--restore", help="Put back posts trashed or deleted on a remote blog."),
    ] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Publish approved articles, recompose published ones whose post would change (an
    edit, a template, tags, a licence), and bring the chosen targets up to date."""
    targets = [t.strip() for t in to.split(",") if t.strip()] if to else None
    if dry_run:
        _publish_dry_run(config, targets)
        return
    _publish(config, targets, restore=restore)


def _restoring(settings: Settings) -> Settings:
    """``publish --restore``: posts trashed or deleted on a remote blog are put back."""
    return settings.model_copy(
        update={"publish": settings.publish.model_copy(update={"restore": True})}
    )


def _publish_dry_run(config: Path, targets: list[str] | None) -> None:
    """One line per post that a publish would write, and where; nothing is changed."""
    from foreigndesk.stages.publish import planned_changes

    with _desk(config) as desk:
        names = targets or list(desk.settings.publish.targets)
        plan = planned_changes(desk, names)
    for line in plan:
        out.print(line, highlight=False)
    out.print(
        f"{len(plan)} post{'' if len(plan) == 1 else 's'} would change"
        f" on {', '.join(names) or 'no target'}; nothing was changed (--dry-run)",
        highlight=False,
    )


@app.command()
@_one_line_errors
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Serve the built site on 127.0.0.1."""
    import http.server
    import socketserver

    settings = _desk_settings(config)
    root = settings.output_dir
    if not (root / "index.html").exists():
        raise DeskError(f"no site in {root} — run `foreigndesk build` first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    socketserver.TCPServer.allow_reuse_address = True
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise DeskError(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror}) — choose another --port"
        ) from None
    with server:
        out.print(
            f"serving {root} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)",
            highlight=False,
        )
        with suppress(KeyboardInterrupt):
            server.serve_forever()


engines_app = typer.Typer(
    rich_markup_mode=None,
    help="Installed translation engines, and the pairs each offers as configured.",
    invoke_without_command=True,
)
app.add_typer(engines_app, name="engines")


def _engine_answers(engine: Any, pairs: list[tuple[str, str]], target: str) -> str:
    """One short translation, to see that the engine answers as configured."""
    import asyncio

    pair = next((p for p in pairs if p[1] == target), pairs[0])
    started = time.monotonic()

    async def once() -> None:
        try:
            await asyncio.wait_for(engine.translate(["Good morning."], *pair), 60)
        finally:
            await engine.aclose()

    try:
        asyncio.run(once())
    except (DeskError, TimeoutError, OSError) as exc:
        return f"does not answer: {exc or 'no answer within 60 s'}"
    return f"answers ({pair[0]}→{pair[1]} in {time.monotonic() - started:.1f} s)"


@engines_app.callback()
@_one_line_errors
def engines(
    ctx: typer.Context,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Translate a short sentence with each engine to see that it answers."
        ),
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Installed translation engines, and the pairs each offers as configured; with
    --check, whether each answers (status 1 when an engine the desk uses does not)."""
    from foreigndesk.plugins import engine_specs

    if ctx.invoked_subcommand is not None:
        return
    settings = _desk_settings(config)
    used = {settings.translate.engine, *settings.translate.fallback}
    rows: list[dict[str, Any]] = []
    failed: list[str] = []
    for name, spec in sorted(engine_specs().items()):
        row: dict[str, Any] = {"engine": name, "about": spec.description, "pairs": []}
        try:
            engine = spec.create(settings)
            pairs = sorted(engine.pairs())
            row["pairs"] = [f"{s}→{t}" for s, t in pairs]
            if check and pairs:
                row["check"] = _engine_answers(engine, pairs, settings.desk.target_lang)
            elif check:
                row["check"] = "no pairs to check"
        except DeskError as exc:
            row["check" if check else "pairs"] = f"not ready: {exc}"
            if not check:
                row["pairs"] = []
                row["ready"] = str(exc)
        if check and name in used and not str(row.get("check", "")).startswith("answers"):
            failed.append(name)
        rows.append(row)
    if as_json:
        _print_json(rows)
    else:
        columns = ["engine", "pairs", "about"] + (["check"] if check else [])
        table = Table(*columns)
        for row in rows:
            pairs = row["pairs"]
            shown = ", ".join(pairs[:8]) + (f" … ({len(pairs)} pairs)" if len(pairs) > 8 else "")
            summary = shown or (f"not ready: {row['ready']}" if "ready" in row else "none")
            cells = [row["engine"], summary, row["about"]] + ([row["check"]] if check else [])
            table.add_row(*(escape(str(c)) for c in cells))
        out.print(table)
    for name in failed:
        err.print(
            f"error: engine {name} (in translate.engine or translate.fallback) does not answer"
            " — see its settings in desk.toml",
            highlight=False,
            markup=False,
        )
    if failed:
        raise typer.Exit(1)


@engines_app.command("install-argos")
@_one_line_errors
def engines_install_argos(
    files: Annotated[list[Path], typer.Argument(help="Argos packages (.argosmodel files).")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Install Argos Translate packages from local .argosmodel files."""
    from foreigndesk.config import load_settings
    from foreigndesk.translate.engines.argos import default_packages_dir, install_package

    options = load_settings(config).translate.argos
    packages_dir = Path(options.packages_dir) if options.packages_dir else default_packages_dir()
    for file in files:
        package = install_package(file, packages_dir)
        out.print(
            f"installed {package.source}→{package.target} (version {package.version}) "
            f"in {package.path}",
            highlight=False,
        )


LangOption = Annotated[str, typer.Option("--from", help="Source language (ISO 639-1).")]
TargetOption = Annotated[
    str | None, typer.Option("--to", help="Target language (default: desk.target_lang).")
]


@glossary_app.command("add")
@_one_line_errors
def glossary_add(
    term: str,
    translation: str,
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Fix how a name or term is written, e.g. "Jane Roe" "ジェーン・ロウ"."""
    with _desk(config) as desk:
        target = target_lang or desk.settings.desk.target_lang
        desk.store.memory.add_glossary_terms(
            source_lang, target, [(term.strip(), translation.strip())]
        )
        out.print(f"{term} → {translation} ({source_lang}→{target})", highlight=False)


@glossary_app.command("import")
@_one_line_errors
def glossary_import(
    file: Path,
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Import terms from a CSV (source,target) or TBX file."""
    from foreigndesk.translate.glossary import parse_csv, parse_tbx

    with _desk(config) as desk:
        target = target_lang or desk.settings.desk.target_lang
        if not file.is_file():
            raise DeskError(f"{file}: no such file — give the path of a CSV or TBX file")
        if file.suffix.lower() in {".tbx", ".xml"}:
            entries = parse_tbx(file.read_bytes(), source_lang, target)
        else:
            entries = parse_csv(file.read_text(encoding="utf-8-sig"))
        changed = desk.store.memory.add_glossary_terms(
            source_lang, target, [(e.source, e.target) for e in entries]
        )
        out.print(f"{len(entries)} terms read, {changed} new or changed ({source_lang}→{target})")


@glossary_app.command("list")
@_one_line_errors
def glossary_list(
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """The glossary of a language pair."""
    with _desk(config) as desk:
        target = target_lang or desk.settings.desk.target_lang
        terms = desk.store.memory.glossary_terms(source_lang, target)
        if as_json:
            _print_json([{source_lang: a, target: b} for a, b in terms])
            return
        table = Table(source_lang, target)
        for source, translated in terms:
            table.add_row(escape(source), escape(translated))
        out.print(table)


@glossary_app.command("remove")
@_one_line_errors
def glossary_remove(
    term: str,
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Remove a term from the glossary."""
    with _desk(config) as desk:
        target = target_lang or desk.settings.desk.target_lang
        if not desk.store.memory.remove_glossary_entry(source_lang, target, term):
            raise DeskError(f"{term!r} is not in the {source_lang}→{target} glossary")
        out.print(f"removed {term}")


def _base_pair(desk: Desk, source_lang: str, target_lang: str | None) -> tuple[str, str]:
    """The pair names are kept under: base languages (``en-GB`` → ``en``), the target the
    desk's own unless given."""
    from foreigndesk.translate.languages import base_language

    return base_language(source_lang), base_language(target_lang or desk.settings.desk.target_lang)


@glossary_app.command("names")
@_one_line_errors
def glossary_names(
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Names met in articles and not in the glossary yet, in the engine's spelling."""
    with _desk(config) as desk:
        source, target = _base_pair(desk, source_lang, target_lang)
        offers = desk.store.memory.name_offers(source, target)
        if as_json:
            _print_json(
                [
                    {
                        "name": o.name,
                        "spelling": o.spelling,
                        "engine": o.engine,
                        "article": o.article_id,
                    }
                    for o in offers
                ]
            )
            return
        if not offers:
            out.print(f"no names waiting ({source}→{target})")
            return
        table = Table("name", "spelling", "engine", "article")
        for offer in offers:
            table.add_row(
                escape(offer.name), escape(offer.spelling), offer.engine,
                str(offer.article_id or ""),
            )  # fmt: skip
        out.print(table)


@glossary_app.command("confirm")
@_one_line_errors
def glossary_confirm(
    name: str,
    spelling: Annotated[
        str, typer.Argument(help="How to write it (default: the engine's spelling).")
    ] = "",
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Confirm a name from `glossary names` into the glossary, e.g. "Jane Roe" ジェーン・ロウ."""
    from foreigndesk.stages.names import confirm_name

    with _desk(config) as desk:
        source, target = _base_pair(desk, source_lang, target_lang)
        for term, written in confirm_name(desk, source, target, name, spelling):
            out.print(f"{escape(term)} → {escape(written)} ({source}→{target})", highlight=False)


@glossary_app.command("dismiss")
@_one_line_errors
def glossary_dismiss(
    name: str,
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Never offer a name from `glossary names` again."""
    from foreigndesk.stages.names import dismiss_name

    with _desk(config) as desk:
        source, target = _base_pair(desk, source_lang, target_lang)
        dismiss_name(desk, source, target, name)
        out.print(f"{escape(' '.join(name.split()))}: not offered again", highlight=False)


@tm_app.command("export")
@_one_line_errors
def tm_export(
    file: Path,
    source_lang: Annotated[str | None, typer.Option("--from")] = None,
    target_lang: Annotated[str | None, typer.Option("--to")] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Write the translation memory to a TMX 1.4 file."""
    from foreigndesk.translate.tmx import write_tmx

    with _desk(config) as desk:
        entries = desk.store.memory.entries(source_lang, target_lang)
        file.write_bytes(write_tmx(entries, source_lang or "*all*"))
        out.print(f"{len(entries)} units written to {file}", highlight=False)


@tm_app.command("import")
@_one_line_errors
def tm_import(
    file: Path,
    source_lang: LangOption = "en",
    target_lang: TargetOption = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Read a TMX file into the translation memory; its human units win over machine ones."""
    from foreigndesk.translate.tmx import read_tmx

    with _desk(config) as desk:
        if not file.is_file():
            raise DeskError(f"{file}: no such file — give the path of a TMX file")
        target = target_lang or desk.settings.desk.target_lang
        entries = read_tmx(file.read_bytes(), source_lang, target)
        saved = desk.store.memory.save(entries, replace=True)
        out.print(f"{len(entries)} units read, {saved} stored ({source_lang}→{target})")


_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}


def _findings_table(findings: list[Finding], targets: dict[int, str]) -> Table:
    table = Table("block", "severity", "check", "message", "where")
    for found in findings:
        style = _SEVERITY_STYLE[found.severity.value]
        severity = found.severity.value + (" (resolved)" if found.resolved else "")
        where = ""
        text = targets.get(found.position, "") if found.position is not None else ""
        if found.span and text:
            start, end = found.span
            before, marked, after = text[max(start - 15, 0) : start], text[start:end], text[end:]
            where = f"{escape(before)}[reverse]{escape(marked[:60])}[/reverse]{escape(after[:15])}"
        table.add_row(
            "" if found.position is None else str(found.position),
            f"[{style}]{severity}[/{style}]",
            found.check,
            escape(found.message),
            where,
        )
    return table


@qa_app.command("report", hidden=True)
@_one_line_errors
def qa_report(
    article_id: int, as_json: JsonOption = False, config: ConfigOption = Path(CONFIG_FILE)
) -> None:
    """An article's QA findings, checked again on its translation as it stands; for an
    article whose translation failed, on the blocks that have one, with what is missing."""
    from foreigndesk.qa import finding_dict
    from foreigndesk.qa import summary as qa_summary
    from foreigndesk.qa._text import plain

    with _desk(config) as desk:
        article = desk.store.articles.get(article_id)
        unfinished = article.status == ArticleStatus.FAILED and desk.failed_in_translation(
            article_id
        )
        if article.status not in _TRANSLATED_STATES and not unfinished:
            raise DeskError(
                f"article {article_id} is {article.status.value}, not translated yet"
                " — run the desk until it is translated"
            )
        findings = desk.check_quality(article_id)
        translation = desk.translation(article)
        targets = {i: plain(b.html or "") for i, b in enumerate(translation.blocks)}
        overridden = desk.store.articles.qa_overridden(article_id)
        missing = desk.missing_translations(article, translation) if unfinished else None
    if as_json:
        _print_json(
            {
                "id": article_id,
                "status": article.status.value,
                "error": article.error,
                "summary": str(qa_summary(findings)),
                "overridden": overridden,
                "findings": [finding_dict(f) for f in findings],
                "missing": {
                    "title": bool(missing and missing.title),
                    "blocks": list(missing.blocks) if missing else [],
                },
            }
        )
        return
    out.print(f"[bold]{escape(article.title or article.url)}[/bold]")
    if missing is not None:
        out.print(f"translation failed: {article.error}", highlight=False, markup=False)
        out.print(
            (
                f"{missing.describe()} — write them in the review desk (`foreigndesk desk`),"
                f" then `foreigndesk approve {article_id}`"
            )
            if missing
            else f"every block has a translation now — `foreigndesk approve {article_id}`",
            highlight=False,
            markup=False,
        )
    line = f"QA: {qa_summary(findings)}"
    if overridden:
        line += " — publishing allowed by the editor despite errors"
    elif qa_summary(findings).open_errors:
        line += f" — publishing waits; fix them or `foreigndesk qa override {article_id}`"
    out.print(line, highlight=False)
    if findings:
        out.print(_findings_table(findings, targets))


_TRANSLATED_STATES = frozenset(
    {
        ArticleStatus.TRANSLATED,
        ArticleStatus.IN_REVIEW,
        ArticleStatus.APPROVED,
        ArticleStatus.PUBLISHED,
        ArticleStatus.REJECTED,
    }
)


@qa_app.command("check")
@_one_line_errors
def qa_check(
    source: Annotated[Path, typer.Argument(help="The original, a text or HTML file.")],
    target: Annotated[Path, typer.Argument(help="Its translation, a text or HTML file.")],
    source_lang: Annotated[str, typer.Option("--from", help="Source language (ISO 639-1).")],
    target_lang: Annotated[str, typer.Option("--to", help="Target language (ISO 639-1).")],
    glossary: Annotated[
        Path | None, typer.Option(help="A glossary CSV (term,translation) to hold it to.")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Findings as JSON.")] = False,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Check a translation kept outside the desk, one block per paragraph. Paragraphs are
    aligned, so one dropped, repeated, merged or split is a finding, not a refusal.
    Exits with status 1 when there is an error, so a script can stop on it."""
    from foreigndesk.config import load_settings
    from foreigndesk.qa import QAContext, check_texts, finding_dict, read_pair
    from foreigndesk.qa import summary as qa_summary
    from foreigndesk.qa._text import plain
    from foreigndesk.translate.glossary import parse_csv
    from foreigndesk.translate.languages import base_language

    for option, code in (("--from", source_lang), ("--to", target_lang)):
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*", code):
            raise DeskError(f"{option} {code!r} is not a language code — use ISO 639-1, e.g. en")
    terms: tuple[tuple[str, str], ...] = ()
    if glossary is not None:
        try:
            entries = parse_csv(glossary.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise DeskError(
                f"{glossary}: cannot be read ({exc.strerror}) — check the path"
            ) from exc
        terms = tuple((e.source, e.target) for e in entries)
    context = QAContext(
        source_lang=base_language(source_lang),
        target_lang=base_language(target_lang),
        glossary=terms,
        settings=load_settings(config).qa,
    )
    source_blocks, target_blocks = read_pair(source, target)
    findings = check_texts(source_blocks, target_blocks, context)
    result = qa_summary(findings)
    if json_:
        document = {
            "source": str(source),
            "target": str(target),
            "blocks": len(target_blocks),
            "source_blocks": len(source_blocks),
            "errors": result.errors,
            "warnings": result.warnings,
            "findings": [finding_dict(f) for f in findings],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        out.print(f"{len(target_blocks)} blocks: {result}", highlight=False)
        if findings:
            targets = {i: plain(block) for i, block in enumerate(target_blocks)}
            out.print(_findings_table(findings, targets))
    if result.errors:
        raise typer.Exit(1)


@qa_app.command("override")
@_one_line_errors
def qa_override(article_id: int, config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Let an article be published despite open QA errors; the editor's decision is recorded."""
    with _desk(config) as desk:
        article = desk.store.articles.get(article_id, with_blocks=False)
        desk.store.articles.override_qa(article_id)
    out.print(
        f"QA errors overridden for {article.id} {article.title or article.url};"
        " it is published on the next publish once approved",
        highlight=False,
    )


def _read_password(confirm: bool) -> str:
    """The password from the terminal (asked twice), or the first line of standard input."""
    import sys

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = str(typer.prompt("Password", hide_input=True))
    if confirm and password != str(typer.prompt("Password again", hide_input=True)):
        raise DeskError("the two passwords differ — try again")
    return password


@user_app.command("add")
@_one_line_errors
def user_add(
    name: Annotated[str, typer.Argument(help="The editor's sign-in name.")],
    role: Annotated[
        str | None,
        typer.Option(
            help="editor (reviews, approves, publishes) or admin (also manages sources);"
            " the desk's first user is an admin, the next ones editors."
        ),
    ] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Add an editor; the password is asked for, or read from standard input."""
    from foreigndesk.store.accounts import Accounts, check_user_name

    check_user_name(name)
    password = _read_password(confirm=True)
    with _desk(config) as desk:
        user = Accounts(desk.store).add_user(name, password, role)
    out.print(f"added user {user.name} ({user.role})", highlight=False)


@user_app.command("role")
@_one_line_errors
def user_role(
    name: Annotated[str, typer.Argument(help="The user's sign-in name.")],
    role: Annotated[str, typer.Argument(help="editor or admin.")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Make a user an editor or an admin."""
    from foreigndesk.store.accounts import Accounts

    with _desk(config) as desk:
        user = Accounts(desk.store).set_role(name, role)
    out.print(f"{user.name} is now {user.role}", highlight=False)


@user_app.command("password")
@_one_line_errors
def user_password(
    name: Annotated[str, typer.Argument(help="The editor's sign-in name.")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Give an editor a new password (asked for, or read from standard input); their
    sessions end."""
    from foreigndesk.store.accounts import Accounts

    password = _read_password(confirm=True)
    with _desk(config) as desk:
        user = Accounts(desk.store).set_password(name, password)
    out.print(f"new password for {user.name}; signed out everywhere", highlight=False)


@user_app.command("list")
@_one_line_errors
def user_list(as_json: JsonOption = False, config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Editors, and when each last signed in."""
    from foreigndesk.store.accounts import Accounts

    with _desk(config) as desk:
        users = Accounts(desk.store).users()
        if as_json:
            _print_json([dataclasses.asdict(u) for u in users])
            return
        table = Table("name", "role", "added", "last sign-in")
        for user in users:
            table.add_row(
                escape(user.name), user.role, _when(user.created_at), _when(user.last_login_at)
            )
        out.print(table)


@user_app.command("remove")
@_one_line_errors
def user_remove(
    name: Annotated[str, typer.Argument(help="The editor's sign-in name.")],
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Remove an editor; their sessions end at once."""
    from foreigndesk.store.accounts import Accounts

    with _desk(config) as desk:
        Accounts(desk.store).remove_user(name)
    out.print(f"removed user {name}", highlight=False)


@app.command("desk")
@_one_line_errors
def desk_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on (web.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (web.port).")] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Serve the review desk, the editors' web UI; Ctrl-C stops it."""
    import socket

    import uvicorn

    from foreigndesk.config import load_settings
    from foreigndesk.store import Store
    from foreigndesk.store.accounts import Accounts
    from foreigndesk.web import create_app

    settings = load_settings(config)
    store = Store.open(settings.database_url)
    try:
        if not Accounts(store).users():
            raise DeskError("no editors yet — add one with `foreigndesk user add NAME`")
        web = settings.web
        chosen_host = host or web.host
        chosen_port = web.port if port is None else port
        listener = socket.socket(
            socket.AF_INET6 if ":" in chosen_host else socket.AF_INET, socket.SOCK_STREAM
        )
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((chosen_host, chosen_port))
        except OSError as exc:
            listener.close()
            raise DeskError(
                f"cannot listen on {chosen_host}:{chosen_port} ({exc.strerror})"
                " — choose another --port or --host"
            ) from exc
        out.print(
            f"review desk at http://{chosen_host}:{chosen_port}/ (Ctrl-C stops)", highlight=False
        )
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, store),
                proxy_headers=bool(web.forwarded_allow_ips),
                forwarded_allow_ips=web.forwarded_allow_ips or None,
                log_level="info",
            )
        )
        with listener:
            server.run(sockets=[listener])
    finally:
        store.close()


def main() -> None:
    app()
