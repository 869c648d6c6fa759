"""Who wrote the article, on page shapes nobody tuned for: one rule, one page shape each."""

from __future__ import annotations

import json

import pytest

from tests.extract.pages import PROSE, body_texts, extract, page


def jsonld(*objects: object) -> str:
    return "".join(
        f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>'
        for o in objects
    )


ARTICLE = f"<article><h1>Harbour Tides</h1>{PROSE}</article>"


def test_a_graph_that_points_at_its_author_by_id_names_the_person() -> None:
    # Yoast's shape: the article points at a Person given elsewhere, in another script.
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": "https://harbour.test/tides#article",
                "headline": "Harbour Tides",
                "author": [{"@id": "https://harbour.test/#/person/1"}],
                "publisher": {"@id": "https://harbour.test/#org"},
            },
            {"@type": "Organization", "@id": "https://harbour.test/#org", "name": "Harbour Review"},
        ],
    }
    person = {"@type": "Person", "@id": "https://harbour.test/#/person/1", "name": "Jane Roe"}
    article = extract(page(ARTICLE, head=jsonld(graph, person)))
    assert article.authors == ("Jane Roe",)
    assert article.site_name == "Harbour Review"


def test_a_graph_with_two_authors_by_id_names_both() -> None:
    graph = {
        "@graph": [
            {
                "@type": "NewsArticle",
                "headline": "Harbour Tides",
                "author": [{"@id": "#a"}, {"@id": "#b"}],
            },
            {"@type": "Person", "@id": "#a", "name": "Jane Roe"},
            {"@type": "Person", "@id": "#b", "name": "Kenji Mori"},
        ]
    }
    assert extract(page(ARTICLE, head=jsonld(graph))).authors == ("Jane Roe", "Kenji Mori")


@pytest.mark.parametrize(
    "label", ["Written by", "Geschrieben von", "Écrit par", "Escrito por", "Scritto da", "著者"]
)
def test_a_twitter_card_whose_label_says_author_names_the_author(label: str) -> None:
    head = (
        f'<meta name="twitter:label1" content="{label}">'
        '<meta name="twitter:data1" content="Jane Roe">'
        '<meta name="twitter:label2" content="Est. reading time">'
        '<meta name="twitter:data2" content="4 minutes">'
    )
    assert extract(page(ARTICLE, head=head)).authors == ("Jane Roe",)


def test_a_twitter_card_with_another_label_names_nobody() -> None:
    head = (
        '<meta name="twitter:label1" content="Est. reading time">'
        '<meta name="twitter:data1" content="Four Minutes">'
    )
    assert extract(page(ARTICLE, head=head)).authors == ()


def test_a_blogger_post_inside_widget_blog_keeps_its_byline() -> None:
    body = f"""<div class="widget Blog" id="Blog1"><div class="blog-posts">
      <div class="post-outer"><div class="post hentry">
        <h3 class="post-title entry-title">Harbour Tides</h3>
        <div class="post-body entry-content">{PROSE}</div>
        <div class="post-footer"><div class="post-footer-line">
          <span class="post-author vcard">Posted by <span class="fn">Jane Roe</span></span>
        </div></div>
      </div></div></div></div>"""
    assert extract(page(body)).authors == ("Jane Roe",)


def test_a_drupal_node_promoted_keeps_its_byline() -> None:
    body = f"""<div id="content"><article class="node node-article node-promoted clearfix">
      <h1>Harbour Tides</h1>
      <div class="meta submitted"><span class="username author">Jane Roe</span></div>
      <div class="content">{PROSE}</div></article></div>"""
    assert extract(page(body)).authors == ("Jane Roe",)


def test_a_byline_in_a_related_list_is_someone_elses() -> None:
    body = f"""<main><article><h1>Harbour Tides</h1>{PROSE}</article>
      <section class="related-stories"><ul><li><article class="card">
        <h3><a href="/other">The lighthouse keeper</a></h3>
        <div class="card-meta"><span class="byline">By Kenji Mori</span></div>
      </article></li></ul></section></main>"""
    assert extract(page(body)).authors == ()


