"""A Japanese post as the seed blog shows it (issue #18): the title template, the source's
domain, the lead, the byline `{author}著:{date}` with the date as a Japanese reader writes
it, the body and an attribution footer, every label in Japanese.

No engine here translates into Japanese, so the article fails in translation and an editor
writes the whole translation in the desk, as the failed-article flow allows; the post is
then composed and built like any other."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.publish.labels import LABELS
from foreigndesk.stages.report import RunReport
from foreigndesk.store import Store
from foreigndesk.store.edits import MACHINE_VERSION
from foreigndesk.web.editing import save_block, save_title, segment_of
from tests.conftest import write_config

#: Distinct sentences, one per block, so no two blocks read as one pasted twice.
MARKS = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"


def visible_text(page: str) -> str:
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_a_japanese_post_reads_as_the_seed_blog_shows_it(tmp_path: Path, sample_url: str) -> None:
    config = write_config(tmp_path, desk={"target_lang": "ja", "locale": "ja_JP"})
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    try:
        desk = Desk(settings, store)
        store.sources.add(f"{sample_url}articles/chess-club.html", "en", "CC BY 4.0", kind="url")
        desk.run()
        [article] = store.articles.all()
        assert store.articles.get(article.id).status == ArticleStatus.FAILED  # no en→ja here
        save_title(desk, article.id, "チェス部が新しい部員を迎える")
        blocks = store.articles.get(article.id).blocks
        for position, block in enumerate(blocks):
            if segment_of(block) is not None:
                text = f"これは{MARKS[position % len(MARKS)]}の段落を編集者が訳した文です。"
                save_block(
                    desk, article.id, position, text, expect=MACHINE_VERSION, editor="editor"
                )
        desk.approve(article.id)
        store.articles.override_qa(article.id)  # the editor's stand-in text drops links
        desk.publish(RunReport())
        [post] = store.posts.all()
    finally:
        store.close()

    page = (tmp_path / "public" / "posts" / post.slug / "index.html").read_text("utf-8")
    text = visible_text(page)
    assert '<html lang="ja"' in page
    assert "Jane Roe⚡️チェス部が新しい部員を迎える" in text
    assert "Jane Roe著:2024年9月28日" in text
    assert "127.0.0.1" in text  # the source's domain under the title
    for label in ("原文", "ライセンス", "翻訳 編集者による"):
        assert label in text, label
    assert "機械翻訳" not in text  # an editor translated every block: no engine is named
    english = LABELS["en"]
    for key in ("original", "published", "license", "read_original", "lead", "edited"):
        assert english[key] not in text, english[key]
