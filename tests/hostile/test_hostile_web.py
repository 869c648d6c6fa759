"""The hostile web (issue #12): every scenario of ``scenarios.py`` served at once to one
desk, in one `foreigndesk run` in a process of its own, with a canary listening on the
loopback addresses the desk must refuse (127.0.0.1 and ::1; the sites are on 127.0.0.2,
the one address the desk's ``fetch.allow_hosts`` lets through).

The run must end as a user's would: exit status 0 or 1, one line per failed item naming
it, no traceback. Every control article is published; every hostile item ends as its
scenario says (taken, refused with its line, or ignored); the canary is never reached;
the built site has nothing live in it; the run stays under 500 MB.

The checks are one test on one run, on purpose: pytest-xdist gives each test to whichever
worker is free, and a test per check would run the whole web once per worker.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree, html

from foreigndesk.config import StaticSiteSettings, load_settings
from foreigndesk.store import Store
from tests.conftest import write_config
from tests.hostile.scenarios import (
    JUNK,
    SCENARIOS,
    SECRET,
    SMUGGLED,
    Ignored,
    Meets,
    Refused,
    Scenario,
    Taken,
)
from tests.hostile.web import WEB_HOST, Canary, HostileWeb, Site

MAX_RSS_MB = 500
#: Seconds one fetch may take: the stalls and drips of the web are cut off at this.
#: Three times what any answer of the hostile web needs on a busy machine (one CI runner
#: with a CPU-heavy process beside it timed out at 2 s); only its stalls and drips reach it.
TIMEOUT = 6.0
LIVE_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "base", "applet"}
LIVE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href"}
#: An error or warning line, as the command prints it.
LINE = re.compile(r"^(error|warning): (.*)$")
#: How a line names an article, a source (by id and URL, or by URL) or a URL it is about.
ARTICLE = re.compile(r"article (\d+)(?: \(\S+\))?: ")
NAMED = re.compile(r"source \d+ \((\S+)\): |(?:source )?(https?://\S+?): ")


@dataclass
class Planned:
    """A scenario as served: its site, what the desk meets, its control article."""

    scenario: Scenario
    site: Site
    meets: Meets
    control: str

    @property
    def item(self) -> str:
        """The article whose fate the outcome is about: the one met, or the one a hostile
        source lists."""
        return (self.meets.yields or self.control) if self.meets.source else self.meets.url

    @property
    def clean_feed(self) -> bool:
        """Whether a clean feed lists the control: not when the control is the article a
        hostile source that is to be taken lists, so its publication shows the source
        was read."""
        taken = isinstance(self.scenario.outcome, Taken)
        return not (self.meets.source and taken and self.item == self.control)


@dataclass
class Line:
    kind: str  # error or warning
    text: str
    #: The item the line names: an article's URL or a source's; None if it names none.
    about: str | None = None
    scenario: str | None = None


@dataclass
class Outcome:
    returncode: int
    output: str
    seconds: float
    peak_mb: float
    canary_hits: list[tuple[str, int]]
    plans: dict[str, Planned]
    #: The scenario each port of the web belongs to.
    ports: dict[int, str]
    canary_port: int
    folder: Path
    #: Article URL → its id.
    articles: dict[str, int] = field(default_factory=dict)
    published: set[str] = field(default_factory=set)
    lines: list[Line] = field(default_factory=list)
    #: The ports of the web the desk asked something of.
    asked: set[int] = field(default_factory=set)


def serve(web: HostileWeb, scenarios: tuple[Scenario, ...]) -> dict[str, Planned]:
    """Every scenario on its site, with its control and the clean feed that lists it."""
    plans: dict[str, Planned] = {}
    for scenario in scenarios:
        assert scenario.name not in plans, f"two scenarios named {scenario.name}"
        site = web.site(scenario.name)
        meets = scenario.serve(site)
        control = meets.control or site.article(Site.CONTROL)
        listed = [control, *site.listed] + ([] if meets.source else [meets.url])
        site.feed(Site.FEED, list(dict.fromkeys(listed)))
        plans[scenario.name] = Planned(scenario, site, meets, control)
    return plans


def subscribe(config: Path, plans: dict[str, Planned]) -> None:
    """The desk's sources: each scenario's clean feed, and what it subscribes to."""
    store = Store.open(load_settings(config).database_url)
    try:
        for plan in plans.values():
            urls = [plan.site.url(Site.FEED)] if plan.clean_feed else []
            urls += plan.site.sources + ([plan.meets.url] if plan.meets.source else [])
            for url in urls:
                store.sources.add(url, "en", "CC BY 4.0")
    finally:
        store.close()


#: Starts the command, waits for it, writes its peak RSS (KiB) to argv[1], exits with its
#: status. The command is started from this small process, not from the test's: a process
#: inherits the peak RSS of the one it was forked from (Linux carries it across exec), so
#: started from a pytest worker that has grown large, it would report the worker's peak.
MEASURED = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_desk(config: Path) -> tuple[int, str, float, float]:
    """`foreigndesk run` in a process of its own: its exit status, its output, seconds, and
    its peak RSS in MB (the largest of it and of what it started and waited for)."""
    log, peak = config.parent / "output.txt", config.parent / "peak-rss-kib.txt"
    command = [sys.executable, "-m", "foreigndesk", "run", "--config", str(config)]
    started = time.monotonic()
    with log.open("wb") as output:
        ran = subprocess.run(
            [sys.executable, "-c", MEASURED, str(peak), *command],
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
    seconds = time.monotonic() - started
    peak_mb = int(peak.read_text()) / 1024 if peak.exists() else float("inf")
    return ran.returncode, log.read_text("utf-8", "replace"), seconds, peak_mb


def run_web(folder: Path, scenarios: tuple[Scenario, ...]) -> Outcome:
    """``scenarios`` served together, to one desk, in one run."""
    secret = folder / "secret.txt"
    secret.write_text(f"{SECRET} a file of this machine's that no feed may read\n")
    config = write_config(
        folder,
        desk={"auto_approve": True},
        fetch={
            "allow_hosts": [WEB_HOST],
            "host_delay": 0.0,
            "timeout": TIMEOUT,
            "max_bytes": 1 << 20,
            "max_wait": 5.0,
            # One host, a hundred sites on it: the desk's per-host limit is for one site.
            "per_host": 64,
            "concurrency": 64,
        },
        # Images are fetched into the site through the desk's fetcher: embeds are tried.
        publish={"site": StaticSiteSettings(local_images=True)},
    )
    with Canary() as canary, HostileWeb(canary, str(secret)) as web:
        plans = serve(web, scenarios)
        subscribe(config, plans)
        returncode, output, seconds, peak_mb = run_desk(config)
        hits = list(canary.connections)
        ports = {port: site.scenario for port, site in web.sites.items()}
        asked = {hit.port for hit in web.hits}
    result = Outcome(returncode, output, seconds, peak_mb, hits, plans, ports, canary.port, folder)
    result.asked = asked
    read_store(result)
    attribute(result)
    return result


def read_store(outcome: Outcome) -> None:
    """The desk's articles, and which of them have a post in the built site."""
    with sqlite3.connect(outcome.folder / "desk.db") as db:
        outcome.articles = dict(db.execute("SELECT url, id FROM articles"))
        posts = db.execute(
            "SELECT a.url, p.slug FROM posts p JOIN articles a ON a.id = p.article_id"
        )
        for url, slug in posts:
            if (outcome.folder / "public" / "posts" / slug / "index.html").is_file():
                outcome.published.add(url)