def test_the_byline_after_the_headline_wins_over_a_sidebar_before_it() -> None:
    body = f"""<div class="layout"><div class="rail"><div class="box">
        <a href="/x">Ferry news</a> <span class="byline">By Kenji Mori</span></div></div>
      <main><h1>Harbour Tides</h1><p class="byline">By Jane Roe</p>{PROSE}</main></div>"""
    assert extract(page(body)).authors == ("Jane Roe",)


def test_the_site_name_in_the_author_fields_yields_to_the_byline() -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Review">'
        '<meta name="author" content="Harbour Review">'
        + jsonld(
            {
                "@type": "NewsArticle",
                "headline": "Harbour Tides",
                "author": {"@type": "Organization", "name": "Harbour Review"},
                "publisher": {"@type": "Organization", "name": "Harbour Review"},
            }
        )
    )
    body = f'<article><h1>Harbour Tides</h1><p class="byline">By Jane Roe</p>{PROSE}</article>'
    assert extract(page(body, head=head)).authors == ("Jane Roe",)


def test_the_site_name_is_no_author_where_the_template_fills_it_in() -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Review">'
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Harbour Review">'
        '<meta name="author" content="Jane Roe">'
    )
    assert extract(page(ARTICLE, head=head)).authors == ("Jane Roe",)


def test_a_personal_blog_named_after_its_author_keeps_the_author() -> None:
    head = '<meta property="og:site_name" content="Jane Roe">' + jsonld(
        {
            "@type": "BlogPosting",
            "headline": "Harbour Tides",
            "author": {"@type": "Person", "name": "Jane Roe"},
            "publisher": {"@type": "Organization", "name": "Jane Roe"},
        }
    )
    assert extract(page(ARTICLE, head=head)).authors == ("Jane Roe",)


def test_a_publisher_inside_the_byline_is_not_an_author() -> None:
    body = f"""<article><h1>Harbour Tides</h1>
      <div class="author-info"><span itemprop="publisher" itemscope><span itemprop="name"
        >Coastal Wire</span></span> <span class="author-name">Jane Roe</span></div>
      {PROSE}</article>"""
    assert extract(page(body)).authors == ("Jane Roe",)


def test_co_authors_marked_one_element_each_are_all_read() -> None:
    body = f"""<article><h1>Harbour Tides</h1>
      <p class="meta"><span class="author">Jane Roe</span> and
        <span class="author">Kenji Mori</span></p>{PROSE}</article>"""
    assert extract(page(body)).authors == ("Jane Roe", "Kenji Mori")


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("AuthorAndreas Kalt", ("Andreas Kalt",)),  # a label glued to the name
        ("Auteurs", ()),
        ("Zur Artikelübersicht", ()),
        ("Veröffentlicht", ()),
    ],
)
def test_a_label_in_the_byline_element_is_not_a_name(byline: str, authors: tuple[str, ...]) -> None:
    body = f'<article><h1>Harbour Tides</h1><div class="author">{byline}</div>{PROSE}</article>'
    assert extract(page(body)).authors == authors


def test_a_user_handle_gives_way_to_the_byline() -> None:
    head = jsonld({"@type": "Article", "headline": "Harbour Tides", "creator": "edilson.la.rosa"})
    body = (
        '<article><h1>Harbour Tides</h1><div class="byline">By <span class="author-name">'
        f"Edilson La Rosa</span></div>{PROSE}</article>"
    )
    assert extract(page(body, head=head)).authors == ("Edilson La Rosa",)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Roe", ("Jane Roe",)),
        ("Von Max Muster und Erika Beispiel", ("Max Muster", "Erika Beispiel")),
        ("Par Jeanne Roux", ("Jeanne Roux",)),
        ("Por Lucía Fernández", ("Lucía Fernández",)),
        ("Di Marco Rossi", ("Marco Rossi",)),
    ],
)
def test_a_byline_in_a_plain_paragraph_near_the_title_is_read(
    line: str, authors: tuple[str, ...]
) -> None:
    article = extract(page(f"<article><h1>Harbour Tides</h1><p>{line}</p>{PROSE}</article>"))
    assert article.authors == authors
    assert line not in body_texts(article)


def test_a_sentence_that_starts_like_a_byline_is_prose() -> None:
    body = f"<article><h1>Harbour Tides</h1><p>By the harbour wall, nets dry.</p>{PROSE}</article>"
    article = extract(page(body))
    assert article.authors == ()
    assert "By the harbour wall, nets dry." in body_texts(article)
