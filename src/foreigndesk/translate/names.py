"""Names to confirm: the people an article names, offered once to the editor in the
engine's spelling, then fixed in the glossary for every later translation.

A name crosses into Japanese (or Russian, Greek, Arabic…) by transliteration, and engines
transliterate one name several ways: Jane Roe comes out ジェーン・ロウ in one article and
ジェーン・ロー in the next, and a reader takes them for two people. The glossary holds one
spelling for every engine; what it lacks is the spelling, and typing it for every name is
the chore the desk exists to spare. So the first time a name is met, the engine's rendering
of it is offered to the editor, who confirms it (or corrects it) into the glossary.

Which names: the article's authors, and the people its text names. Without a named-entity
model a person is told by the convention every newsroom follows: the full name on first
mention, the surname alone afterwards ("Jane Roe said… Roe added"), or a title before it
("Dr Roe"); a friendlier paper uses the given name ("George Adeyemi… George says"). A run
of capitalised words whose last or first word is used on its own like that, none of them
an ordinary word the article also writes in lower case, is taken for a person. A run right
after an article is a thing ("the European Commission", "das Land Niedersachsen"); in
German, which capitalises every noun, so is a word alone after one ("die Fähre").
Organisations and places ("European Commission", "New York") rarely pass, and nothing is
lost when one does: the editor dismisses it.

Only pairs across scripts are offered: between two Latin-script languages a name is copied
as it is, and there is nothing to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from foreigndesk.models import TRANSLATABLE_KINDS, Article
from foreigndesk.translate.languages import base_language

#: Languages by the script their text is written in (ISO 15924); any other is taken to be
#: Latin. Serbian is listed as Cyrillic, its official script; a desk translating Serbian
#: written in Latin letters gets name offers it may dismiss.
_SCRIPTS = {
    "ja": "Jpan", "zh": "Hani", "yue": "Hani", "ko": "Hang",
    "ru": "Cyrl", "uk": "Cyrl", "bg": "Cyrl", "be": "Cyrl", "mk": "Cyrl", "kk": "Cyrl",
    "sr": "Cyrl", "mn": "Cyrl", "tg": "Cyrl", "ky": "Cyrl", "tt": "Cyrl", "ba": "Cyrl",
    "el": "Grek",
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "ug": "Arab", "sd": "Arab",
    "ckb": "Arab",
    "he": "Hebr", "yi": "Hebr",
    "hi": "Deva", "mr": "Deva", "ne": "Deva", "sa": "Deva",
    "bn": "Beng", "as": "Beng", "pa": "Guru", "gu": "Gujr", "or": "Orya", "ta": "Taml",
    "te": "Telu", "kn": "Knda", "ml": "Mlym", "si": "Sinh",
    "th": "Thai", "lo": "Laoo", "km": "Khmr", "my": "Mymr", "bo": "Tibt", "dz": "Tibt",
    "ka": "Geor", "hy": "Armn", "am": "Ethi", "ti": "Ethi", "dv": "Thaa", "iu": "Cans",
}  # fmt: skip


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that start sentences or titles, never a name: a run starting with them loses them.
_NOT_NAMES = _word_set(
    """
    A An The This That These Those It Its He She They We I You Our His Her Their My Your In
    On At For But And Or Nor So Yet If As When While After Before Since Until Because
    Although Though With Without From To Of By About Under Over Between Into Through During
    Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Mister Madam President Minister Senator
    Every Each All Some Many Most No Not One Two There Here What Who How Why Where Then Now
    Today Yesterday Tomorrow Also Only Even Still Just Der Die Das Ein Eine Le La Les Un Une
    El Los Las Il Lo Gli Una
    """
)
#: Days and months: a run holding one is a date ("Every Saturday", "Monday March").
_CALENDAR = _word_set(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December
    """
)
#: Titles that introduce a person ("Dr Roe", "Ms. Roe", "Russian President Vladimir Putin"):
#: a run is cut after the last of them.
_TITLES = _word_set(
    """
    Mr Mrs Ms Miss Dr Prof Professor Sir Dame Lord Lady Herr Frau Señor Señora Sr Sra
    Monsieur Madame Mme Senator President Minister Secretary Chancellor Governor Mayor
    Judge General Gen Colonel Col Captain Coach Rep Sen King Queen Prince Princess Pope
    Bishop Chief Director Chairman Chairwoman Premier Prime Vice Deputy Former Foreign
    Bürgermeister Bürgermeisterin Oberbürgermeister Oberbürgermeisterin Kanzler Kanzlerin
    Bundeskanzler Bundeskanzlerin Bundespräsident Bundespräsidentin Ministerpräsident
    Ministerpräsidentin Ministerin Präsident Präsidentin Professorin Senatorin Landrat
    Landrätin Pfarrer Pfarrerin Richter Richterin Direktorin Sprecher Sprecherin
    Vorsitzende Vorsitzender Trainer Trainerin Maire Ministre Président Présidente
    Alcalde Alcaldesa Presidente Presidenta Ministro Ministra Sindaco
    """
)
#: Lower-case words inside a name: "Ursula von der Leyen", "Luis de Guzmán".
_PARTICLES = _word_set(
    """
    van von der den de del della da di du la le bin ibn al el dos das ten ter
    """
)

