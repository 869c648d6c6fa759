"""The WordPress target against a real WordPress: Debian's ``wordpress`` package on MariaDB,
served by PHP's built-in server on loopback (tests/wordpress_server.py). What the fake in
tests/fakes/wordpress.py believes about WordPress is checked here against the real thing.

The site starts once for the module (about five seconds); after each test it is restored
(servers running, environment type ``local``, test plugins removed), and tests work on
posts of their own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest

from foreigndesk.config import Settings, WordPressSettings
from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.remote import RetryPolicy
from foreigndesk.publish.target import PublishReport
from foreigndesk.publish.wordpress import WordPressTarget
from foreigndesk.store import Store
from tests.fakes.wordpress import WordPressFake
from tests.wordpress_server import WordPress, temporary_wordpress


@pytest.fixture(scope="module")
def wordpress() -> Iterator[WordPress]:
    with temporary_wordpress() as site:
        yield site


@pytest.fixture(autouse=True)
def restored(wordpress: WordPress) -> Iterator[None]:
    """A test that stops a server, changes the environment type or installs a failing
    plugin leaves the site as it found it for the next, whether it passed or not."""
    yield
    wordpress.restore()


def test_an_application_password_creates_a_post_that_reads_back(wordpress: WordPress) -> None:
    auth = httpx.BasicAuth(wordpress.user, wordpress.application_password)
    with httpx.Client(base_url=f"{wordpress.api_url}/wp/v2", auth=auth, timeout=30) as api:
        created = api.post(
            "/posts",
            json={
                "title": "Cómo se prepara el puerto",
                "content": "<p>Las mareas suben <em>dos veces</em> al día.</p>",
                "status": "publish",
            },
        )
        assert created.status_code == 201, created.text
        post = created.json()

        read = api.get(f"/posts/{post['id']}", params={"context": "edit"})

    assert read.status_code == 200
    assert read.json()["title"]["raw"] == "Cómo se prepara el puerto"
    assert read.json()["content"]["raw"] == "<p>Las mareas suben <em>dos veces</em> al día.</p>"
    assert read.json()["status"] == "publish"
    assert post["link"] == f"{wordpress.url}{post['slug']}/"
    assert wordpress.post_status(post["id"]) == "publish"


def test_a_wrong_password_is_refused(wordpress: WordPress) -> None:
    answer = httpx.post(
        f"{wordpress.api_url}/wp/v2/posts",
        auth=httpx.BasicAuth(wordpress.user, "abcd EFGH ijkl MNOP qrst UVWX"),
        json={"title": "Never", "status": "publish"},
        timeout=30,
    )

    assert answer.status_code == 401
    # Not "incorrect_password": WordPress 6.1 treats the request as anonymous.
    assert answer.json()["code"] == "rest_cannot_create"
    assert wordpress.sql("SELECT COUNT(*) FROM wp_posts WHERE post_title = 'Never'") == "0\n"


# -- the desk's WordPress target against the real site ------------------------------------


@pytest.fixture
def site(wordpress: WordPress, monkeypatch: pytest.MonkeyPatch) -> WordPress:
    """The site with no post of an earlier test, its application password in the
    environment as a user's would be."""
    wordpress.php(
        "foreach (get_posts(['post_status' => 'any,trash', 'numberposts' => -1,"
        " 'fields' => 'ids']) as $id) { wp_delete_post($id, true); }"
    )
    monkeypatch.setenv("WORDPRESS_APP_PASSWORD", wordpress.application_password)
    return wordpress


def on(settings: Settings, site: WordPress, *, restore: bool = False) -> Settings:
    wordpress = WordPressSettings(api_url=site.api_url, username=site.user, timeout=30)
    publish = settings.publish.model_copy(update={"wordpress": wordpress, "restore": restore})
    return settings.model_copy(update={"publish": publish})


def publish(settings: Settings, posts: list[Post], store: Store) -> PublishReport:
    return WordPressTarget(RetryPolicy(attempts=2, base=0.01, cap=0.05)).publish(
        posts, settings, store.posts
    )


def remote_id(store: Store, post: Post) -> int:
    known = store.posts.publication(post.article_id, "wordpress")
    assert known is not None and known.remote_id is not None
    return int(known.remote_id)


