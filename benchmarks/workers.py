"""Celery workers' translate throughput against their number: 1, 2 and 4 workers, and a kill.

The load: 200 articles put straight into a real PostgreSQL store as extracted (one source,
each article with a title and four paragraph blocks, every paragraph's text distinct, so
the translation memory serves nothing and every segment goes to the engine). The engine is
the DeepL fake (tests/fakes/deepl.py) on loopback, configured as the desk's engine in
desk.toml (``translate.engine = "deepl"``, its ``api_url`` the fake's, the key from an
environment variable); it waits 200 ms before each answer, so the work is I/O-bound and one
article costs one 200 ms call (DeepL takes the article's segments in one request).
``desk.auto_approve`` is false, so articles stop at ``in_review`` (nothing is published).

For N in 1, 2, 4: the database is emptied (``DROP SCHEMA public CASCADE``) and seeded
again, ``foreigndesk scheduler --once`` queues a translate task per article on a real Redis
broker (as a scheduler that is already running would have; its own start-up is not the
workers' work), then N ``foreigndesk worker --pool solo --queues translate`` processes are
started (each runs one task at a time). The wall time runs from the moment every worker
has said it is ready to the moment the store holds all 200 articles in ``in_review``
(polled every 50 ms); throughput is the articles finished in that window over it (the
first workers to start may finish a few before the last one is ready; those are left
out of both). The baseline is the same run with one
worker: ``scaling_2`` and ``scaling_4`` are throughput with 2 and 4 workers over throughput
with 1 (the target is >= 3.2 for 4). The ideal with no overhead is N * 5 articles per
second. ``task_seconds`` is the mean of the times the workers' own logs give for each
translate task ("succeeded in …"), and ``task_overhead_ms`` that mean less the 200 ms the
engine waits: what a task spends beyond the engine call. ``max_per_host_in_flight`` is the
largest number of requests the fake engine handled at once over all runs, and
``engine_calls`` the number of translate requests it received in each run.
``worker_cpu_ms_per_article`` is the CPU time (user + system, from /proc) the worker
processes used over a run, per article, and ``cpus`` the machine's CPU count: the workers,
PostgreSQL, Redis, the fake and this script share those CPUs.

Then the kill run: 4 workers as above, and once a third of the articles are in review one
worker's process group gets SIGKILL; the scheduler is run every 3 s (as tests/test_workers.py
does) so that what the dead worker held is sent again. ``lost`` is the articles not in
review at the end (expected 0), ``double_engine_calls`` the segments the engine was sent
more than once (expected 0; a segment the killed worker had in flight at the moment of the
kill is necessarily sent again, as its translation was never stored: those are counted
apart in ``double_in_flight_at_kill``), and ``kill_seconds`` the wall time of that run.

Settings that differ from a desk's defaults: ``translate.mode = "full"`` (DeepL bills, so
the default ``auto`` would triage: translate each article's title and summary and stop at
``triaged`` until an editor picks it; the work measured here is translating whole
articles), ``workers.lease_seconds = 10`` (as in
tests/test_workers.py, so a dead worker's claims lapse soon), ``fetch.host_delay = 0`` and
loopback allowed (tests/conftest.py's write_config), PostgreSQL with ``fsync=off``
(tests/postgres.py), Redis without persistence (tests/redis_server.py). PostgreSQL listens
on a Unix socket in its own folder, everything else on 127.0.0.1; every process and server
is stopped at the end.

Run: ``.venv/bin/python benchmarks/workers.py``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, tests.conftest and the throwaway servers

from tests.conftest import write_config  # noqa: E402
from tests.fakes.deepl import DeepLFake  # noqa: E402
from tests.postgres import temporary_postgres  # noqa: E402
from tests.redis_server import temporary_redis  # noqa: E402

from foreigndesk.config import DeepLSettings  # noqa: E402
from foreigndesk.fetch.fetcher import FetchResult  # noqa: E402
from foreigndesk.models import ArticleStatus, Block, BlockKind, ExtractedArticle  # noqa: E402
from foreigndesk.store import Store  # noqa: E402

ENGINE_LATENCY = 0.2
PARAGRAPHS = 4
KEY_ENV = "FOREIGNDESK_BENCH_DEEPL_KEY"
KEY = "bench-key"
WORKER_OPTIONS = ("--pool", "solo", "--queues", "translate", "--loglevel", "info")
WORKER_START_TIMEOUT = 60.0
RUN_TIMEOUT = 300.0
SCHEDULER_EVERY = 3.0
TASK_TIME = re.compile(r"Task foreigndesk\.translate\[[^\]]+\] succeeded in ([0-9.]+)s")

WORDS = [
    "harbour", "council", "budget", "river", "school", "festival", "railway", "market",
    "election", "museum", "bridge", "library", "harvest", "theatre", "hospital", "village",
    "coast", "factory", "garden", "tunnel",
]  # fmt: skip


# -- the store ------------------------------------------------------------------------------


def paragraph(article: int, number: int) -> str:
    """A sentence no other article or paragraph has: the memory must not answer it."""
    digest = hashlib.sha256(f"{article}/{number}".encode()).digest()
    words = " ".join(WORDS[b % len(WORDS)] for b in digest[:12])
    return f"Report {article}, part {number}: the {words} were discussed at length today."


def reset(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    finally:
        engine.dispose()


def seed(database_url: str, count: int) -> list[str]:
    """``count`` extracted articles through the store's own API; returns every segment."""
    store = Store.open(database_url)
    segments: list[str] = []
    try:
        source, _ = store.sources.add(
            "http://127.0.0.1:9/feed.xml", "en", license="CC BY 4.0", engine=None
        )
        urls = [f"http://127.0.0.1:9/articles/{n}.html" for n in range(count)]
        assert source.id is not None
        store.sources.record_success(
            source.id, title=None, urls=urls, etag=None, last_modified=None
        )
        ids = store.articles.waiting(ArticleStatus.DISCOVERED)
        page = b"<html><body><p>seeded</p></body></html>"
        store.pages.save(
            [
                (article_id, FetchResult(url, url, 200, "text/html", "utf-8", page))
                for article_id, url in zip(ids, urls, strict=True)
            ]
        )
        for number, article_id in enumerate(ids):
            texts = [paragraph(number, p) for p in range(PARAGRAPHS)]
            title = f"Report number {number} from the bench"
            segments += [title, *texts]
            blocks = tuple(Block(kind=BlockKind.PARAGRAPH, html=t, text=t) for t in texts)
            extracted = ExtractedArticle(title=title, blocks=blocks, lang="en")
            digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
            store.articles.save_extraction(article_id, extracted, digest)
    finally:
        store.close()
    return segments


