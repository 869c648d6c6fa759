"""The Hatena Blog target against a local AtomPub fake: WSSE and Basic auth, the blog's
syntax sent (configured or detected), create then update by the stored entry id, drafts,
failures recorded and retried, and never a second entry after a timeout."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from foreigndesk.config import HatenaSettings, Settings
from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.hatena import HatenaClient, HatenaTarget, wsse_header
from foreigndesk.publish.remote import RetryPolicy
from foreigndesk.publish.target import PublishReport
from foreigndesk.store import Store
from tests.fakes._server import drop, error, slow
from tests.fakes.hatena import HatenaFake

FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture
def fake() -> Iterator[HatenaFake]:
    with HatenaFake() as running:
        yield running


def with_hatena(settings: Settings, fake: HatenaFake, **options: object) -> Settings:
    hatena = HatenaSettings(
        api_url=fake.url,
        hatena_id=fake.hatena_id,
        blog_id=fake.blog_id,
        **options,
    )
    publish = settings.publish.model_copy(update={"hatena": hatena})
    return settings.model_copy(update={"publish": publish})


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATENA_API_KEY", "hatena-test-key")


def publish(settings: Settings, posts: list[Post], store: Store) -> PublishReport:
    return HatenaTarget(FAST).publish(posts, settings, store.posts)


def test_wsse_digest_is_base64_sha1_of_nonce_created_and_key() -> None:
    header = wsse_header("user", "key", nonce=b"\x00" * 4, created="2024-01-01T00:00:00Z")
    # sha1(b"\0\0\0\0" + b"2024-01-01T00:00:00Z" + b"key"), computed independently
    import base64
    import hashlib

    digest = base64.b64encode(
        hashlib.sha1(b"\x00" * 4 + b"2024-01-01T00:00:00Zkey").digest()  # noqa: S324
    ).decode()
    assert f'PasswordDigest="{digest}"' in header
    assert 'Nonce="AAAAAA=="' in header and 'Username="user"' in header


def test_creates_entries_in_the_blogs_markdown_with_attribution(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake
) -> None:
    fake.add_entry("An older entry", "# written by hand")
    settings = with_hatena(settings, fake)  # syntax auto: read from the entry above
    report = publish(settings, posts, store)
    assert report.written == 3 and report.failed == 0
    created = [e for e in fake.entries.values() if e.custom_url]
    assert sorted(e.custom_url or "" for e in created) == sorted(p.slug for p in posts)
    entry = next(e for e in created if e.custom_url == posts[0].slug)
    assert entry.request_type == "text/x-markdown"
    assert entry.title == posts[0].title
    assert "## Lo que miden los ingenieros" in entry.content
    assert "*dos veces*" in entry.content and "[muelle](<https://port.test/wall>)" in entry.content
    assert "https://example-review.org/2024/harbour-1.html" in entry.content
    assert "CC BY 4\\.0" in entry.content or "CC BY 4.0" in entry.content
    assert entry.categories == ["harbours", "climate"]
    assert not entry.draft
    publication = store.posts.publication(posts[0].article_id, "hatena")
    assert publication is not None and publication.status == "done"
    assert publication.remote_id == entry.entry_id
    assert publication.remote_url == f"https://{fake.blog_id}/entry/{posts[0].slug}"
    # Every request authenticated with a fresh WSSE nonce.
    assert all(r.header("x-wsse") for r in fake.requests)
    assert not fake.errors


def test_republishing_updates_by_the_stored_id_and_skips_unchanged(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake
) -> None:
    settings = with_hatena(settings, fake, syntax="html")
    publish(settings, posts, store)
    fake.reset()
    again = publish(settings, posts, store)
    assert again.written == 0 and again.unchanged == 3
    assert fake.requests == []
    edited = dataclasses.replace(posts[1], title="Título corregido", content_hash="")
    third = publish(settings, [posts[0], edited, posts[2]], store)
    assert third.written == 1
    [put] = fake.requests_to("/atom/entry/", "PUT")
    assert len(fake.entries) == 3
    entry = next(e for e in fake.entries.values() if e.custom_url == posts[1].slug)
    assert entry.title == "Título corregido" and entry.versions == 2
    assert entry.request_type == "text/html" and "\n" not in entry.content
    assert put.path.endswith(entry.entry_id)


def test_hatena_syntax_and_drafts(settings: Settings, posts: list[Post], store: Store) -> None:
    with HatenaFake(syntax="hatena") as fake:
        fake.add_entry("by hand", "*見出し")
        settings = with_hatena(settings, fake, draft=True, categories=["翻訳"])
        publish(settings, posts[:1], store)
        entry = next(e for e in fake.entries.values() if e.custom_url)
    assert entry.request_type == "text/x-hatena-syntax"
    assert entry.draft
    assert entry.categories == ["翻訳", "harbours", "climate"]
    assert "\n*Lo que miden los ingenieros" in entry.content
    assert ">>\n" in entry.content and "\n<<" in entry.content
    assert "-Nivel del agua" in entry.content
    assert "[https://img.port.test/wall.jpg:image]" in entry.content


def test_basic_auth_with_the_api_key(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake
) -> None:
    settings = with_hatena(settings, fake, auth="basic", syntax="markdown")
    assert publish(settings, posts[:1], store).written == 1
    assert (fake.requests[0].header("authorization") or "").startswith("Basic ")


def test_a_wrong_key_is_one_error_naming_the_variable(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("HATENA_API_KEY", "not-the-key")
    settings = with_hatena(settings, fake, syntax="markdown")
    with pytest.raises(DeskError, match=r"HTTP 401.*HATENA_API_KEY"):
        publish(settings, posts, store)
    assert fake.entries == {}
    failed = store.posts.publication(posts[0].article_id, "hatena")
    assert failed is not None and failed.status == "failed" and "401" in (failed.error or "")


def test_missing_key_and_ids_are_one_line_each(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("HATENA_API_KEY")
    with pytest.raises(DeskError, match="set the environment variable HATENA_API_KEY"):
        publish(with_hatena(settings, fake), posts, store)
    with pytest.raises(DeskError, match=r"publish\.hatena\.blog_id is empty"):
        HatenaClient(HatenaSettings(hatena_id="someone"), "k", locale="es_ES")
    with pytest.raises(DeskError, match="in clear"):
        HatenaClient(
            HatenaSettings(hatena_id="a", blog_id="b", api_url="http://blog.test", auth="basic"),
            "k",
            locale="es_ES",
        )


def test_server_errors_are_retried_and_failures_recorded_then_retried(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake
) -> None:
    settings = with_hatena(settings, fake, syntax="markdown")
    # A 503 on a create says nothing was done: sent again at once.
    fake.inject(error(503, retry_after=0, path="/atom/entry"))
    assert publish(settings, posts[:1], store).written == 1
    # A 400 refuses the post: recorded, the others go on, and the next publish tries again.
    fake.inject(error(400, message="Invalid request"))
    report = publish(settings, posts, store)
    assert report.written == 1 and report.failed == 1 and report.unchanged == 1
    assert "Invalid request" in report.errors[0]
    failed = store.posts.publication(posts[1].article_id, "hatena")
    assert failed is not None and failed.status == "failed"
    retried = publish(settings, posts, store)
    assert retried.written == 1
    assert len(fake.entries) == 3


@pytest.mark.parametrize("fault", ["timeout", "drop"])
def test_a_create_that_got_no_answer_is_never_posted_twice(
    settings: Settings, posts: list[Post], store: Store, fake: HatenaFake, fault: str
) -> None:
    # Only the first publish is impatient; the second has time to look the entry up.
    impatient = with_hatena(settings, fake, syntax="markdown", timeout=0.3)
    settings = with_hatena(settings, fake, syntax="markdown", timeout=30)
    if fault == "timeout":
        # The entry is made, but only after the client has stopped waiting.
        fake.inject(slow(0.8, path="/atom/entry"))
    else:
        fake.inject(drop(path="/atom/entry"))
    first = publish(impatient, posts[:1], store)
    assert first.failed == 1 and first.written == 0
    pending = store.posts.publication(posts[0].article_id, "hatena")
    assert pending is not None and pending.remote_id is None and pending.status == "failed"
    deadline = time.monotonic() + 60
    while fault == "timeout" and not fake.entries and time.monotonic() < deadline:
        time.sleep(0.05)
    second = publish(settings, posts[:1], store)
    assert second.written == 1
    # Either way the fake made the entry (a dropped connection too): exactly one exists.
    assert len(fake.entries) == 1
    done = store.posts.publication(posts[0].article_id, "hatena")
    assert done is not None and done.status == "done"
    assert done.remote_id == next(iter(fake.entries))
    if fault == "timeout":
        assert fake.requests_to("/atom/entry/", "PUT"), "the found entry was updated"
