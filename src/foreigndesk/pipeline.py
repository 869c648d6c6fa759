"""The stages, wired: source → fetch → extract → dedupe → translate → review → publish.

Each stage takes the articles waiting in its input status and handles them one by one;
one article's result and its next status are written in one transaction. A stage is
therefore idempotent (what is done is not waiting any more) and resumable (a kill
leaves each article either done or still waiting). A bad input becomes one error line,
the article is marked failed with the reason and retried later with backoff, and the
stage goes on with the rest.

Stages run in-process; the stage functions take ids and touch only the store, so an
executor that runs them as distributed tasks can map the same functions over the ids.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError, UnsupportedPair
from foreigndesk.extract import (
    NearDuplicateIndex,
    content_hash,
    extract_article,
    near_duplicate_signature,
    signature_bytes,
    signature_from_bytes,
)
from foreigndesk.fetch import Deferred, Fetcher, FetchPolicy, FetchResult
from foreigndesk.fetch.hosts import interleave_hosts
from foreigndesk.fetch.transport import Resolver, system_resolver
from foreigndesk.models import (
    TRANSLATABLE_KINDS,
    Article,
    ArticleStatus,
    BlockKind,
    ExtractedArticle,
    Finding,
    MemoryEntry,
    Post,
    Severity,
    Source,
    TranslatedBlock,
    Translation,
)
from foreigndesk.plugins import engine_specs, publish_targets
from foreigndesk.publish.compose import compose_post, slug_for
from foreigndesk.publish.digest import post_digest
from foreigndesk.publish.target import PublishReport
from foreigndesk.qa import QAContext, check_article
from foreigndesk.sources.poll import next_interval, poll_source
from foreigndesk.store import Store
from foreigndesk.store.tables import utcnow
from foreigndesk.translate import Engine, Glossary, GlossaryEntry, Translator, choose, source_hash
from foreigndesk.translate.breaker import CircuitBreaker
from foreigndesk.translate.languages import base_language
from foreigndesk.translate.memory import HUMAN, machine_entry

logger = logging.getLogger(__name__)


class Reporter(Protocol):
    """How the pipeline tells a front end what it is doing; the CLI draws progress bars."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self) -> None: ...

    def error(self, message: str) -> None: ...

    def warning(self, message: str) -> None:
        """Something the editor should know of that did not stop the article."""


