"""The few words a post says around the translation, in the reader's language.

English is the fallback for a target language not listed here.
"""

from __future__ import annotations

from foreigndesk.translate.languages import base_language

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "byline": "{author} · {date}",
        "original": "Original",
        "by": "by",
        "published": "Published",
        "license": "Licence",
        "license_unknown": "not stated",
        "translated_by": "Machine translation by {engine}",
        "edited": "reviewed and edited by an editor",
        "not_edited": "not edited by a human",
        "excerpt": "Excerpt only: the original's licence does not allow a full translation.",
        "read_original": "Read the original",
        "lead": "Summary",
        "posts": "Posts",
        "feed": "Atom feed",
        "older": "Older posts",
        "newer": "Newer posts",
    },
    "ja": {
        "byline": "{author}著:{date}",
        "original": "原文",
        "by": "著者",
        "published": "公開日",
        "license": "ライセンス",
        "license_unknown": "記載なし",
        "translated_by": "{engine}による機械翻訳",
        "edited": "編集者が確認・修正済み",
        "not_edited": "人による修正なし",
        "excerpt": "抜粋のみ:原文のライセンスが全文の翻訳を認めていません。",
        "read_original": "原文を読む",
        "lead": "要約",
        "posts": "記事",
        "feed": "Atomフィード",
        "older": "前の記事",
        "newer": "次の記事",
    },
    "es": {
        "byline": "{author} · {date}",
        "original": "Original",
        "by": "por",
        "published": "Publicado",
        "license": "Licencia",
        "license_unknown": "no indicada",
        "translated_by": "Traducción automática de {engine}",
        "edited": "revisada y editada por una persona",
        "not_edited": "sin edición humana",
        "excerpt": "Solo un extracto: la licencia del original no permite traducirlo entero.",
        "read_original": "Leer el original",
        "lead": "Resumen",
        "posts": "Artículos",
        "feed": "Feed Atom",
        "older": "Artículos anteriores",
        "newer": "Artículos recientes",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    return {**LABELS["en"], **LABELS.get(base_language(lang), {})}