def counts(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT status, count(*) FROM articles GROUP BY 1"))
            return Counter({str(status): int(n) for status, n in rows})
    finally:
        engine.dispose()


def claims_of(database_url: str, worker_pid: int) -> list[int]:
    """Articles held by the worker process ``worker_pid`` (claims are ``host:pid:started``)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, claimed_by FROM articles WHERE claimed_by IS NOT NULL")
            )
            return [int(i) for i, by in rows if str(by).split(":")[1:2] == [str(worker_pid)]]
    finally:
        engine.dispose()


def texts_of(database_url: str, article_ids: list[int]) -> set[str]:
    if not article_ids:
        return set()
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            ids = ",".join(str(i) for i in article_ids)
            blocks = f"SELECT text FROM blocks WHERE article_id IN ({ids})"
            titles = f"SELECT title FROM articles WHERE id IN ({ids})"
            found = {str(t) for (t,) in connection.execute(text(blocks))}
            return found | {str(t) for (t,) in connection.execute(text(titles))}
    finally:
        engine.dispose()


# -- the processes --------------------------------------------------------------------------


def foreigndesk(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "foreigndesk", *args, "--config", str(folder / "desk.toml")]


def environment() -> dict[str, str]:
    return {**os.environ, KEY_ENV: KEY}


@contextmanager
def workers(folder: Path, count: int, logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` solo workers on the translate queue, each ready; stopped on the way out."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        paths = [logs / f"worker-{len(list(logs.iterdir()))}-{n}.log" for n in range(count)]
        for path in paths:
            with path.open("wb") as output:
                started.append(
                    subprocess.Popen(
                        foreigndesk(folder, "worker", *WORKER_OPTIONS),
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        env=environment(),
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        for path, process in zip(paths, started, strict=True):
            while " ready." not in path.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker did not start:\n{path.read_text()[-2000:]}")
                time.sleep(0.05)
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def schedule(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        foreigndesk(folder, "scheduler", "--once"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )


def wait_in_review(
    database_url: str,
    total: int,
    timeout: float,
    every: Callable[[int], None] | None = None,
) -> int:
    """Poll until ``total`` articles are in review or ``timeout`` passes; returns how many
    are. ``every`` is called with the count at each poll."""
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        done = counts(database_url)[ArticleStatus.IN_REVIEW.value]
        if every is not None:
            every(done)
        if done >= total:
            break
        time.sleep(0.05)
    return done


def cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User and system CPU time the processes (solo workers: no children) have used."""
    total = 0
    for process in processes:
        with open(f"/proc/{process.pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / os.sysconf("SC_CLK_TCK")


def task_times(logs: Path, names: list[str]) -> list[float]:
    found: list[float] = []
    for name in names:
        found += [float(s) for s in TASK_TIME.findall((logs / name).read_text(errors="replace"))]
    return found


# -- the runs -------------------------------------------------------------------------------


def translate_calls(fake: DeepLFake) -> list[list[str]]:
    calls = []
    for request in fake.requests_to(r"^/v2/translate$", "POST"):
        body: Any = request.json_body
        calls.append([str(t) for t in body.get("text", [])] if isinstance(body, dict) else [])
    return calls


def timed_run(
    folder: Path, database_url: str, fake: DeepLFake, logs: Path, count: int, articles: int
) -> dict[str, Any]:
    reset(database_url)
    seed(database_url, articles)
    fake.reset()
    before = {p.name for p in logs.iterdir()}
    # The tasks are queued before the workers start, as a running scheduler would have
    # queued them: the scheduler's own start-up is not the workers' throughput.
    schedule(folder).wait(timeout=120)
    with workers(folder, count, logs) as running:
        cpu = cpu_seconds(running)
        started = time.perf_counter()
        # Articles the first workers finished while the last ones were starting.
        head_start = counts(database_url)[ArticleStatus.IN_REVIEW.value]
        done = wait_in_review(database_url, articles, RUN_TIMEOUT)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(running) - cpu
    if done < articles:
        raise RuntimeError(f"{count} workers: only {done} of {articles} in review in time")
    times = task_times(logs, sorted({p.name for p in logs.iterdir()} - before))
    mean = sum(times) / len(times) if times else 0.0
    return {
        "workers": count,
        "seconds": seconds,
        "per_s": (articles - head_start) / seconds,
        "engine_calls": len(translate_calls(fake)),
        "max_in_flight": fake.max_in_flight,
        "task_seconds": mean,
        "tasks_logged": len(times),
        "cpu_ms": cpu / articles * 1000,
    }


def kill_run(
    folder: Path, database_url: str, fake: DeepLFake, logs: Path, articles: int
) -> dict[str, Any]:
    reset(database_url)
    seed(database_url, articles)
    fake.reset()
    in_flight: set[str] = set()
    with workers(folder, 4, logs) as started:
        victim = started[0]
        killed = False
        last_schedule = time.monotonic()
        began = time.perf_counter()
        schedulers = [schedule(folder)]

        def step(done: int) -> None:
            nonlocal killed, last_schedule
            if not killed and done >= articles // 3:
                held = claims_of(database_url, victim.pid)
                os.killpg(victim.pid, signal.SIGKILL)
                victim.wait(timeout=10)
                killed = True
                in_flight.update(texts_of(database_url, held))
            if killed and time.monotonic() - last_schedule >= SCHEDULER_EVERY:
                last_schedule = time.monotonic()
                schedulers.append(schedule(folder))

        done = wait_in_review(database_url, articles, RUN_TIMEOUT, every=step)
        seconds = time.perf_counter() - began
        for scheduler in schedulers:
            scheduler.wait(timeout=60)
    sent = Counter(segment for call in translate_calls(fake) for segment in call)
    doubled = {segment for segment, n in sent.items() if n > 1}
    return {
        "seconds": seconds,
        "lost": articles - done,
        "killed": killed,
        "double_engine_calls": len(doubled),
        "double_in_flight_at_kill": len(doubled & in_flight),
        "engine_calls": len(translate_calls(fake)),
        "statuses": dict(counts(database_url)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    articles: int = args.articles
    with (
        temporary_postgres() as database_url,
        temporary_redis() as broker_url,
        DeepLFake(auth_key=KEY, latency=ENGINE_LATENCY) as fake,
        tempfile.TemporaryDirectory(prefix="foreigndesk-workers-") as temp,
    ):
        folder, logs = Path(temp) / "desk", Path(temp) / "logs"
        folder.mkdir()
        logs.mkdir()
        write_config(
            folder,
            desk={
                "target_lang": "es",
                "locale": "es_ES",
                "auto_approve": False,
                "database_url": database_url,
            },
            workers={"broker_url": broker_url, "lease_seconds": 10},
            translate={
                "engine": "deepl",
                "mode": "full",
                "deepl": DeepLSettings(api_url=fake.url, key_env=KEY_ENV),
            },
        )
        runs = [timed_run(folder, database_url, fake, logs, n, articles) for n in (1, 2, 4)]
        max_in_flight = max(run["max_in_flight"] for run in runs)
        killed = kill_run(folder, database_url, fake, logs, articles)
        max_in_flight = max(max_in_flight, fake.max_in_flight)
        if fake.errors:
            print(f"the fake engine failed: {fake.errors!r}")

    base = runs[0]["per_s"]
    print(
        f"{articles} articles, {PARAGRAPHS} paragraphs + title each, engine waits"
        f" {ENGINE_LATENCY * 1000:.0f} ms per call"
    )
    print(
        f"{'workers':>7} {'seconds':>8} {'art/s':>7} {'ideal':>6} {'scaling':>8}"
        f" {'calls':>6} {'in flight':>9} {'task ms':>8} {'cpu ms':>7}"
    )
    for run in runs:
        print(
            f"{run['workers']:>7} {run['seconds']:>8.2f} {run['per_s']:>7.2f}"
            f" {run['workers'] / ENGINE_LATENCY:>6.1f} {run['per_s'] / base:>8.2f}"
            f" {run['engine_calls']:>6} {run['max_in_flight']:>9}"
            f" {run['task_seconds'] * 1000:>8.0f} {run['cpu_ms']:>7.0f}"
        )
    print(
        f"kill run (4 workers, one SIGKILLed at a third): {killed['seconds']:.1f} s,"
        f" lost {killed['lost']}, segments sent twice {killed['double_engine_calls']}"
        f" (of which in flight at the kill {killed['double_in_flight_at_kill']}),"
        f" {killed['engine_calls']} calls, statuses {killed['statuses']}"
    )
    print(
        json.dumps(
            {
                "articles": articles,
                "per_s_1": round(runs[0]["per_s"], 2),
                "per_s_2": round(runs[1]["per_s"], 2),
                "per_s_4": round(runs[2]["per_s"], 2),
                "scaling_2": round(runs[1]["per_s"] / base, 2),
                "scaling_4": round(runs[2]["per_s"] / base, 2),
                "task_seconds": [round(run["task_seconds"], 3) for run in runs],
                "task_overhead_ms": [
                    round((run["task_seconds"] - ENGINE_LATENCY) * 1000) for run in runs
                ],
                "worker_cpu_ms_per_article": [round(run["cpu_ms"]) for run in runs],
                "cpus": os.cpu_count(),
                "max_per_host_in_flight": max_in_flight,
                # The engine's own limit on requests in flight, held across the workers
                # in Redis (translate.deepl.concurrency, its default).
                "per_host_limit": DeepLSettings().concurrency,
                "engine_calls": [run["engine_calls"] for run in runs],
                "lost": killed["lost"],
                "double_engine_calls": killed["double_engine_calls"],
                "double_in_flight_at_kill": killed["double_in_flight_at_kill"],
                "kill_seconds": round(killed["seconds"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