#: Each language's articles (and the prepositions fused with one): the capitalised word
#: right after one is a thing, not a person ("the Harbour Trust", "das Land
#: Niedersachsen"), and a name may follow it in apposition ("die Ärztin Anna Schulz").
#: Only where names of people take no article: not Portuguese ("a Maria Silva") nor
#: Italian's "la" ("la Meloni"); not words that are also name particles in the language
#: ("de" in Dutch). A language not listed has no such rule; a text of no language given is
#: read as English.
_ARTICLES = {
    "en": _word_set("the a an"),
    "de": _word_set(
        "der die das den dem des ein eine einen einem einer eines im am vom zum zur beim ins"
    ),
    "fr": _word_set("le la les un une du au aux"),
    "es": _word_set("el los las un una al del"),
    "it": _word_set("il lo gli uno un del dello degli"),
    "nl": _word_set("het een"),
}

#: Languages that capitalise every noun: there a word alone after an article ("die Fähre")
#: is a noun, not a surname (English writes "the Cruz family" of people too).
_NOUNS_CAPITALISED = frozenset({"de", "lb"})

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\S", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
_MARKUP = re.compile(r"<[^>]+>")
_CAPITALISED = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*$")
#: The most names offered for one article: a page that names fifty people is a list, and
#: the editor would rather confirm the ones the post is about.
MOST = 12


def crosses_scripts(source_lang: str, target_lang: str) -> bool:
    """Whether names are transliterated between the two languages."""
    return _script(source_lang) != _script(target_lang)


def _script(lang: str) -> str:
    """The script a language tag's text is written in: its script subtag when it has one
    ("sr-Latn"), else the language's usual script."""
    subtags = lang.replace("_", "-").split("-")
    named = [t.title() for t in subtags[1:] if len(t) == 4 and t.isalpha()]
    return named[0] if named else _SCRIPTS.get(base_language(lang), "Latn")


def _is_capitalised(word: str) -> bool:
    return (
        len(word) > 1
        and word[0].isupper()
        and not word.isupper()
        and bool(_CAPITALISED.match(word))
    )


def _words(text: str) -> list[str]:
    """The words and punctuation of ``text``, a possessive's ending a word of its own
    ("Roe's" → "Roe", "'s"): the name ends there ("Elon Musk's Tesla")."""
    words: list[str] = []
    for word in _WORD.findall(_MARKUP.sub(" ", text)):
        if (found := _POSSESSIVE.search(word)) and found.start() > 0:
            words += [word[: found.start()], "'s"]
        else:
            words.append(word)
    return words


def _runs(words: Sequence[str]) -> Iterable[tuple[int, list[str]]]:
    """Each maximal run of capitalised words, with the particles a name may hold inside
    it, and the index of its first word."""
    index = 0
    while index < len(words):
        if not _is_capitalised(words[index]):
            index += 1
            continue
        start = index
        run = [words[index]]
        index += 1
        while index < len(words):
            word = words[index]
            if _is_capitalised(word) or (
                word in _PARTICLES
                and index + 1 < len(words)
                and (_is_capitalised(words[index + 1]) or words[index + 1] in _PARTICLES)
            ):
                run.append(word)
            else:
                break
            index += 1
        yield start, run


def _after_article(words: Sequence[str], start: int, articles: Collection[str]) -> bool:
    """Whether the word before ``words[start]`` is an article ("the Trust", "die Fähre"),
    not a particle of a name ("von der Leyen")."""
    before = words[start - 1].lower() if start > 0 else ""
    return before in articles and not (start > 1 and words[start - 2] in _PARTICLES)


def _after_its_article(
    run: list[str], words: Sequence[str], start: int, articles: Collection[str]
) -> list[str]:
    """``run`` without the word an article belongs to, and the article itself when it
    opens a sentence: "the Harbour Trust" → "Trust", "Die Ärztin Anna Schulz" → "Anna
    Schulz"."""
    if _after_article(words, start, articles):
        return run[1:]
    if run[0].lower() in articles:
        return run[2:]
    return run


