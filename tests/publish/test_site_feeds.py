"""The blog's own words in its language, and a translated feed per source and per
category beside the blog's feed: a reader follows one source in translation, as RSS
translators let them."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from foreigndesk.config import load_settings
from foreigndesk.pipeline import Desk
from foreigndesk.publish.site.builder import archive_key
from foreigndesk.store import Store
from tests.conftest import write_config

ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_source_and_category_has_a_feed_and_the_tagline_speaks_the_blog_language(
    tmp_path: Path, sample_url: str
) -> None:
    settings = load_settings(write_config(tmp_path, desk={"auto_approve": True}))
    store = Store.open(settings.database_url)
    try:
        source, _ = store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        assert source.id is not None
        store.sources.edit(source.id, category="Vida local")
        report = Desk(settings, store).run()
        posts = store.posts.all()
    finally:
        store.close()
    assert report.published == len(posts) == 10
    site = settings.output_dir
    site_name = posts[0].attribution.site_name

    for kind, name in (("sources", site_name), ("categories", "Vida local")):
        feed = site / kind / archive_key(kind, name) / "atom.xml"
        root = etree.parse(str(feed)).getroot()
        assert root.findtext(f"{ATOM}title") == f"foreigndesk — {name}"
        self_link = root.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None
        assert self_link.get("href", "").endswith(f"{kind}/{archive_key(kind, name)}/atom.xml")
        entries = root.findall(f"{ATOM}entry")
        assert {e.findtext(f"{ATOM}title") for e in entries} == {p.title for p in posts}
        listing = (feed.parent / "index.html").read_text(encoding="utf-8")
        assert 'href="../../' + f'{kind}/{archive_key(kind, name)}/atom.xml"' in listing

    # The blog's own line is in its language (es here), in its pages and its feeds.
    tagline = "Artículos de otros países, traducidos y con su fuente."
    assert tagline in (site / "index.html").read_text(encoding="utf-8")
    main = etree.parse(str(site / "atom.xml")).getroot()
    assert main.findtext(f"{ATOM}subtitle") == tagline
    assert main.findtext(f"{ATOM}id") == settings.site.base_url