def scenario_of(url: str, outcome: Outcome) -> str | None:
    """The scenario a URL belongs to: by the port of its site, or on the canary by its
    path (each scenario's canary URLs start with its name)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.hostname == WEB_HOST and port in outcome.ports:
        return outcome.ports[port]
    if port == outcome.canary_port:
        name = parts.path.strip("/").split("/")[0]
        return name if name in outcome.plans else None
    return None


def attribute(outcome: Outcome) -> None:
    """Each error and warning line, with the item it names and that item's scenario."""
    by_id = {article_id: url for url, article_id in outcome.articles.items()}
    for printed in outcome.output.splitlines():
        match = LINE.match(printed.strip())
        if not match:
            continue
        kind, text = match.groups()
        about = None
        if found := ARTICLE.match(text):
            about = by_id.get(int(found.group(1)))
        elif found := NAMED.match(text):
            about = found.group(1) or found.group(2)
        scenario = scenario_of(about, outcome) if about is not None else None
        outcome.lines.append(Line(kind, text, about, scenario))


def describe(outcome: Outcome) -> str:
    counts = Counter(plan.scenario.category for plan in outcome.plans.values())
    rows = "\n".join(f"  {count:3d}  {category}" for category, count in counts.items())
    return (
        f"{len(outcome.plans)} scenarios, run in {outcome.seconds:.1f} s, peak RSS"
        f" {outcome.peak_mb:.0f} MB, exit status {outcome.returncode}:\n{rows}"
    )


