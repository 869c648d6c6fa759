"""Builds pairs.jsonl, the labelled QA set, from the clean translations and the errors below.

Run ``.venv/bin/python tests/data/qa/build.py`` after editing; the JSONL is committed.

* ``clean_ja.tsv`` and ``clean_es.tsv``: correct translations (source TAB target), with
  numbers reformatted the way each language writes them. No check may flag them.
* Injected errors: one deliberate fault of a known kind per record, made from a clean
  pair by a small edit (a digit changed, a tag lost, a preamble added ...).
* Natural errors: faults written out whole, as engines and models really make them.
* Articles: several blocks, for the checks that compare blocks with each other.

Each record: ``{"id", "from", "to", "blocks": [[source, target], ...], "glossary":
[[term, translation], ...], "expected": [check names]}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

HERE = Path(__file__).parent
Record = dict[str, object]


def clean(lang: str) -> list[tuple[str, str]]:
    lines = (HERE / f"clean_{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return [(s, t) for s, t in (line.split("\t") for line in lines if line.strip())]


def record(
    ident: str,
    lang: str,
    blocks: list[tuple[str, str]],
    expected: list[str],
    glossary: list[tuple[str, str]] | None = None,
) -> Record:
    return {
        "id": ident,
        "from": "en",
        "to": lang,
        "blocks": [list(b) for b in blocks],
        "glossary": [list(g) for g in glossary or []],
        "expected": sorted(expected),
    }


def change_number(target: str) -> str | None:
    match = re.search(r"\d+", target)
    if match is None:
        return None
    digits = match.group(0)
    last = str((int(digits[-1]) + 3) % 10)
    return target[: match.start()] + digits[:-1] + last + target[match.end() :]


def drop_number(target: str) -> str | None:
    match = re.search(r"\d+(?:[.,:]\d+)?\s*(?:％|%|km|kg|cm|€)?", target)
    if match is None:
        return None
    return target[: match.start()] + target[match.end() :]


def break_link(target: str) -> str | None:
    if 'href="' not in target:
        return None
    return target.replace("https://", "https://www.", 1)


def drop_tags(target: str) -> str | None:
    if "<" not in target:
        return None
    return re.sub(r"</?(?:em|a)[^>]*>", "", target)


def drop_closing(target: str) -> str | None:
    if "<" in target:
        return None
    for close in ("）", ")", "」", "»", '"'):
        if close in target:
            return target.replace(close, "", 1)
    return None


def leave_sentence(lang: str) -> Callable[[str, str], str]:
    def inject(source: str, target: str) -> str:
        words = re.sub(r"<[^>]+>", "", source).rstrip(".!?").split()
        tail = " ".join(words[len(words) // 3 :])
        if lang == "ja":
            return target.rstrip("。") + "。" + " ".join(words) + "."
        return target + " " + tail[0].upper() + tail[1:] + " as the old one did."

    return inject


def add_preamble(lang: str) -> Callable[[str], str]:
    return lambda t: ("以下は翻訳です。\n" if lang == "ja" else "Aquí está la traducción:\n") + t


def add_note(lang: str) -> Callable[[str], str]:
    if lang == "ja":
        return lambda t: t + "（注：原文の表現を一部補いました。）"
    return lambda t: t + " (Nota: he adaptado algunas expresiones del original.)"


def truncate(lang: str) -> Callable[[str], str | None]:
    def inject(target: str) -> str | None:
        if "<" in target:
            return None
        particle = re.search(r"^(.{8,}?[はがをに])", target) if lang == "ja" else None
        if lang == "ja":
            return particle.group(1) if particle else None
        words = target.split()
        cut = next(
            (
                i
                for i in range(len(words) - 2, 2, -1)
                if words[i] in {"de", "la", "el", "en", "los", "las", "a", "y"}
            ),
            None,
        )
        return " ".join(words[: cut + 1]) if cut else None

    return inject


def repeat_sentence(target: str) -> str:
    return target + (" " if not target.endswith("。") else "") + target


def ascii_punctuation(target: str) -> str | None:
    if "。" not in target:
        return None
    return target.replace("、", ",", 1).replace("。", ".")


def no_inverted(target: str) -> str | None:
    if "¿" in target:
        return target.replace("¿", "")
    if "¡" in target:
        return target.replace("¡", "")
    return None


def space_before(target: str) -> str | None:
    if not target.endswith("."):
        return None
    return target[:-1] + " ."


def lengthen(lang: str) -> Callable[[str], str]:
    if lang == "ja":
        extra = (
            "この取り組みは地域の人々から広く支持されており、今後も続けられる見込みで、"
            "関係者は次の段階の計画についても話し合いを始めているという。"
        )
    else:
        extra = (
            " Los responsables explicaron además que la iniciativa cuenta con un amplio apoyo"
            " entre los vecinos, que seguirá durante los próximos años y que ya se ha empezado"
            " a preparar la siguiente fase del trabajo con las asociaciones locales."
        )
    return lambda t: t + extra


def shorten(lang: str) -> Callable[[str], str | None]:
    def inject(target: str) -> str | None:
        if "<" in target:
            return None
        if lang == "ja":
            return target[:6] + "。"
        words = target.split()
        return " ".join(words[:3]) + "." if len(words) > 8 else None

    return inject


def far_from(source: str, reference: str, changed: str) -> bool:
    """Whether a changed translation is grossly longer or shorter than a correct one: more
    than 1.6 times or at most half its length, for a source of 40 characters or more
    (spaces not counted). This is the length check's label, judged against the correct
    translation rather than against the source, so it does not restate the check's bounds."""
    if len("".join(re.sub(r"<[^>]+>", "", source).split())) < 40:
        return False
    grown = len(changed) / len(reference)
    return grown > 1.6 or grown <= 0.5


