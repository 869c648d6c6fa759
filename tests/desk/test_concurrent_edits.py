"""Two editors at once: a save made from what another editor has since replaced is
refused with both texts shown, kept in the block's history, never silently lost.

The races run against the desk's real server (uvicorn) with real concurrent requests.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from html import unescape

import httpx

from foreigndesk.translate.memory import HUMAN
from tests.desk.conftest import EDITOR, PASSWORD, DeskWorld, csrf_of
from tests.desk.test_editor import hidden_fields, paragraph


def signed_in_browser(served: str) -> httpx.Client:
    browser = httpx.Client(base_url=served, follow_redirects=True)
    token = csrf_of(browser.get("/login").text)
    answer = browser.post(
        "/login", data={"csrf": token, "name": EDITOR, "password": PASSWORD, "next": "/"}
    )
    assert answer.status_code == 200, answer.text
    return browser


def test_two_saves_of_one_block_at_once_give_one_save_and_one_conflict(
    world: DeskWorld, served: str
) -> None:
    article_id = world.articles["bread-oven"]
    position = paragraph(world, "bread-oven", 2)
    page, action = f"/articles/{article_id}", f"/articles/{article_id}/blocks/{position}"
    texts = ["Primera versión del párrafo.", "Segunda versión del párrafo."]
    browsers = [signed_in_browser(served), signed_in_browser(served)]
    forms = [hidden_fields(b.get(page).text, action) for b in browsers]
    assert forms[0]["version"] == forms[1]["version"]
    start = threading.Barrier(2)

    def save(n: int) -> httpx.Response:
        start.wait()
        return browsers[n].post(action, data={**forms[n], "text": texts[n]})

    try:
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(save, range(2)))
    finally:
        for browser in browsers:
            browser.close()

    assert sorted(a.status_code for a in answers) == [200, 409]
    [kept] = [n for n, a in enumerate(answers) if a.status_code == 200]
    refused = answers[1 - kept]
    assert "Another editor saved this block while you were editing it" in refused.text
    theirs = re.search(r'<p class="theirs">(.*?)</p>', refused.text, re.S)
    yours = re.search(r'<p class="yours">(.*?)</p>', refused.text, re.S)
    assert theirs and unescape(theirs.group(1)) == texts[kept]
    assert yours and unescape(yours.group(1)) == texts[1 - kept]
    segment = world.store.articles.get(article_id).blocks[position].html
    [entry] = [
        e for e in world.store.memory.entries() if e.origin == HUMAN and e.source_text == segment
    ]
    assert entry.target_text == texts[kept]
    history = [e for e in world.store.edits.history(article_id) if e.position == position][:2]
    assert sorted((e.outcome, e.text) for e in history) == [
        ("conflict", texts[1 - kept]),
        ("saved", texts[kept]),
    ]


def test_a_save_from_an_old_page_is_refused_and_the_history_shows_both(
    world: DeskWorld, served: str
) -> None:
    article_id = world.articles["harbour-tides"]
    position = paragraph(world, "harbour-tides", 2)
    page, action = f"/articles/{article_id}", f"/articles/{article_id}/blocks/{position}"
    with closing(signed_in_browser(served)) as first, closing(signed_in_browser(served)) as second:
        old = hidden_fields(second.get(page).text, action)
        saved = first.post(
            action, data={**hidden_fields(first.get(page).text, action), "text": "A."}
        )
        assert saved.status_code == 200
        assert f"block {position} saved as your translation" in saved.text
        stale = second.post(action, data={**old, "text": "B."})
        assert stale.status_code == 409
        again = second.post(
            action, data={**hidden_fields(stale.text, action), "text": "B, after reading A."}
        )
        assert again.status_code == 200
        shown = second.get(page).text
    block = shown.split(f'id="block-{position}"', 1)[1].split("</tr>", 1)[0]
    assert "3 saves by editors" in block
    assert "not saved: another save came first" in block and "B." in block


def test_title_tags_and_template_saved_from_an_old_page_are_refused(
    world: DeskWorld, served: str
) -> None:
    article_id = world.articles["bread-oven"]
    page, action = f"/articles/{article_id}", f"/articles/{article_id}/meta"
    with closing(signed_in_browser(served)) as first, closing(signed_in_browser(served)) as second:
        old = hidden_fields(second.get(page).text, action)
        fields = {"title": "Título de la primera", "tags": "uno", "title_template": ""}
        assert (
            first.post(
                action, data={**hidden_fields(first.get(page).text, action), **fields}
            ).status_code
            == 200
        )
        stale = second.post(
            action,
            data={**old, "title": "Título de la segunda", "tags": "dos", "title_template": ""},
        )
    assert stale.status_code == 409
    assert "someone saved this article&#39;s title, tags or template while you edited them" in (
        stale.text
    )
    assert 'value="Título de la segunda"' in stale.text  # what was typed, still in the form
    assert "theirs: title “Título de la primera”, tags “uno”" in stale.text  # and theirs
    article = world.store.articles.get(article_id, with_blocks=False)
    assert article.tags == ("uno",)
