"""A glossary term rendered otherwise than the glossary says, in one paragraph.

The article's own glossary (:mod:`benchmarks.qaset.glossary`) is what the reference does;
the fault is an engine not following it in one paragraph, every occurrence there. Variants:

- ``case``: a Latin term's case changed (``Twitter`` → ``twitter``, ``NATO`` → ``Nato``);
- ``katakana``: a Latin brand or acronym transcribed (``Google`` → ``グーグル``,
  ``CNN`` → ``シーエヌエヌ``);
- ``translation``: another translation (``政府`` → ``行政``, ``子供`` → ``子ども``,
  ``EU`` → ``欧州連合``).
"""

from __future__ import annotations

import random
import re

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.glossary import exact
from benchmarks.qaset.text import plain

CHECK = "glossary"

#: Latin brands and names as a Japanese engine may transcribe them.
KATAKANA = {
    "Amazon": "アマゾン",
    "Android": "アンドロイド",
    "Apple": "アップル",
    "Arris": "アリス",
    "Bing": "ビング",
    "Bluetooth": "ブルートゥース",
    "Chef": "シェフ",
    "Facebook": "フェイスブック",
    "Flutter": "フラッター",
    "Getty": "ゲッティ",
    "Google": "グーグル",
    "Grafana": "グラファナ",
    "Instagram": "インスタグラム",
    "Interspeech": "インタースピーチ",
    "iPad": "アイパッド",
    "iPhone": "アイフォーン",
    "Kitchen": "キッチン",
    "Linux": "リナックス",
    "Mastodon": "マストドン",
    "Metro": "メトロ",
    "Netgear": "ネットギア",
    "Prometheus": "プロメテウス",
    "Spotify": "スポティファイ",
    "Stylo": "スタイロ",
    "Tab": "タブ",
    "Twitter": "ツイッター",
    "Vision": "ビジョン",
    "Wifi": "ワイファイ",
    "Wikipedia": "ウィキペディア",
    "Zoom": "ズーム",
}
#: Letter names, for an acronym read out in katakana.
LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (
            *("エー", "ビー", "シー", "ディー", "イー", "エフ", "ジー", "エイチ", "アイ"),
            *("ジェー", "ケー", "エル", "エム", "エヌ", "オー", "ピー", "キュー", "アール"),
            *("エス", "ティー", "ユー", "ブイ", "ダブリュー", "エックス", "ワイ", "ゼット"),
        ),
        strict=True,
    )
)
#: A rendering and another translation of the same word.
TRANSLATIONS = {
    "政府": "行政",
    "警察": "警官",
    "大統領": "プレジデント",
    "会社": "企業",
    "学校": "学園",
    "病院": "医院",
    "選挙": "投票",
    "議会": "国会",
    "大臣": "長官",
    "裁判所": "法廷",
    "科学": "サイエンス",
    "実験": "試験",
    "バッテリー": "電池",
    "価格": "値段",
    "音楽": "ミュージック",
    "研究": "リサーチ",
    "学生": "生徒",
    "先生": "教師",
    "戦争": "紛争",
    "子供": "子ども",
    "翻訳": "訳文",
    "言語": "言葉",
    "論文": "ペーパー",
    "会議": "ミーティング",
    "製品": "商品",
    "品質": "クオリティ",
    "デザイン": "設計",
    "映画": "ムービー",
    "エネルギー": "エナジー",
    "電力": "電気",
    "家族": "ファミリー",
    "コンピューター": "パソコン",
    "ソフトウェア": "ソフト",
    "カメラ": "写真機",
    "ゲーム": "遊戯",
    "犬": "イヌ",
    "猫": "ネコ",
    "電話": "携帯",
    # Acronyms an engine spells out.
    "AI": "人工知能",
    "ALS": "筋萎縮性側索硬化症",
    "CEO": "最高経営責任者",
    "DHS": "国土安全保障省",
    "EU": "欧州連合",
    "NATO": "北大西洋条約機構",
    "PC": "パソコン",
    "SSB": "ノルウェー統計局",
    "UK": "英国",
    "USA": "米国",
}


def _recased(term: str) -> str | None:
    if term.isupper():
        return term.capitalize() if len(term) > 2 else term.lower()
    if term[:1].isupper():
        return term.lower()
    return term[:1].upper() + term[1:] if term[:1].islower() else None


def _katakana(term: str) -> str | None:
    if term in KATAKANA:
        return KATAKANA[term]
    if re.fullmatch("[A-Z]{2,5}", term):
        return "".join(LETTERS[c] for c in term)
    return None


def _variants(term: str, rendering: str) -> dict[str, str]:
    """Variant → the wrong rendering, for the ones that fit this entry."""
    found: dict[str, str | None] = {"translation": TRANSLATIONS.get(rendering)}
    if term == rendering:
        found["case"] = _recased(term)
        found["katakana"] = _katakana(term)
    return {variant: wrong for variant, wrong in found.items() if wrong and wrong != rendering}


def _replaced(target: str, rendering: str, wrong: str) -> str:
    if rendering.isascii():
        return exact(rendering).sub(wrong, target)
    return target.replace(rendering, wrong)


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, str, str, str]]] = {}
    for term, rendering in article.glossary:
        for variant, wrong in _variants(term, rendering).items():
            for index, (source, target) in enumerate(
                zip(article.source, article.target, strict=True)
            ):
                faulty = _replaced(target, rendering, wrong)
                if (
                    faulty != target
                    and exact(term).search(plain(source))
                    and rendering not in plain(faulty)
                ):
                    places.setdefault(variant, []).append((index, term, rendering, wrong))
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, term, rendering, wrong) = chosen
    return article.with_fault(
        CHECK,
        f"glossary/{variant}",
        f"paragraph {index}: {term} → {rendering} written {wrong}",
        target=article.with_target(index, _replaced(article.target[index], rendering, wrong)),
    )