def injected(lang: str) -> list[Record]:
    pairs = clean(lang)
    out: list[Record] = []

    def each(
        name: str, expected: list[str], edit: Callable[[str], str | None], every: int, start: int
    ) -> None:
        made = 0
        for index in range(start, len(pairs) + start):
            source, target = pairs[index % len(pairs)]
            changed = edit(target)
            if changed is None or changed == target:
                continue
            labels = expected + (["length"] if far_from(source, target, changed) else [])
            if set(re.findall(r"\d+", target)) - set(re.findall(r"\d+", changed)):
                labels.append("numbers")  # the edit took a number with it
            out.append(
                record(
                    f"{lang}-{name}-{index % len(pairs)}",
                    lang,
                    [(source, changed)],
                    sorted(set(labels)),
                )
            )
            made += 1
            if made == every:
                return

    each("number-changed", ["numbers"], change_number, 6, 0)
    each("number-dropped", ["numbers"], drop_number, 3, 20)
    each("link-changed", ["markup"], break_link, 2, 0)
    each("tags-lost", ["markup"], drop_tags, 2, 8)
    each("bracket-lost", ["brackets"], drop_closing, 3, 0)
    each("preamble", ["llm_artefacts"], add_preamble(lang), 3, 5)
    each("note", ["llm_artefacts"], add_note(lang), 3, 13)
    each("truncated", ["llm_artefacts"], truncate(lang), 3, 21)
    each("repeated", ["repeats"], repeat_sentence, 3, 27)
    # Whether these are length errors is judged against the correct translation (far_from).
    each("longer", [], lengthen(lang), 4, 22)
    each("shorter", [], shorten(lang), 4, 25)
    if lang == "ja":
        each("ascii-punctuation", ["punctuation"], ascii_punctuation, 4, 22)
    else:
        each("no-inverted", ["punctuation"], no_inverted, 2, 0)
        each("space-before", ["punctuation"], space_before, 3, 23)
    inject = leave_sentence(lang)
    for index in (22, 24, 26, 38):
        source, target = pairs[index]
        changed = inject(source, target)
        labels = ["untranslated"] + (["length"] if far_from(source, target, changed) else [])
        out.append(record(f"{lang}-untranslated-{index}", lang, [(source, changed)], labels))
    return out