def _headline_case(words: Sequence[str]) -> bool:
    """Most words capitalised and no sentence end: a title in title case. A sentence
    ("Prime Minister Keir Starmer met Emmanuel Macron in Paris.") is never one."""
    if any(w in {".", "!", "?"} for w in words):
        return False
    letters = [w for w in words if w[:1].isalpha()]
    return len(letters) >= 3 and sum(map(_is_capitalised, letters)) > 0.6 * len(letters)


def people_named(texts: Iterable[str], lang: str | None = None) -> list[str]:
    """The people ``texts`` (an article's title and paragraphs, in order, written in
    ``lang``) name in full, in the order first named: see the module's docstring for how
    a person is told."""
    language = base_language(lang or "en")
    articles = _ARTICLES.get(language, frozenset())
    nouns_capitalised = language in _NOUNS_CAPITALISED
    words_by_text = [_words(text) for text in texts]
    every = [word for words in words_by_text for word in words]
    lower = {word.lower() for word in every if word[:1].islower()}
    candidates: list[list[str]] = []
    for words in words_by_text:
        if _headline_case(words):
            continue  # "How Harbour Towns Prepare": every word capitalised, no name told
        for start, run in _runs(words):
            titled = [index for index, word in enumerate(run) if word in _TITLES]
            if titled:
                run = run[titled[-1] + 1 :]
            else:
                run = _after_its_article(run, words, start, articles)
            while run and run[0] in _NOT_NAMES:
                run = run[1:]
            while run and run[-1] in _PARTICLES:
                run = run[:-1]
            capitalised = [w for w in run if w not in _PARTICLES]
            if not 2 <= len(capitalised) <= 4 or len(run) > 6:
                continue
            if any(w.lower() in lower or w in _CALENDAR for w in capitalised):
                continue
            candidates.append(run)
    # A word of a name alone ("Roe added", "George says"), or after a title ("Dr Roe").
    alone: set[str] = set()
    for words in words_by_text:
        for start, run in _runs(words):
            if len(run) == 1 and not (nouns_capitalised and _after_article(words, start, articles)):
                alone.add(run[0])
            elif len(run) == 2 and run[0] in _TITLES:
                alone.add(run[1])
    found = []
    for run in candidates:
        name = " ".join(run)
        if (run[-1] in alone or run[0] in alone) and name not in found:
            found.append(name)
    return found


def names_in(authors: Sequence[str], texts: Iterable[str], lang: str | None = None) -> list[str]:
    """The authors, then the people ``texts`` (written in ``lang``) name, each once."""
    names = [" ".join(a.split()) for a in authors if a.strip()]
    names += people_named(texts, lang)
    return list(dict.fromkeys(n for n in names if len(n) <= 512))


def article_texts(article: Article) -> list[str]:
    """What names are looked for in: the title and every block that is translated."""
    return [article.title or ""] + [b.html for b in article.blocks if b.kind in TRANSLATABLE_KINDS]


def article_names(article: Article) -> list[str]:
    return names_in(article.authors, article_texts(article), article.source_lang)


def names_to_offer(names: Sequence[str], known: Collection[str] = ()) -> list[str]:
    """The ``names`` not ``known`` already (in the glossary, or offered before), at most
    ``MOST``."""
    return [n for n in names if n not in known][:MOST]


_SEPARATORS = re.compile(r"\s*[・＝=·‧･\s]\s*")


def surname_entry(name: str, spelling: str) -> tuple[str, str] | None:
    """The surname alone and its spelling, from a full name and its confirmed spelling
    when the two split into the same number of parts ("Jane Roe", "ジェーン・ロウ" →
    "Roe", "ロウ"): what keeps "Roe said" in line with the first mention. None when the
    parts do not pair up (particles, a spelling without separators)."""
    parts = name.split()
    spelled = [p for p in _SEPARATORS.split(spelling.strip()) if p]
    if len(parts) < 2 or len(parts) != len(spelled) or any(p in _PARTICLES for p in parts):
        return None
    return parts[-1], spelled[-1]


def surname_used_alone(name: str, texts: Iterable[str]) -> bool:
    """Whether ``texts`` write the name's last word on its own, outside the full name."""
    surname = name.split()[-1]
    alone = re.compile(rf"(?<![\w'’-]){re.escape(surname)}(?![\w-])")
    whole = re.compile(rf"(?<![\w'’-]){re.escape(name)}(?![\w-])")
    return any(
        len(alone.findall(_MARKUP.sub(" ", t))) > len(whole.findall(_MARKUP.sub(" ", t)))
        for t in texts
    )