def live_parts(tree: Any) -> list[str]:
    """What in an HTML tree could run or load script: script and frame elements, event
    handlers, script URLs, a meta refresh."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in LIVE_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() in {"refresh", "set-cookie"}:
            found.append("<meta http-equiv>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "srcdoc":
                found.append(f"<{tag} {name}>")
            cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(LIVE_SCHEMES):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and ("javascript:" in cleaned or "expression(" in cleaned):
                found.append(f"<{tag} style={value[:40]!r}>")
    return found


def feed_html(feed: Path) -> list[Any]:
    """The HTML a built Atom feed carries (its ``type="html"`` elements), parsed as a
    feed reader parses it."""
    root = etree.parse(str(feed)).getroot()
    texts = [e.text for e in root.iter() if e.get("type") == "html" and e.text]
    return [html.fragment_fromstring(text, create_parent="div") for text in texts]


def check_run(outcome: Outcome) -> list[str]:
    """Everything in the run that is not as it must be, one line each."""
    problems: list[str] = []

    # The run ends as a user's would: 0 or 1, no traceback, each line naming its item once.
    if outcome.returncode not in (0, 1) or "Traceback" in outcome.output:
        return [f"exit status {outcome.returncode}:\n{outcome.output[-5000:]}"]
    for line in outcome.lines:
        if line.about is None:
            problems.append(f"a {line.kind} line that names no source or article: {line.text}")
        elif line.scenario is None:
            problems.append(f"a line about nothing of the hostile web: {line.text}")
    named = Counter((line.kind, line.text.split(": ", 1)[0]) for line in outcome.lines)
    problems += [f"{times} lines for {what}" for (_, what), times in named.items() if times > 1]

    # The canary is never reached.
    if outcome.canary_hits:
        hits = outcome.canary_hits
        problems.append(f"the canary was reached {len(hits)} times: {hits}")

    # Each scenario ends as the table says, its control published.
    lines_of: dict[str | None, list[Line]] = defaultdict(list)
    for line in outcome.lines:
        lines_of[line.scenario].append(line)
    for name, plan in outcome.plans.items():
        if plan.site.port not in outcome.asked:
            problems.append(f"{name}: the desk asked its site for nothing")
        problems += check_scenario(outcome, plan, lines_of.get(name, []))

    # The built site: every page parsed, nothing live; nothing smuggled or leaked anywhere.
    site = outcome.folder / "public"
    if not list(site.glob("posts/*/index.html")):
        problems.append("the site was not built")
    for page in site.rglob("*.html"):
        if live := live_parts(html.fromstring(page.read_bytes())):
            problems.append(f"{page.relative_to(site)}: live {sorted(set(live))}")
    for feed in site.rglob("atom.xml"):
        for entry in feed_html(feed):
            if live := live_parts(entry):
                problems.append(f"{feed.relative_to(site)}: live {sorted(set(live))}")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".txt", ".css"}:
            text = path.read_text("utf-8", "replace")
            problems += [f"{path.relative_to(site)} holds {m}" for m in MARKERS if m in text]
    with sqlite3.connect(outcome.folder / "desk.db") as db:
        stored = " ".join(
            str(row)
            for query in (
                "SELECT title, authors, description FROM articles",
                "SELECT text FROM blocks",
            )
            for row in db.execute(query)
        )
    problems += [f"the store's article texts hold {m}" for m in MARKERS if m in stored]
    if outcome.peak_mb >= MAX_RSS_MB:
        problems.append(f"peak RSS {outcome.peak_mb:.0f} MB, not under {MAX_RSS_MB} MB")
    return problems


def test_the_hostile_web_in_one_run(tmp_path: Path) -> None:
    outcome = run_web(tmp_path, SCENARIOS)
    summary = describe(outcome)
    print(summary)
    assert len(outcome.plans) >= 80, summary
    problems = check_run(outcome)
    # The embeds were fetched through the desk's fetcher (publish.site.local_images): the
    # site's own picture was copied, every one on the canary refused.
    if not list((outcome.folder / "public" / "images").glob("*.png")):
        problems.append("no image was copied into the site: the embeds were never fetched")
    assert not problems, f"{summary}\n" + "\n".join(problems) + "\n\n" + outcome.output[-3000:]


#: What hostile answers carry that must reach neither the built site nor the store: a
#: smuggled response, junk behind a lying Content-Length, a local file an entity names.
MARKERS = (SMUGGLED, JUNK, SECRET, "CANARY REACHED")


def check_scenario(outcome: Outcome, plan: Planned, lines: list[Line]) -> list[str]:
    """What in the run does not agree with the scenario's entry in the table."""
    name, expected, warns = plan.scenario.name, plan.scenario.outcome, plan.scenario.warns
    problems: list[str] = []
    if plan.control not in outcome.published:
        problems.append(f"{name}: its control article {plan.control} was not published")
    for line in lines:
        warned = line.kind == "warning" and warns and re.search(warns, line.text)
        refused = isinstance(expected, Refused) and re.search(expected.says, line.text)
        if not (warned or refused):
            problems.append(f"{name}: unexpected {line.kind} line: {line.text}")
    if warns and not any(line.kind == "warning" and re.search(warns, line.text) for line in lines):
        problems.append(f"{name}: no warning line says {warns!r}")
    item = plan.item
    if isinstance(expected, Taken) and item not in outcome.published:
        problems.append(f"{name}: {item} was not published")
    if isinstance(expected, Refused):
        if not any(line.kind == "error" and re.search(expected.says, line.text) for line in lines):
            problems.append(f"{name}: no error line says {expected.says!r}")
        if item != plan.control and item in outcome.published:
            problems.append(f"{name}: {item} was published")
    if isinstance(expected, Ignored):
        made = [url for url in (plan.meets.url, *plan.site.listed) if url in outcome.articles]
        if made:
            problems.append(f"{name}: articles were made of {made}")
    return problems