NATURAL: list[Record] = [
    # Numbers, the way engines really get them wrong.
    record(
        "ja-natural-million",
        "ja",
        [
            (
                "The city spent $4.5 million on the new pool.",
                "市は新しいプールに450億ドルを費やした。",
            )
        ],
        ["numbers"],
    ),
    record(
        "ja-natural-date-swap",
        "ja",
        [("The market reopens on 04/07/2025.", "市場は2025年7月14日に再開する。")],
        ["numbers"],
    ),
    record(
        "es-natural-decimal",
        "es",
        [
            (
                "The tower is 3.5 m taller than the old one.",
                "La torre es 35 m más alta que la antigua.",
            )
        ],
        ["numbers"],
    ),
    record(
        "es-natural-currency",
        "es",
        [("The repair cost £200.", "La reparación costó 200 dólares.")],
        ["numbers"],
    ),
    record(
        "es-natural-year",
        "es",
        [("The mill has stood here since 1872.", "El molino está aquí desde 1827.")],
        ["numbers"],
    ),
    # Markup and addresses.
    record(
        "es-natural-email",
        "es",
        [
            (
                "Write to press@example.org for photos.",
                "Escriba a prensa@example.org para pedir fotos.",
            )
        ],
        ["markup"],
    ),
    record(
        "ja-natural-placeholder",
        "ja",
        [("The <em>first</em> train leaves at dawn.", "⟦1⟧始発⟦/1⟧列車は夜明けに出発する。")],
        ["markup"],
    ),
    record(
        "es-natural-url-translated",
        "es",
        [
            (
                "Details are at https://example.org/open-day.",
                "Los detalles están en https://example.org/jornada-abierta.",
            )
        ],
        ["markup"],
    ),
    # Untranslated text.
    record(
        "es-natural-identical",
        "es",
        [("The harbour wall was raised last spring.", "The harbour wall was raised last spring.")],
        ["untranslated"],
    ),
    record(
        "ja-natural-identical",
        "ja",
        [("Volunteers count the birds every winter.", "Volunteers count the birds every winter.")],
        ["untranslated"],
    ),
    record(
        "ja-natural-half",
        "ja",
        [
            (
                "The café opened in 2019 and now repairs radios, kettles and clocks every weekend.",
                "そのカフェは2019年に開店し、now repairs radios, kettles and clocks every weekend.",
            )
        ],
        ["untranslated", "length"],
    ),
    # apertium's marks, as apertium-eng-spa really writes them.
    record(
        "es-natural-apertium-1",
        "es",
        [
            (
                "The beekeepers smoked the hives gently.",
                "Los apicultores *smoked las colmenas suavemente.",
            )
        ],
        ["apertium_marks"],
    ),
    record(
        "es-natural-apertium-2",
        "es",
        [
            (
                "Sleeper trains rattle through the night.",
                "Trenes de *sleeper *rattle a través de la noche.",
            )
        ],
        ["apertium_marks"],
    ),
    record(
        "es-natural-apertium-3",
        "es",
        [
            (
                "The tide gauge was recalibrated in spring.",
                "El indicador de marea era #recalibrado en primavera.",
            )
        ],
        ["apertium_marks"],
    ),
    record(
        "es-natural-apertium-4",
        "es",
        [("Gardeners mulch the beds every autumn.", "Los jardineros *mulch las camas cada otoño.")],
        ["apertium_marks"],
    ),
    record(
        "es-natural-apertium-5",
        "es",
        [("The sourdough was proved overnight.", "La masa madre estuvo @proved durante la noche.")],
        ["apertium_marks"],
    ),
    # LLM artefacts.
    record(
        "ja-natural-sure",
        "ja",
        [
            (
                "The pier is closed for repairs.",
                "はい、承知しました。桟橋は修理のため閉鎖されている。",
            )
        ],
        ["llm_artefacts"],
    ),
    record(
        "es-natural-here-is",
        "es",
        [
            (
                "The pier is closed for repairs.",
                "Here is the translation: El muelle está cerrado por obras.",
            )
        ],
        ["llm_artefacts"],
    ),
    record(
        "es-natural-hope",
        "es",
        [("The gallery opens at ten.", "La galería abre a las diez. I hope this helps!")],
        ["llm_artefacts", "untranslated", "punctuation"],
    ),
    record(
        "ja-natural-chinese",
        "ja",
        [
            (
                "The city council approved the new budget for public parks yesterday.",
                "市议会昨天批准了新的公园预算方案，其中包括更多的树木和长椅。",
            )
        ],
        ["llm_artefacts"],
    ),
    record(
        "es-natural-french",
        "es",
        [
            (
                "The city council approved the new budget for public parks yesterday.",
                "Le conseil municipal a approuvé hier le nouveau budget pour les parcs publics.",
            )
        ],
        ["llm_artefacts"],
    ),
    record(
        "es-natural-italian",
        "es",
        [
            (
                "The volunteers clean the beach every Sunday morning before the visitors arrive.",
                "I volontari puliscono la spiaggia ogni domenica mattina"
                " prima che arrivino i visitatori.",
            )
        ],
        ["llm_artefacts"],
    ),
    record(
        "ja-natural-fence",
        "ja",
        [("The library closes early on Fridays.", "```\n図書館は金曜日は早く閉まる。\n```")],
        ["llm_artefacts"],
    ),
    record(
        "es-natural-refusal",
        "es",
        [("The library closes early on Fridays.", "Lo siento, pero no puedo traducir este texto.")],
        ["llm_artefacts"],
    ),
    # Brackets and quotes.
    record(
        "ja-natural-kagi",
        "ja",
        [('He said it was "the best bread in town".', "彼は「町でいちばんのパンだと言った。")],
        ["brackets"],
    ),
    record(
        "ja-natural-mixed",
        "ja",
        [("The hall (built in 1920) was restored.", "そのホール（1920年建造)は修復された。")],
        ["brackets"],
    ),
    record(
        "ja-natural-lenticular",
        "ja",
        [("The report [in draft] was leaked.", "その報告書【草案】は流出した】。")],
        ["brackets"],
    ),
    record(
        "es-natural-paren",
        "es",
        [("The hall (now a museum) reopened.", "La sala (ahora un museo reabrió.")],
        ["brackets"],
    ),
    record(
        "ja-natural-double-kagi",
        "ja",
        [("The book 'Tides' sold well.", "『潮』という本はよく売れた。』")],
        ["brackets"],
    ),
    record(
        "es-natural-quote",
        "es",
        [('The sign said "closed".', 'El cartel decía "cerrado.')],
        ["brackets"],
    ),
    # Punctuation.
    record(
        "ja-natural-ascii-question",
        "ja",
        [("Can the old ferry be saved?", "古いフェリーを救うことはできるのか?")],
        ["punctuation"],
    ),
    record(
        "ja-natural-halfwidth",
        "ja",
        [("The bakery uses a wood-fired oven.", "そのﾊﾟﾝ屋は薪窯を使っている。")],
        ["punctuation"],
    ),
    record(
        "es-natural-no-inverted-excl",
        "es",
        [("What a day it was!", "Qué día fue aquel!")],
        ["punctuation"],
    ),
    # Glossary, with the curator's entries.
    record(
        "ja-natural-glossary",
        "ja",
        [("Jane Roe wrote the report.", "ジェーン・ローが報告書を書いた。")],
        ["glossary"],
        [("Jane Roe", "ジェーン・ロウ")],
    ),
    record(
        "es-natural-glossary",
        "es",
        [("The repair cafe is open on Sundays.", "El café de reparación abre los domingos.")],
        ["glossary"],
        [("repair cafe", "Repair Café")],
    ),
    record(
        "ja-natural-glossary-2",
        "ja",
        [("The Harbour Trust met on Monday.", "港湾基金は月曜日に会合を開いた。")],
        ["glossary"],
        [("Harbour Trust", "ハーバー・トラスト")],
    ),
    record(
        "es-natural-glossary-2",
        "es",
        [("Tom Fisher leads the choir.", "Tom Pescador dirige el coro.")],
        ["glossary"],
        [("Tom Fisher", "Tom Fisher")],
    ),
    # Clean pairs with glossaries followed.
    record(
        "ja-clean-glossary",
        "ja",
        [("Jane Roe wrote the report.", "ジェーン・ロウが報告書を書いた。")],
        [],
        [("Jane Roe", "ジェーン・ロウ")],
    ),
    record(
        "es-clean-glossary",
        "es",
        [("The repair cafe is open on Sundays.", "El Repair Café abre los domingos.")],
        [],
        [("repair cafe", "Repair Café")],
    ),
    # Clean pairs that look suspicious but are right.
    record(
        "ja-clean-name-kept",
        "ja",
        [
            (
                "The paper appeared in Nature Climate Change last week.",
                "その論文は先週、Nature Climate Changeに掲載された。",
            )
        ],
        [],
    ),
    record(
        "ja-clean-fullwidth-digits",
        "ja",
        [("Only 3 of the 20 boats went out.", "出航したのは２０隻のうち３隻だけだった。")],
        [],
    ),
    record(
        "es-clean-hashtag",
        "es",
        [("Share your photos with #RiverDay.", "Comparte tus fotos con #RiverDay.")],
        [],
    ),
    record(
        "ja-clean-quote-nested",
        "ja",
        [
            (
                "She said, \"The sign read 'open'.\"",
                "彼女は「看板には『営業中』と書いてあった」と言った。",
            )
        ],
        [],
    ),
    record(
        "es-clean-ordinal",
        "es",
        [("It is the 21st edition of the fair.", "Es la 21.ª edición de la feria.")],
        [],
    ),
    record(
        "ja-clean-dates-iso",
        "ja",
        [("The results were released on 2024-11-16.", "結果は2024年11月16日に発表された。")],
        [],
    ),
    record(
        "es-clean-date-words",
        "es",
        [
            (
                "The results were released on Nov 16, 2024.",
                "Los resultados se publicaron el 16 de noviembre de 2024.",
            )
        ],
        [],
    ),
    record(
        "ja-clean-spaced-thousands",
        "ja",
        [("The fund raised 25 000 euros.", "基金は2万5000ユーロを集めた。")],
        [],
    ),
    record(
        "ja-clean-quote-speech",
        "ja",
        [
            (
                '"We are not done yet," said the mayor, Anna Berg.',
                "「まだ終わっていない」と、アンナ・バーグ市長は語った。",
            )
        ],
        [],
    ),
    record(
        "es-clean-quote-speech",
        "es",
        [
            (
                '"We are not done yet," said the mayor, Anna Berg.',
                "«Todavía no hemos terminado», dijo la alcaldesa, Anna Berg.",
            )
        ],
        [],
    ),
    record(
        "ja-clean-metres",
        "ja",
        [
            (
                "Sea levels could rise by up to 1 m by 2100, according to the IPCC.",
                "IPCCによると、海面は2100年までに最大1m上昇する可能性がある。",
            )
        ],
        [],
    ),
    record(
        "es-clean-century",
        "es",
        [
            (
                "The 19th-century mill produced 40,000 loaves a year.",
                "El molino del siglo XIX producía 40.000 panes al año.",
            )
        ],
        [],
    ),
    record(
        "ja-clean-a-million",
        "ja",
        [("A million people visit the coast each summer.", "毎年夏には100万人が海岸を訪れる。")],
        [],
    ),
    record(
        "es-clean-spelt-hundreds",
        "es",
        [("More than two hundred people came.", "Vinieron más de doscientas personas.")],
        [],
    ),
    record(
        "ja-clean-app-names",
        "ja",
        [
            (
                "The app, called OpenMap, is free to download on iOS and Android.",
                "OpenMapというそのアプリは、iOSとAndroidで無料でダウンロードできる。",
            )
        ],
        [],
    ),
    record(
        "es-clean-weekday-date",
        "es",
        [
            (
                "On Monday, 4 March, the council met at 10 a.m.",
                "El lunes 4 de marzo, el consejo se reunió a las 10 de la mañana.",
            )
        ],
        [],
    ),
    record(
        "es-clean-heading",
        "es",
        [("How the harbour prepares for the tides", "Cómo se prepara el puerto para las mareas")],
        [],
    ),
    record(
        "ja-clean-heading",
        "ja",
        [("How the harbour prepares for the tides", "港はどのように潮位に備えるか")],
        [],
    ),
]


