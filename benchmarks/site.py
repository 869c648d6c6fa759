"""Static site build speed against Debian's Hugo, on the same generated posts, in one run.

For 1,000 and 10,000 generated posts (eight paragraphs, a heading, a list, an image, two
authors, tags, a dozen months): the desk's full build in ms per post; the incremental
rebuild after one post changes (of the 10,000-post site); and ``hugo`` building the same
posts exported as Markdown (our own Hugo export, a minimal theme with post, list and tag
pages) in ms per post. The desk's post HTML is rendered when a post is composed, so like
a real desk the posts come in with their HTML; a build fills templates and writes files.

The desk is measured as ``foreigndesk build`` runs it: ``build_site`` inside
``forked_rendering()``, which renders a big build on two forked processes when the
machine has two cores (Hugo uses both cores too). Library callers such as the review desk
render on one process.

Creating files is a large part of both builds' time, and on an ext4 file system without
a journal its cost depends on what was deleted before: creating a file steps over every
inode freed in the last few minutes (up to five), one by one. On the development machine
that made a file take 35 µs to 900 µs to create, depending on the deletions of the
previous minutes (this benchmark's own clean-up included: it used to delete the 1,000-post
site just before the desk's 10,000-post build), so a single build of either tool says
more about the file system's state than about the tool. Hence: every folder is kept until
the end of the run, so no build follows a deletion made by the run itself; the desk's and
Hugo's builds alternate over ``--rounds`` rounds, and each full build's figure is its best
round, while the rebuild's is its worst (its goal is to be under 0.25 s every time).
In each round the desk builds every size before Hugo does, so the memory figure of the
desk's forked processes (the kernel keeps the largest of all finished child processes)
is read before Hugo has run.

Goals: full build at or below Hugo's ms per post; one-post rebuild of 10,000 posts under
0.25 s; peak RSS under 500 MB. The RSS figure is this process's peak plus, when the
build forked, the largest forked process's peak once per process: an upper bound, since
the forked processes share most of their pages with this one.

Run: ``.venv/bin/python benchmarks/site.py`` (``--sizes 1000 --rounds 1`` for a quick
look). The last line is one JSON object: ``{"ms_per_page", "hugo_ms_per_page",
"rebuild_one_s", "peak_rss_mb"}`` (the figures of the largest size).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from foreigndesk.config import Settings
from foreigndesk.models import Attribution, Post
from foreigndesk.publish.digest import post_digest
from foreigndesk.publish.hugo import export
from foreigndesk.publish.site import build_site, forked_rendering

PARAGRAPH = (
    'Las mareas suben dos veces al día en el <a href="https://port.test/wall">muelle</a>, '
    "y los ingenieros miden el nivel del agua cada hora para planificar el <em>siglo</em>, "
    "no la temporada. Las ciudades que planifican pronto gastan menos dinero."
)
LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p><a href="{{ .Params.original_url }}">'
        "{{ .Params.source }}</a> {{ .Params.author }}</p>{{ .Content }}</article>{{ end }}"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2>'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ .Summary }}</article>{{ end }}'
        "{{ end }}"
    ),
}


def generate(count: int) -> list[Post]:
    body = "\n".join(
        [f"<p>{PARAGRAPH}</p>"] * 3
        + ["<h2>Lo que miden los ingenieros</h2>", "<ul><li>Nivel</li><li>Olas</li></ul>"]
        + ['<figure><img src="https://img.port.test/wall.jpg" alt="El muro" loading="lazy">'
           '<figcaption>El muro <span class="credit">Image: Ola</span></figcaption></figure>']
        + [f"<p>{PARAGRAPH}</p>"] * 5
    )  # fmt: skip
    pairs = tuple(("paragraph", f"<p>Tides rise twice a day {i}.</p>", f"<p>{PARAGRAPH}</p>")
                  for i in range(8))  # fmt: skip
    authors = [f"Autor {n}" for n in range(40)]
    start = date(2024, 12, 31)
    posts = []
    for n in range(count):
        published = start - timedelta(days=n % 365)
        post = Post(
            article_id=n + 1,
            slug=f"{published.isoformat()}-harbour-story-{n}",
            title=f"{authors[n % 40]}⚡️Cómo se prepara la ciudad portuaria {n}",
            lang="es",
            byline=f"{authors[n % 40]} · {published.isoformat()}",
            lead_html=f"<p>{PARAGRAPH}</p>",
            body_html=body,
            attribution=Attribution(
                original_title=f"How harbour city {n} prepares",
                original_lang="en",
                url=f"https://example-review.org/2024/harbour-{n}.html",
                authors=(authors[n % 40], authors[(n + 7) % 40]),
                published=published,
                site_name=f"Review {n % 12}",
                license="CC BY 4.0",
                engine="apertium",
                human_edited=False,
            ),
            published=published,
            tags=(f"tema-{n % 30}", "puertos"),
            pairs=pairs,
        )
        posts.append(dataclasses.replace(post, content_hash=post_digest(post)))
    return posts


def settings_for(folder: Path) -> Settings:
    base = Settings(root=folder)
    return base.model_copy(
        update={
            "desk": base.desk.model_copy(update={"target_lang": "es", "locale": "es_ES"}),
            "publish": base.publish.model_copy(
                update={"hugo": base.publish.hugo.model_copy(update={"output_dir": "content"})}
            ),
        }
    )


def hugo_build(hugo: str, folder: Path, posts: list[Post], settings: Settings) -> float:
    export(posts, settings)
    for name, text in LAYOUTS.items():
        (folder / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / name).write_text(text, encoding="utf-8")
    (folder / "config.toml").write_text(
        'baseURL = "http://example.test/"\ntitle = "bench"\npaginate = 20\n'
        '[taxonomies]\ntag = "tags"\n',
        encoding="utf-8",
    )
    started = time.perf_counter()
    subprocess.run(
        [hugo, "--source", str(folder), "--destination", str(folder / "hugo-public"), "--quiet"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def measure_desk(count: int, folder: Path) -> dict[str, float]:
    """A full build of ``count`` posts, then the rebuild after one post changes, both as
    the command line runs them."""
    posts = generate(count)
    settings = settings_for(folder)
    with forked_rendering():
        started = time.perf_counter()
        report = build_site(posts, settings)
        full = time.perf_counter() - started
        changed = list(posts)
        middle = count // 2
        edited = dataclasses.replace(posts[middle], title=posts[middle].title + " (editado)")
        changed[middle] = dataclasses.replace(edited, content_hash=post_digest(edited))
        started = time.perf_counter()
        rebuild = build_site(changed, settings)
        rebuild_s = time.perf_counter() - started
    return {
        "posts": count,
        "files": report.written,
        "ms_per_page": round(full * 1000 / count, 4),
        "rebuild_one_s": round(rebuild_s, 4),
        "rebuild_written": rebuild.written,
    }


def measure_hugo(count: int, folder: Path, hugo: str | None) -> float:
    if hugo is None:
        return float("nan")
    hugo_s = hugo_build(hugo, folder, generate(count), settings_for(folder))
    return round(hugo_s * 1000 / count, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated post counts")
    parser.add_argument("--rounds", type=int, default=3, help="builds of each size by each")
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    if hugo is None:
        print("hugo is not installed — run scripts/system-packages", file=sys.stderr)
    sizes = [int(size) for size in args.sizes.split(",")]
    desk: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
    hugo_ms: dict[int, list[float]] = {size: [] for size in sizes}
    forked_peak_mb = 0.0
    with tempfile.TemporaryDirectory(prefix="site-bench-") as name:
        for round_ in range(args.rounds):
            for size in sizes:
                desk[size].append(measure_desk(size, Path(name) / f"{round_}-{size}"))
                print(json.dumps(desk[size][-1]), file=sys.stderr)
            if round_ == 0:  # before Hugo runs: the desk's largest forked process, if any
                forked_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            for size in sizes:
                hugo_ms[size].append(measure_hugo(size, Path(name) / f"{round_}-{size}", hugo))
                print(json.dumps({"posts": size, "hugo_ms_per_page": hugo_ms[size][-1]}),
                      file=sys.stderr)  # fmt: skip
    results = [
        {
            "posts": size,
            "ms_per_page": min(r["ms_per_page"] for r in desk[size]),
            "hugo_ms_per_page": min(hugo_ms[size]),
            "rebuild_one_s": max(r["rebuild_one_s"] for r in desk[size]),
            "rebuild_written": max(r["rebuild_written"] for r in desk[size]),
        }
        for size in sizes
    ]
    for result in results:
        print(
            f"{result['posts']:>6} posts: desk {result['ms_per_page']:.3f} ms/post,"
            f" hugo {result['hugo_ms_per_page']:.3f} ms/post (best of {args.rounds});"
            f" one-post rebuild {result['rebuild_one_s']:.3f} s (worst;"
            f" {result['rebuild_written']} files written)"
        )
    own_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    processes = min(2, os.cpu_count() or 1) if forked_peak_mb else 0
    print(
        f"peak RSS: this process {own_peak_mb:.1f} MB, largest forked process"
        f" {forked_peak_mb:.1f} MB (x{processes})",
        file=sys.stderr,
    )
    last = results[-1]
    print(
        json.dumps(
            {
                "ms_per_page": last["ms_per_page"],
                "hugo_ms_per_page": last["hugo_ms_per_page"],
                "rebuild_one_s": last["rebuild_one_s"],
                "peak_rss_mb": round(own_peak_mb + processes * forked_peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