def test_publish_then_republish_sends_only_what_changed(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    settings = on(settings, site)
    assert publish(settings, posts, store).written == 3
    assert publish(settings, posts, store).unchanged == 3
    edited = dataclasses.replace(posts[0], title="Un título corregido", content_hash="")

    assert publish(settings, [edited, *posts[1:]], store).written == 1

    post_id = remote_id(store, posts[0])
    assert site.php(f"echo get_post({post_id})->post_title;") == "Un título corregido"
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "3\n"


def test_a_post_trashed_on_the_site_stays_there_until_restore(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    publish(on(settings, site), posts[:1], store)
    post_id = remote_id(store, posts[0])
    site.trash(post_id)
    edited = dataclasses.replace(posts[0], title="Cambiado", content_hash="")

    left = publish(on(settings, site), [edited], store)

    assert (left.written, left.failed) == (0, 0)
    assert "is in the site's trash — left alone" in left.notes[0]
    assert site.post_status(post_id) == "trash"
    assert publish(on(settings, site, restore=True), [edited], store).written == 1
    assert site.post_status(post_id) == "publish"
    assert site.php(f"echo get_post({post_id})->post_title;") == "Cambiado"


def test_a_post_deleted_on_the_site_is_made_again_only_on_restore(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    publish(on(settings, site), posts[:1], store)
    site.delete(remote_id(store, posts[0]))
    edited = dataclasses.replace(posts[0], title="Cambiado", content_hash="")

    left = publish(on(settings, site), [edited], store)

    assert "was deleted on the site — left alone" in left.notes[0]
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "0\n"
    assert publish(on(settings, site, restore=True), [edited], store).written == 1
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "1\n"


def test_a_wrong_password_is_named_as_one(
    site: WordPress,
    settings: Settings,
    posts: list[Post],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORDPRESS_APP_PASSWORD", "abcd EFGH ijkl MNOP qrst UVWX")

    with pytest.raises(DeskError) as refused:
        publish(on(settings, site), posts, store)

    line = str(refused.value)
    assert "\n" not in line
    assert "the credentials were refused" in line
    assert "WordPress answers a wrong password as if none had been sent" in line
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "0\n"


def test_application_passwords_over_http_on_a_production_site_are_explained(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    site.set_environment_type("production")

    with pytest.raises(DeskError, match="WP_ENVIRONMENT_TYPE to 'local'"):
        publish(on(settings, site), posts, store)


def test_a_site_that_is_down_stops_the_target_and_a_later_publish_goes_on(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    site.stop()
    with pytest.raises(DeskError, match=r"cannot reach .* is the site up\?"):
        publish(on(settings, site), posts, store)
    site.start()

    assert publish(on(settings, site), posts, store).written == 3
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "3\n"


def test_a_tag_with_an_ampersand_is_one_term_however_often_it_is_used(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    tagged = [dataclasses.replace(p, tags=("Q&A",), content_hash="") for p in posts]

    assert publish(on(settings, site), tagged, store).written == 3

    # Stored escaped, as WordPress stores it; found again through term_exists, not search.
    assert site.sql("SELECT name FROM wp_terms WHERE name LIKE 'Q%A'") == "Q&amp;A\n"


def test_a_php_fatal_error_is_a_failure_with_the_sites_words_and_a_retry_next_time(
    site: WordPress, settings: Settings, posts: list[Post], store: Store
) -> None:
    site.mu_plugin(
        "fatal.php",
        "<?php add_action('rest_api_init', function () { undefined_function_of_a_plugin(); });",
    )

    report = publish(on(settings, site), posts[:1], store)

    assert report.failed == 1
    assert "HTTP 500" in report.errors[0] and "critical error" in report.errors[0]
    site.restore()
    assert publish(on(settings, site), posts[:1], store).written == 1
    assert site.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'") == "1\n"


# -- the fake answers as the real site does -------------------------------------------------


@pytest.fixture(params=["real", "fake"])
def either(request: pytest.FixtureRequest, wordpress: WordPress) -> Iterator[Site]:
    """The real site, then the fake (tests/fakes/wordpress.py): each check below must hold
    on both, so the fake's tests mean what they say about WordPress."""
    if request.param == "real":
        yield Site(wordpress.api_url, wordpress.user, wordpress.application_password)
        return
    with WordPressFake() as fake:
        yield Site(fake.api_url, fake.username, fake.app_password)


@dataclasses.dataclass(frozen=True)
class Site:
    api_url: str
    user: str
    password: str

    def client(self, password: str | None = None) -> httpx.Client:
        auth = httpx.BasicAuth(self.user, self.password if password is None else password)
        return httpx.Client(base_url=f"{self.api_url}/wp/v2", auth=auth, timeout=30)


def test_both_answer_a_wrong_password_as_anonymous(either: Site) -> None:
    with either.client("wrong wrong wrong wrong") as api:
        created = api.post("/posts", json={"title": "Never", "status": "publish"})
        drafts = api.get("/posts", params={"status": "draft,publish"})
        tags = api.get("/tags", params={"search": "x"})

    assert (created.status_code, created.json()["code"]) == (401, "rest_cannot_create")
    assert (drafts.status_code, drafts.json()["code"]) == (400, "rest_invalid_param")
    assert tags.status_code == 200


def test_both_store_an_ampersand_escaped_and_say_term_exists_as_stored(either: Site) -> None:
    with either.client() as api:
        made = api.post("/tags", json={"name": "R&D"})
        search = api.get("/tags", params={"search": "R&D"})
        again = api.post("/tags", json={"name": "R&D"})
        other_case = api.post("/tags", json={"name": "r&d"})
        if made.status_code == 201:
            api.delete(f"/tags/{made.json()['id']}", params={"force": "true"})

    assert (made.status_code, made.json()["name"]) == (201, "R&amp;D"), made.text
    assert search.json() == []  # the search reads the stored name
    assert (again.status_code, again.json()["code"]) == (400, "term_exists")
    assert again.json()["data"]["term_id"] == made.json()["id"]
    # Case does not count (MariaDB's collation), whatever one may read elsewhere.
    assert (other_case.status_code, other_case.json()["code"]) == (400, "term_exists")


def test_both_trash_on_delete_and_render_a_bare_ampersand(either: Site) -> None:
    with either.client() as api:
        post = api.post("/posts", json={"title": "Ports & tides", "status": "publish"}).json()
        deleted = api.delete(f"/posts/{post['id']}")
        read = api.get(f"/posts/{post['id']}", params={"context": "edit"}).json()
        api.delete(f"/posts/{post['id']}", params={"force": "true"})

    assert post["title"]["rendered"] == "Ports &#038; tides"
    assert deleted.status_code == 200
    assert read["status"] == "trash" and read["slug"].endswith("__trashed")