def articles() -> list[Record]:
    return [
        record(
            "ja-article-names",
            "ja",
            [
                (
                    "Jane Roe has kept bees for twenty years.",
                    "ジェーン・ロウは20年間ミツバチを飼っている。",
                ),
                (
                    "The hives stand on the roof of the town hall.",
                    "巣箱は町役場の屋上に置かれている。",
                ),
                (
                    "Roe says the bees are calmer in the morning.",
                    "ロー氏によると、ミツバチは朝のほうが穏やかだという。",
                ),
                (
                    "Last year Jane Roe harvested 40 kg of honey.",
                    "昨年、ジェーン・ローは40kgの蜂蜜を収穫した。",
                ),
            ],
            ["names"],
        ),
        record(
            "es-article-names",
            "es",
            [
                ("Margarete Olsen runs the bakery.", "Margarete Olsen dirige la panadería."),
                (
                    "Every morning Margarete Olsen lights the oven at five.",
                    "Cada mañana Margareth Olsen enciende el horno a las cinco.",
                ),
            ],
            ["names"],
        ),
        record(
            "ja-article-consistency",
            "ja",
            [
                ("The river is cleaner than before.", "川は以前よりきれいになった。"),
                ("Fish have come back to the lower reaches.", "下流には魚が戻ってきた。"),
                ("The river is cleaner than before.", "川は前よりも清潔になった。"),
            ],
            ["consistency"],
        ),
        record(
            "es-article-consistency",
            "es",
            [
                (
                    "Trains leave every hour from platform two.",
                    "Los trenes salen cada hora del andén dos.",
                ),
                (
                    "The station has a new waiting room.",
                    "La estación tiene una nueva sala de espera.",
                ),
                (
                    "Trains leave every hour from platform two.",
                    "Los trenes parten cada hora desde la vía dos.",
                ),
            ],
            ["consistency"],
        ),
        record(
            "ja-article-repeat-block",
            "ja",
            [
                ("The club meets on Tuesdays.", "クラブは火曜日に集まる。"),
                ("Newcomers are always welcome.", "クラブは火曜日に集まる。"),
            ],
            ["repeats"],
        ),
        record(
            "es-article-repeat-block",
            "es",
            [
                ("The garden is open to everyone.", "El jardín está abierto a todo el mundo."),
                ("Tools can be borrowed at the gate.", "El jardín está abierto a todo el mundo."),
            ],
            ["repeats"],
        ),
        record(
            "ja-article-names-v",
            "ja",
            [
                (
                    "Olivia Grant counts geese on the lake.",
                    "オリヴィア・グラントは湖でガンを数えている。",
                ),
                ("Grant has done it since 2009.", "グラントは2009年からそれを続けている。"),
                (
                    "Olivia Grant shares the numbers online.",
                    "オリビア・グラントは数をネットで公開している。",
                ),
            ],
            ["names"],
        ),
        record(
            "es-article-names-2",
            "es",
            [
                (
                    "The chair, Ruth Ellison, spoke first.",
                    "La presidenta, Ruth Ellison, habló primero.",
                ),
                (
                    "Later Ruth Ellison thanked the volunteers.",
                    "Después Ruth Elison dio las gracias a los voluntarios.",
                ),
            ],
            ["names"],
        ),
        record(
            "ja-article-consistency-2",
            "ja",
            [
                ("Entry is free for children under twelve.", "12歳未満の子どもは入場無料だ。"),
                ("The park opens at eight.", "公園は8時に開く。"),
                ("Entry is free for children under twelve.", "12歳以下の子どもは無料で入れる。"),
            ],
            ["consistency"],
        ),
        record(
            "es-article-consistency-2",
            "es",
            [
                (
                    "Bring your own cup. The coffee is free.",
                    "Traiga su propia taza. El café es gratis.",
                ),
                (
                    "Bring your own cup. Tea costs one euro.",
                    "Trae tu propia taza. El té cuesta un euro.",
                ),
            ],
            ["consistency"],
        ),
        record(
            "es-article-clean-2",
            "es",
            [
                (
                    "Bring your own cup. The coffee is free.",
                    "Traiga su propia taza. El café es gratis.",
                ),
                (
                    "Bring your own cup. Tea costs one euro.",
                    "Traiga su propia taza. El té cuesta un euro.",
                ),
                (
                    "Many come early. Many stay late.",
                    "Muchos llegan pronto. Muchas se quedan hasta tarde.",
                ),
            ],
            [],
        ),
        record(
            "ja-article-clean",
            "ja",
            [
                (
                    "Jane Roe has kept bees for twenty years.",
                    "ジェーン・ロウは20年間ミツバチを飼っている。",
                ),
                (
                    "Jane Roe says the bees are calmer in the morning.",
                    "ジェーン・ロウによると、ミツバチは朝のほうが穏やかだという。",
                ),
                ("The bees are calmer in the morning.", "ミツバチは朝のほうが穏やかだ。"),
                ("The bees are calmer in the morning.", "ミツバチは朝のほうが穏やかだ。"),
            ],
            [],
        ),
        record(
            "es-article-clean",
            "es",
            [
                ("Margarete Olsen runs the bakery.", "Margarete Olsen dirige la panadería."),
                ("Olsen lights the oven at five.", "Olsen enciende el horno a las cinco."),
                ("The bread is ready by seven.", "El pan está listo a las siete."),
            ],
            [],
        ),
    ]


def build() -> list[Record]:
    records: list[Record] = []
    for lang in ("ja", "es"):
        records += [
            record(f"{lang}-clean-{i}", lang, [pair], []) for i, pair in enumerate(clean(lang))
        ]
        records += injected(lang)
    return records + NATURAL + articles()


def main() -> None:
    records = build()
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as out:
        for item in records:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    pairs = sum(len(cast(list[object], r["blocks"])) for r in records)
    print(f"{len(records)} records, {pairs} block pairs")


if __name__ == "__main__":
    main()
