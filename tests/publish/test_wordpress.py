"""The WordPress target against a local REST API v2 fake: application passwords, tags and
categories by name, create then update by the stored id, drafts, failures recorded and
retried, and never a second post after a timeout."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from foreigndesk.config import Settings, WordPressSettings
from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.remote import RetryPolicy
from foreigndesk.publish.target import PublishReport
from foreigndesk.publish.wordpress import WordPressClient, WordPressTarget
from foreigndesk.store import Store
from tests.fakes._server import drop, error, slow
from tests.fakes.wordpress import WordPressFake

FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture
def fake() -> Iterator[WordPressFake]:
    with WordPressFake() as running:
        running.terms["tags"][40] = "Climate"  # exists already, another case
        yield running


@pytest.fixture(autouse=True)
def app_password(monkeypatch: pytest.MonkeyPatch, fake: WordPressFake) -> None:
    monkeypatch.setenv("WORDPRESS_APP_PASSWORD", fake.app_password)


def with_wordpress(settings: Settings, fake: WordPressFake, **options: object) -> Settings:
    wordpress = WordPressSettings(
        api_url=fake.api_url,
        username=fake.username,
        **options,
    )
    publish = settings.publish.model_copy(update={"wordpress": wordpress})
    return settings.model_copy(update={"publish": publish})


def restoring(settings: Settings, fake: WordPressFake) -> Settings:
    """``publish --restore``: what was trashed or deleted on the site is put back."""
    settings = with_wordpress(settings, fake)
    return settings.model_copy(
        update={"publish": settings.publish.model_copy(update={"restore": True})}
    )


def publish(settings: Settings, posts: list[Post], store: Store) -> PublishReport:
    return WordPressTarget(FAST).publish(posts, settings, store.posts)


def test_creates_posts_with_terms_by_name(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    settings = with_wordpress(settings, fake, categories=["Traducciones"])
    report = publish(settings, posts, store)
    assert report.written == 3 and report.failed == 0
    assert len(fake.posts) == 3
    post = next(p for p in fake.posts.values() if p.slug == posts[0].slug)
    assert post.status == "publish"
    assert post.title == posts[0].title
    assert "<h2>Lo que miden los ingenieros</h2>" in post.content
    assert 'href="https://example-review.org/2024/harbour-1.html"' in post.content
    # "climate" matched the existing "Climate"; "harbours" and the category were created once.
    tags = fake.terms["tags"]
    assert sorted(tags[i] for i in post.tags) == ["Climate", "harbours"]
    assert list(tags.values()).count("harbours") == 1
    assert [fake.terms["categories"][i] for i in post.categories] == ["Traducciones"]
    assert len(fake.requests_to("/wp/v2/tags", "POST")) == 1
    publication = store.posts.publication(posts[0].article_id, "wordpress")
    assert publication is not None and publication.remote_id == str(post.id)
    assert publication.remote_url == f"{fake.url}/{post.slug}/"
    assert not fake.errors


def test_republishing_updates_and_never_duplicates(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    settings = with_wordpress(settings, fake, status="draft")
    publish(settings, posts, store)
    fake.reset()
    assert publish(settings, posts, store).unchanged == 3
    assert fake.requests == []
    edited = dataclasses.replace(posts[2], title="Otro título", content_hash="")
    assert publish(settings, [*posts[:2], edited], store).written == 1
    assert len(fake.posts) == 3
    post = next(p for p in fake.posts.values() if p.slug == posts[2].slug)
    assert post.title == "Otro título" and post.revisions == 2 and post.status == "draft"
    assert not fake.requests_to("/wp/v2/posts$", "POST")


def test_a_post_deleted_on_the_site_is_left_alone_unless_restored(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    published = with_wordpress(settings, fake)
    publish(published, posts[:1], store)
    fake.posts.clear()
    edited = dataclasses.replace(posts[0], title="Cambiado", content_hash="")

    left = publish(published, [edited], store)

    assert (left.written, left.failed, fake.posts) == (0, 0, {})
    [note] = left.notes
    assert "was deleted on the site — left alone" in note and "--restore" in note
    restored = publish(restoring(settings, fake), [edited], store)
    assert restored.written == 1
    [again] = fake.posts.values()
    assert again.title == "Cambiado"


def test_a_post_trashed_on_the_site_is_left_alone_unless_restored(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    published = with_wordpress(settings, fake)
    publish(published, posts[:1], store)
    [post] = fake.posts.values()
    fake.trash(post.id)
    edited = dataclasses.replace(posts[0], title="Cambiado", content_hash="")

    left = publish(published, [edited], store)

    assert (left.written, left.failed) == (0, 0)
    assert (post.status, post.title) == ("trash", posts[0].title)
    [note] = left.notes
    assert f"post {post.id} is in the site's trash — left alone" in note
    assert publish(restoring(settings, fake), [edited], store).written == 1
    assert (post.status, post.title, post.slug) == ("publish", "Cambiado", posts[0].slug)
    assert len(fake.posts) == 1


def test_a_create_whose_connection_drops_is_unknown_and_found_by_slug_next_time(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    settings = with_wordpress(settings, fake)
    fake.inject(drop(path="/wp/v2/posts"))

    first = publish(settings, posts[:1], store)

    assert first.failed == 1 and len(fake.posts) == 1  # made, though no answer came
    [line] = first.errors
    assert "the connection broke before the answer to POST" in line
    assert "it may have been done; the next publish looks for the post by its slug" in line
    assert "cannot reach" not in line
    assert publish(settings, posts[:1], store).written == 1
    assert len(fake.posts) == 1


def test_markup_in_a_title_is_sent_as_text(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    hostile = dataclasses.replace(posts[0], title='<img src=x onerror="alert(1)">Hola')
    publish(with_wordpress(settings, fake), [hostile], store)
    [post] = fake.posts.values()
    assert "<img" not in post.title and "&lt;img" in post.title


def test_a_refused_password_stops_the_target_with_one_line(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("WORDPRESS_APP_PASSWORD", "wrong wrong wrong")
    with pytest.raises(
        DeskError,
        match=r"HTTP 401.*credentials were refused.*WORDPRESS_APP_PASSWORD \(WordPress answers",
    ):
        publish(with_wordpress(settings, fake), posts, store)
    assert fake.posts == {}
    # Anonymous, the desk may still read tags; the first write is refused and ends it.
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests] == [
        ("GET", "tags"),
        ("POST", "tags"),
    ]


def test_settings_errors_are_one_line(settings: Settings, fake: WordPressFake) -> None:
    with pytest.raises(DeskError, match=r"publish\.wordpress\.api_url is empty"):
        WordPressClient(WordPressSettings(username="a"), "p", locale="es_ES")
    with pytest.raises(DeskError, match="not https"):
        WordPressClient(
            WordPressSettings(api_url="http://blog.test/wp-json", username="a"), "p", locale="es"
        )


def test_rate_limits_are_waited_out_and_refusals_recorded(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    settings = with_wordpress(settings, fake)
    fake.inject(error(429, retry_after=0, path="/wp/v2/posts"))
    assert publish(settings, posts[:1], store).written == 1
    fake.inject(error(500, path="/wp/v2/posts"))
    report = publish(settings, posts, store)
    # A 500 on a create may hide a post that was made: not sent again in this run.
    assert report.failed == 1 and report.written == 1
    retried = publish(settings, posts, store)
    assert retried.written == 1 and len(fake.posts) == 3


def test_a_create_that_timed_out_is_found_by_slug_not_posted_twice(
    settings: Settings, posts: list[Post], store: Store, fake: WordPressFake
) -> None:
    # Only the first publish is impatient; the second has time to look the post up.
    impatient = with_wordpress(settings, fake, timeout=0.3, status="draft")
    settings = with_wordpress(settings, fake, timeout=30, status="draft")
    fake.inject(slow(0.8, path="/wp/v2/posts"))
    first = publish(impatient, posts[:1], store)
    assert first.failed == 1
    deadline = time.monotonic() + 60
    while not fake.posts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake.posts) == 1, "the slow create landed after the client gave up"
    second = publish(settings, posts[:1], store)
    assert second.written == 1 and len(fake.posts) == 1
    [lookup] = fake.requests_to("/wp/v2/posts$", "GET")
    assert lookup.query["slug"] == [posts[0].slug]
    done = store.posts.publication(posts[0].article_id, "wordpress")
    assert done is not None and done.remote_id == str(next(iter(fake.posts)))
