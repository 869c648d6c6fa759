"""End-to-end throughput of the desk, in articles per second, against bare trafilatura and
bare apertium.

The figure is how many articles per second one desk takes from "listed in a feed" to
"published on the static site": feed discovery, fetching every page over HTTP, extraction,
the store's writes, translation with apertium (en→es) and publishing. A second figure stops
after extraction, so the cost of translating and publishing can be told apart from the cost
of getting a clean article out of a web page.

Each figure has a baseline for the one piece of work its desk cannot skip, measured in the
same run on the same pages. The desks run on their default settings but for five, written
to their desk.toml: ``desk.target_lang = "es"``, ``desk.locale = "es_ES"``,
``desk.auto_approve`` (true for the full run, false for the one without translation),
``fetch.allow_hosts = ["127.0.0.1"]`` and ``fetch.host_delay = 0``. So the desk reads pages
in its own process below 200 pages and, from 200 on, on a pool of ``workers.processes``
processes (default 0: one per core) started while it fetches (executors/pages_pool.py),
and translates ``workers.translate_in_flight`` articles at once (default 4), while each
baseline runs in one process, one item after another; the values the desk ran with are
printed. The pages are served by the desk's sample server (``python -m foreigndesk.sample``,
HTTP/1.1 with keep-alive, as web servers answer) in a process of its own: a server in a
thread of the benchmark's process would take its time from the desk's, which no web
server does.

- ``extract_ratio`` = desk discover + fetch + extract / bare trafilatura. trafilatura is
  the library the desk's extraction is built on: ``trafilatura.extract(document, url=url,
  output_format="xml", include_images=True, include_links=True, include_formatting=True)``
  on each page read from disk into memory beforehand, sequentially, one warm-up call first.
  No HTTP, no feed, no store, no blocks, no metadata beyond trafilatura's own.
- ``translate_ratio`` = desk.run() (every stage) / bare apertium. The baseline is the
  ``apertium`` program as the desk's apertium engine calls it: the same argv, ``<command>
  -f html <mode>`` (``apertium -f html eng-spa`` with the default
  ``translate.apertium.command`` and ``modes_dir``, both read from the desk's own settings),
  and the same stdin, one ``<div id="fdN">…</div>`` per segment, joined by newlines,
  UTF-8. Its text is exactly what the desk's translate stage hands the engine for each
  article, taken from the extracted articles of the no-translation desk: ``segments_of`` —
  the title (HTML-escaped), every paragraph, heading, quote and list item as inline HTML,
  and each image's alt text and caption, each distinct text once per article. One process
  per article, sequentially, through ``subprocess.run`` (blocking; no asyncio, no new
  session, no timeout), one warm-up call first. Unlike the desk it sends every article's
  whole text: no translation memory (the desk skips a segment an earlier article already
  had; the count of such segments is printed), no glossary tokens (the desk has no glossary
  here), no splitting (no segment reaches the engine's 1,000,000-character limit), no
  reading of the output beyond checking afterwards, outside the timing, that every segment
  came back; no QA, no store, no publishing.

The extraction figures are the medians of ``--repeat`` (default 5) interleaved pairs:
trafilatura's pass over the pages, then a desk's discover + fetch + extract, each desk in
a fresh store and a process of its own (this script again, with a hidden option), as each
``foreigndesk run`` is; ``extract_ratio`` is the median of the pairs' ratios, and every
pair's times are printed. One pair alone swung from 0.35 to 0.72 between runs on a
two-core machine. The desk gets no warm-up run: a second desk in one process would find
the pool's server already up with the extractor loaded, which no user's run does. The
full run is measured once, after them.

Absolute figures depend on the machine; a ratio to a baseline measured in the same run on
the same machine depends on it much less, so ratios, not rates, are what to compare
between runs.

The pages are generated from the bundled sample magazine: its sentences are reshuffled
(seeded, so every run sees the same pages) into N distinct articles of the samples' shape
and size, so nearly every paragraph is new to the desk's translation memory, which would
otherwise make repeated paragraphs look free.

The script imports nothing of the desk at its top; its code is in ``pipeline_run.py``.
The desk's pool of page readers is a forkserver that imports the program's main module
once, for its processes to start with it: under ``foreigndesk run`` that is the command's
light entry point, and a benchmark whose main module imported the whole desk (and
trafilatura, for its baseline) would make the pool start later than it does for users.

Run: ``.venv/bin/python benchmarks/pipeline.py [--articles 200] [--repeat 5]``. The last
line of output is one JSON object with the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.pipeline_run import main

    main(__doc__)