class SilentReporter:
    """Collects error and warning lines and nothing else: for tests, benchmarks and
    library use."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def error(self, message: str) -> None:
        self.errors.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)


@dataclass
class RunReport:
    """What one run did, stage by stage; ``engine_calls`` counts calls actually made."""

    new_articles: int = 0
    fetched: int = 0
    extracted: int = 0
    duplicates: int = 0
    translated: int = 0
    engine_calls: int = 0
    memory_hits: int = 0
    in_review: int = 0
    approved: int = 0
    published: int = 0
    failed: int = 0
    #: Approved articles not published because of open QA errors.
    held_by_qa: int = 0
    targets: list[PublishReport] = field(default_factory=list)


# -- pure helpers ------------------------------------------------------------------------


def segments_of(article: Article) -> list[str]:
    """Every distinct piece of text to translate, as inline HTML: title, blocks, captions."""
    pieces = [escape(article.title or "", quote=False)]
    for block in article.blocks:
        if block.kind in TRANSLATABLE_KINDS:
            pieces.append(block.html)
        elif block.kind == BlockKind.IMAGE:
            pieces.extend(escape(t, quote=False) for t in (block.alt, block.caption) if t)
    return list(dict.fromkeys(p for p in pieces if p.strip()))


def assemble_translation(
    article: Article, target_lang: str, engine: str, translated: dict[str, str]
) -> Translation:
    """Put the memory's segments back onto the article's blocks."""

    def plain(text: str | None) -> str | None:
        if not text:
            return None
        found = translated.get(escape(text, quote=False))
        return unescape(found) if found is not None else None

    items: list[TranslatedBlock] = []
    for block in article.blocks:
        if block.kind in TRANSLATABLE_KINDS:
            items.append(TranslatedBlock(block=block, html=translated.get(block.html)))
        elif block.kind == BlockKind.IMAGE:
            items.append(
                TranslatedBlock(block=block, html=plain(block.alt), caption=plain(block.caption))
            )
        else:
            items.append(TranslatedBlock(block=block, html=None))
    return Translation(
        article_id=article.id,
        source_lang=article.source_lang,
        target_lang=target_lang,
        engine=engine,
        title=plain(article.title) or article.title or "",
        blocks=tuple(items),
    )


def segment_labels(article: Article) -> dict[str, str]:
    """How to name each segment in an error line: ``title``, ``block 4``, ``block 4 caption``."""
    labels = {escape(article.title or "", quote=False): "title"}
    for index, block in enumerate(article.blocks):
        if block.kind in TRANSLATABLE_KINDS:
            labels.setdefault(block.html, f"block {index}")
        elif block.kind == BlockKind.IMAGE:
            for part, text in (("alt text", block.alt), ("caption", block.caption)):
                if text:
                    labels.setdefault(escape(text, quote=False), f"block {index} {part}")
    return labels


def extract_page(
    settings: Settings,
    location: str,
    *,
    url: str | None = None,
    lang: str | None = None,
) -> ExtractedArticle:
    """What the desk extracts from one page, stored nowhere: for checking a new source.

    ``location`` is an http(s) URL, fetched as the desk fetches (robots.txt, SSRF guard,
    size limit), or a saved HTML file; ``url`` is the address a saved file came from, for
    its links and canonical URL.
    """
    if location.startswith(("http://", "https://")):

        async def fetch() -> FetchResult:
            async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
                return await fetcher.get(location)

        result = asyncio.run(fetch())
        if not result.is_html:
            raise DeskError(
                f"{location}: not an HTML page ({result.content_type or 'no type'})"
                " — give the address of the article's page"
            )
        return extract_article(
            result.content,
            url or result.final_url,
            encoding=result.encoding,
            fetched_at=utcnow(),
            lang=lang,
        )
    path = Path(location)
    if not path.is_file():
        raise DeskError(
            f"{location}: no such file, and not an http(s) URL — give a page's address"
            " or a saved HTML file"
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DeskError(f"{location}: cannot be read ({exc.strerror}) — check the file") from exc
    return extract_article(content, url or path.resolve().as_uri(), lang=lang)


# -- the desk ----------------------------------------------------------------------------


class _PageBatch:
    """Fetched pages waiting to be stored together, in one transaction.

    A batch is written when it holds ``size`` pages or its oldest page has waited
    ``max_wait`` seconds, and at the end of the stage (a stop included). A crash loses at
    most one batch of fetched pages, never an article: their articles are still waiting
    to be fetched and the next run fetches them again.
    """

    def __init__(self, store: Store, size: int = 50, max_wait: float = 0.5) -> None:
        self.store = store
        self.size = size
        self.max_wait = max_wait
        self._pages: list[tuple[int, FetchResult]] = []
        self._since = 0.0

    def add(self, article_id: int, result: FetchResult) -> None:
        if not self._pages:
            self._since = time.monotonic()
        self._pages.append((article_id, result))
        if len(self._pages) >= self.size or time.monotonic() - self._since >= self.max_wait:
            self.flush()

    def flush(self) -> None:
        if self._pages:
            self.store.save_pages(self._pages)
            self._pages = []


class Desk:
    """The pipeline over one store with one configuration."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        reporter: Reporter | None = None,
        engine: str | None = None,
        allow_hosts: Iterable[str] = (),
        resolver: Resolver = system_resolver,
    ) -> None:
        self.settings = settings
        self.store = store
        self.reporter: Reporter = reporter or SilentReporter()
        self.engine_override = engine
        self.breakers: dict[str, CircuitBreaker] = {}
        #: Set to end the current stage after the article in hand (SIGTERM in `watch`).
        self.stopping = threading.Event()
        self._allow_hosts = frozenset(allow_hosts)
        self._resolver = resolver
        self._engines: dict[str, Engine] = {}

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy.from_settings(self.settings, self._allow_hosts)

    def _fetcher(self) -> Fetcher:
        return Fetcher(self.fetch_policy(), robots_store=self.store, resolver=self._resolver)

    def _each(
        self,
        stage: str,
        ids: Sequence[int],
        work: Callable[[int], None],
        on_error_status: ArticleStatus,
        report: RunReport,
    ) -> None:
        self.reporter.stage(stage, len(ids))
        for article_id in ids:
            if self.stopping.is_set():
                return
            try:
                work(article_id)
            except DeskError as exc:
                self._fail(article_id, on_error_status, exc, report)
            self.reporter.advance()

    # -- stages ----------------------------------------------------------------------------

    def discover(self, report: RunReport, sources: Iterable[Source] | None = None) -> None:
        """Check each source (all of them unless named) for new candidate articles."""
        chosen = [
            s for s in (sources if sources is not None else self.store.sources()) if not s.paused
        ]
        if not chosen:
            return
        self.reporter.stage("sources", len(chosen))

        async def all_sources() -> None:
            async with self._fetcher() as fetcher:
                await self._until_done_or_stopped(
                    [self._discover_one(fetcher, s, report) for s in chosen]
                )

        asyncio.run(all_sources())

    async def _discover_one(self, fetcher: Fetcher, source: Source, report: RunReport) -> None:
        assert source.id is not None
        options = self.settings.fetch
        try:
            etag, last_modified = self.store.source_validators(source.id)
            poll = await poll_source(
                fetcher,
                source.url,
                etag=etag,
                last_modified=last_modified,
                sitemap_depth=options.sitemap_depth,
            )
            interval = next_interval(
                self.store.source_interval(source.id),
                poll.interval_hint,
                len(poll.urls),
                options.poll_interval,
                options.max_poll_interval,
            )
            if poll.not_modified:
                self.store.record_source_not_modified(source.id, interval)
            else:
                if poll.moved_to and self.store.move_source(source.id, poll.moved_to, poll.kind):
                    logger.info("source %s now follows its feed %s", source.url, poll.moved_to)
                kind = "url" if poll.kind == "url" else poll.kind
                report.new_articles += self.store.record_source_success(
                    source.id,
                    title=poll.title,
                    urls=poll.urls,
                    etag=poll.etag,
                    last_modified=poll.last_modified,
                    kind=kind,
                    interval=interval,
                )
        except DeskError as exc:
            # Fetch and feed errors start with the URL they are about.
            message = f"source {exc}"
            retry = exc.retry_after if isinstance(exc, Deferred) else None
            if self.store.record_source_error(
                source.id,
                str(exc),
                pause_after=options.pause_after,
                retry_in=int(retry) if retry else options.poll_interval,
            ):
                message += (
                    f" — paused after {options.pause_after} failures in a row;"
                    f" `foreigndesk source resume {source.id}` when it is fixed"
                )
            logger.warning(message)
            self.reporter.error(message)
        self.reporter.advance()

    def fetch_pages(self, report: RunReport) -> None:
        """Fetch every discovered article's page, many hosts at once, each politely."""
        ids = self.store.due(ArticleStatus.DISCOVERED)
        if not ids:
            return
        self.reporter.stage("fetch", len(ids))
        targets = self.store.fetch_targets(ids)
        ids = interleave_hosts(ids, lambda i: urlsplit(targets[i][0]).hostname)
        pages = _PageBatch(self.store)

        async def all_pages() -> None:
            async with self._fetcher() as fetcher:
                # Tasks wait in the host gate; this bound keeps the waiting list small.
                bound = asyncio.Semaphore(self.settings.fetch.concurrency * 4)

                async def one(article_id: int) -> None:
                    async with bound:
                        await self._fetch_one(
                            fetcher, article_id, targets[article_id], pages, report
                        )
                    self.reporter.advance()

                try:
                    await self._until_done_or_stopped([one(i) for i in ids])
                finally:
                    pages.flush()

        asyncio.run(all_pages())

    async def _until_done_or_stopped(self, work: Sequence[Coroutine[Any, Any, None]]) -> None:
        """Run ``work`` concurrently; on a stop request, cancel what has not finished.

        Cancelling is safe: the store is written only after a page or feed has arrived
        whole, with no ``await`` in between, so a cut-off fetch leaves nothing behind and
        is simply made again by the next run.
        """
        tasks = [asyncio.ensure_future(coroutine) for coroutine in work]
        # Waited on as one future: asyncio.wait on every task would visit all of them
        # (twenty thousand pages, say) ten times a second.
        everything = asyncio.gather(*tasks, return_exceptions=True)
        while not everything.done():
            await asyncio.wait([everything], timeout=0.1)
            if not everything.done() and self.stopping.is_set():
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                break
        for task in tasks:
            if not task.cancelled() and (error := task.exception()) is not None:
                raise error

    async def _fetch_one(
        self,
        fetcher: Fetcher,
        article_id: int,
        target: tuple[str, str | None, str | None],
        pages: _PageBatch,
        report: RunReport,
    ) -> None:
        url, etag, last_modified = target
        try:
            result = await fetcher.get(url, etag=etag, last_modified=last_modified)
            if result.not_modified:
                self.store.keep_page(article_id)
            elif not result.is_html:
                raise DeskError(
                    f"{url}: not an HTML page ({result.content_type or 'no type'})"
                    " — remove the item from the source or link its HTML page"
                )
            else:
                pages.add(article_id, result)
            report.fetched += 1
        except DeskError as exc:
            self._fail(article_id, ArticleStatus.DISCOVERED, exc, report)

    def _fail(
        self, article_id: int, stage: ArticleStatus, exc: DeskError, report: RunReport
    ) -> None:
        message = f"article {article_id}: {exc}"
        logger.warning(message)
        self.reporter.error(message)
        self.store.fail(
            article_id,
            stage,
            str(exc),
            self.settings.fetch.retry_base_seconds,
            not_before=exc.retry_after if isinstance(exc, Deferred) else None,
        )
        report.failed += 1

    def extract(self, report: RunReport, article_ids: Sequence[int] | None = None) -> None:
        """Extract every fetched article, or the named ones again from their stored pages.

        Each article is checked against the articles before it for being the same story
        (same canonical URL, same text, or a near-duplicate by MinHash LSH): the index of
        signatures is rebuilt from the store here, once per stage, and grows as it goes.
        """
        ids = self.store.due(ArticleStatus.FETCHED) if article_ids is None else article_ids
        if not ids:
            return
        index = self._near_duplicate_index()

        def work(article_id: int) -> None:
            article = self.store.article(article_id, with_blocks=False)
            page = self.store.page(article_id)
            extracted = extract_article(
                page.body,
                page.final_url,
                encoding=page.encoding,
                fetched_at=page.fetched_at,
                lang=article.source_lang,
            )
            if extracted.undecodable_bytes:
                damage = (
                    f"article {article_id} ({page.final_url}): {extracted.undecodable_bytes}"
                    f" byte(s) of the page could not be read as {extracted.encoding} and became"
                    " U+FFFD — check the text against the original; if all of it reads wrong,"
                    " the site declares the wrong charset"
                )
                logger.warning(damage)
                self.reporter.warning(damage)
            signature = near_duplicate_signature(extracted.blocks)
            duplicate_of = self.store.save_extraction(
                article_id,
                extracted,
                content_hash(extracted.blocks),
                minhash=signature_bytes(signature),
                near_duplicates=index.matches(signature, exclude=article_id),
            )
            if duplicate_of is None:
                index.add(article_id, signature)
                report.extracted += 1
            else:
                index.discard(article_id)
                report.duplicates += 1

        self._each("extract", ids, work, ArticleStatus.FETCHED, report)

    def _near_duplicate_index(self) -> NearDuplicateIndex:
        """The stored articles' signatures, indexed (copies left out: the first one counts)."""
        index = NearDuplicateIndex(self.settings.extract.near_duplicate_threshold)
        for article_id, data in self.store.near_duplicate_signatures():
            try:
                index.add(article_id, signature_from_bytes(data))
            except ValueError as exc:  # written by another version; re-extraction rewrites it
                logger.warning("article %s: stored signature not read (%s)", article_id, exc)
        return index

    def reextract(self, report: RunReport, article_ids: Sequence[int] | None = None) -> None:
        """Extract the named articles (every article with a stored page if none is named)
        again from the pages stored when they were fetched, without fetching them again.

        A re-extracted article starts over from ``extracted`` (or ``duplicate``): its
        blocks may have changed, so its translation is made again, from the translation
        memory wherever a block's text is unchanged.
        """
        stored = self.store.articles_with_pages()
        if article_ids is None:
            ids = stored
        else:
            with_page = set(stored)
            for article_id in article_ids:
                self.store.article(article_id, with_blocks=False)  # an unknown id says so
                if article_id not in with_page:
                    raise DeskError(
                        f"article {article_id} has no stored page yet — `foreigndesk run`"
                        " fetches and extracts it"
                    )
            ids = list(dict.fromkeys(article_ids))
        self.extract(report, ids)

    def _engine(self, name: str) -> Engine:
        """The engine called ``name``, built once per stage from its plugin's spec."""
        if name not in self._engines:
            specs = engine_specs()
            if name not in specs:
                raise DeskError(
                    f"engine {name!r} is not installed — choose one of "
                    f"{', '.join(sorted(specs)) or 'none'} in translate.engine"
                )
            self._engines[name] = specs[name].create(self.settings)
        return self._engines[name]

    def chain(self, source_engine: str | None = None) -> list[Engine]:
        """The engines to try, in order: the run's or source's choice, then the fallbacks."""
        first = self.engine_override or source_engine or self.settings.translate.engine
        names = list(dict.fromkeys([first, *self.settings.translate.fallback]))
        return [self._engine(name) for name in names]

    def _budget_left(self, name: str) -> int | None:
        budget = self.settings.translate.budget.get(name)
        if budget is None:
            return None
        _, used = self.store.engine_usage(utcnow().strftime("%Y-%m")).get(name, (0, 0))
        return max(budget - used, 0)

    async def _close_engines(self) -> None:
        for engine in self._engines.values():
            await engine.aclose()
        self._engines.clear()

    def translate(self, report: RunReport) -> None:
        ids = self.store.due(ArticleStatus.EXTRACTED)
        if not ids:
            return
        # One event loop for the whole stage: remote engines keep their connections open
        # from one article to the next.
        with asyncio.Runner() as runner:
            try:
                self._each(
                    "translate",
                    ids,
                    lambda article_id: runner.run(self._translate_article(article_id, report)),
                    ArticleStatus.EXTRACTED,
                    report,
                )
            finally:
                runner.run(self._close_engines())

    async def _translate_article(self, article_id: int, report: RunReport) -> None:
        article = self.store.article(article_id)
        source = base_language(article.source_lang)
        target = base_language(self.settings.desk.target_lang)
        chain = self.chain(self.store.source_engine(article.source_id))
        if not any((source, target) in engine.pairs() for engine in chain):
            offered = "; ".join(
                f"{e.name}: {', '.join(f'{s}→{t}' for s, t in sorted(e.pairs())) or 'none'}"
                for e in chain
            )
            raise UnsupportedPair(
                f"no {source}→{target} pair in {', '.join(e.name for e in chain)} ({offered})"
                " — install the pair, add an engine to translate.fallback, or set the"
                " source's language with --lang"
            )
        glossary = self.glossary(article)
        segments = segments_of(article)
        known = self._remembered(segments, source, target, [e.name for e in chain], glossary)
        missing = [s for s in segments if s not in known]
        report.memory_hits += len(segments) - len(missing)
        translator = Translator(chain, breakers=self.breakers, budget_left=self._budget_left)
        run = await translator.translate(missing, source, target, glossary)
        entries = [
            machine_entry(
                text,
                result.text,
                source,
                target,
                result.engine,
                glossary.version_for(text),
                result.flags,
            )
            for text, result in run.results.items()
            if result.text is not None and result.engine is not None
        ]
        usage = {
            e.name: (run.usage[e.name].calls, run.usage[e.name].billed, e.billing_unit)
            for e in chain
            if e.name in run.usage
        }
        report.engine_calls += sum(calls for calls, _, _ in usage.values())
        engines = sorted({m.engine for m in known.values()} | {e.engine for e in entries})
        failures = run.failures
        self.store.save_translation(
            article_id,
            entries,
            usage=usage,
            engine=",".join(engines),
            target_lang=target,
            next_status=None if failures else ArticleStatus.TRANSLATED,
        )
        if failures:
            labels = segment_labels(article)
            listed = "; ".join(
                f"{labels.get(text, 'a block')}: {reason}" for text, reason in failures.items()
            )
            raise DeskError(
                f"{len(failures)} of {len(segments)} segments not translated ({listed});"
                " the rest is kept and only these are tried again"
            )
        self.check_quality(article_id)
        report.translated += 1

    def _remembered(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        engines: Sequence[str],
        glossary: Glossary,
        *,
        any_machine: bool = False,
    ) -> dict[str, MemoryEntry]:
        """The translation memory's entry for each segment it can serve."""
        hashes = {text: source_hash(text) for text in segments}
        by_hash: dict[str, list[MemoryEntry]] = {}
        for entry in self.store.memory_candidates(hashes.values(), source, target):
            by_hash.setdefault(entry.source_hash, []).append(entry)
        found: dict[str, MemoryEntry] = {}
        for text, digest in hashes.items():
            chosen = choose(
                by_hash.get(digest, []),
                engines,
                glossary.version_for(text),
                any_machine=any_machine,
            )
            if chosen is not None:
                found[text] = chosen
        return found

    def review(self, report: RunReport) -> None:
        """Translated articles wait for an editor, or go straight on with auto_approve."""
        auto = self.settings.desk.auto_approve
        next_status = ArticleStatus.APPROVED if auto else ArticleStatus.IN_REVIEW
        for article_id in self.store.due(ArticleStatus.TRANSLATED):
            if self.store.set_status(article_id, next_status, expect=[ArticleStatus.TRANSLATED]):
                if auto:
                    report.approved += 1
                else:
                    report.in_review += 1

    def approve(self, article_id: int, lead: Sequence[int] | None = None) -> Article:
        article = self.store.article(article_id, with_blocks=False)
        allowed = {ArticleStatus.IN_REVIEW, ArticleStatus.TRANSLATED, ArticleStatus.APPROVED}
        if article.status not in allowed:
            raise DeskError(
                f"article {article_id} is {article.status.value}, not ready for approval"
                " — run the desk until it is in_review"
            )
        if lead is not None:
            self.store.set_lead(article_id, lead)
        self.store.set_status(article_id, ArticleStatus.APPROVED, expect=allowed)
        return self.store.article(article_id, with_blocks=False)

    def glossary(self, article: Article) -> Glossary:
        source = base_language(article.source_lang)
        target = base_language(self.settings.desk.target_lang)
        terms = self.store.glossary_terms(source, target)
        return Glossary(source, target, tuple(GlossaryEntry(*t) for t in terms))

    def translation(self, article: Article) -> Translation:
        """The article in the target language as the memory holds it now: an editor's
        corrections first, then the engines that translated it."""
        engines, target = self.store.translation_target(article.id)
        glossary = self.glossary(article)
        segments = segments_of(article)
        found = self._remembered(
            segments,
            glossary.source_lang,
            target,
            [*engines.split(","), self.settings.translate.engine],
            glossary,
            any_machine=True,
        )
        used = sorted({e.engine for e in found.values() if e.origin != HUMAN}) or engines.split(",")
        translation = assemble_translation(
            article, target, ", ".join(used), {s: e.target_text for s, e in found.items()}
        )
        human = any(e.origin == HUMAN for e in found.values())
        return dataclasses.replace(translation, human_edited=human)

    def check_quality(self, article_id: int) -> list[Finding]:
        """Run the QA checks on the article's translation as it is now and store the
        findings; an editor's "resolved" mark is kept on a finding that is found again."""
        article = self.store.article(article_id)
        translation = self.translation(article)
        glossary = self.glossary(article)
        remembered = self._remembered(
            segments_of(article),
            glossary.source_lang,
            translation.target_lang,
            [e.strip() for e in translation.engine.split(",")],
            glossary,
            any_machine=True,
        )
        flags = {
            index: remembered[block.html].flags
            for index, block in enumerate(article.blocks)
            if block.html in remembered
        }
        context = QAContext(
            source_lang=glossary.source_lang,
            target_lang=translation.target_lang,
            glossary=tuple((e.source, e.target) for e in glossary.entries),
            settings=self.settings.qa,
        )
        found = check_article(article.blocks, [b.html for b in translation.blocks], context, flags)
        resolved = {
            (f.position, f.check, f.message) for f in self.store.findings(article_id) if f.resolved
        }
        found = [
            dataclasses.replace(f, resolved=(f.position, f.check, f.message) in resolved)
            for f in found
        ]
        self.store.replace_findings(article_id, found)
        return found

    def qa_hold(self, article_id: int) -> str | None:
        """Why the article may not be published (open QA errors, not overridden), or None."""
        errors = [
            f
            for f in self.check_quality(article_id)
            if f.severity == Severity.ERROR and not f.resolved
        ]
        if not errors or self.store.qa_overridden(article_id):
            return None
        first = errors[0]
        where = f"block {first.position}" if first.position is not None else "the article"
        return (
            f"article {article_id}: not published, {len(errors)} open QA"
            f" error{'s' if len(errors) > 1 else ''} ({first.check} in {where}: {first.message})"
            f" — fix the translation, or `foreigndesk qa override {article_id}` to publish anyway;"
            f" `foreigndesk qa {article_id}` lists them"
        )

    def _slug(self, article: Article) -> str:
        base = slug_for(article)
        return base if not self.store.slug_taken(base, article.id) else f"{base}-{article.id}"

    def publish(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        """Compose a post for every approved article, then bring every target up to date."""

        def work(article_id: int) -> None:
            self.publish_article(article_id, report)

        self._each(
            "publish", self.store.due(ArticleStatus.APPROVED), work, ArticleStatus.APPROVED, report
        )
        self.build(report, targets)

    def compose(self, article: Article) -> Post:
        """The post for ``article`` as it would be published now: its editor's title
        template and tags, its translation as the memory holds it."""
        settings = self.settings
        if article.title_template:
            settings = settings.model_copy(
                update={
                    "post": settings.post.model_copy(
                        update={"title_template": article.title_template}
                    )
                }
            )
        post = compose_post(
            article,
            self.translation(article),
            settings,
            self._slug(article),
            glossary=self.glossary(article),
        )
        if article.tags and not post.tags:
            post = dataclasses.replace(post, tags=article.tags)
            post = dataclasses.replace(post, content_hash=post_digest(post))
        return post

    def publish_article(self, article_id: int, report: RunReport) -> bool:
        """Compose and store one approved article's post, unless QA holds it; True when
        it was published. ``build`` then brings the targets up to date."""
        if (hold := self.qa_hold(article_id)) is not None:
            logger.warning(hold)
            self.reporter.error(hold)
            report.held_by_qa += 1
            return False
        self.store.save_post(self.compose(self.store.article(article_id)))
        report.published += 1
        return True

    def build(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        """Bring each publish target up to date with every published post."""
        posts = self.store.posts()
        installed = publish_targets()
        for name in targets or self.settings.publish.targets:
            if name not in installed:
                self.reporter.error(
                    f"publish target {name!r} is not installed — choose from "
                    f"{', '.join(sorted(installed))}"
                )
                continue
            try:
                result = installed[name].publish(posts, self.settings, self.store)
            except DeskError as exc:
                self.reporter.error(f"publish to {name}: {exc}")
                continue
            for error in result.errors:
                self.reporter.error(f"publish to {name}: {error}")
            report.targets.append(result)

    def run(self, sources: Iterable[Source] | None = None) -> RunReport:
        """Every stage once, in order; only the named sources are checked, if any are."""
        report = RunReport()
        self.discover(report, sources)
        self.fetch_pages(report)
        self.extract(report)
        self.translate(report)
        self.review(report)
        self.publish(report)
        return report


__all__ = [
    "Desk",
    "Reporter",
    "RunReport",
    "SilentReporter",
    "assemble_translation",
    "segments_of",
]
