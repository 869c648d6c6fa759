"""A byline or an author field → a clean list of names: no "By", no dates, no job titles.

Every post credits the original's author by name, and the glossary maps each name to one
spelling, so a name must be a name: "By Jane Roe, Senior Correspondent · 3 hours ago"
is ``["Jane Roe"]``, ``ジェーン・ロウ著：16/11/2024`` is ``["ジェーン・ロウ"]``.

What is not a name, in any of the languages the desk reads:

- a label: the word a template puts before or instead of the name ("Author", "Auteurs",
  "Veröffentlicht", "Zur Artikelübersicht", "著者"), also when glued to the name
  ("AuthorAndreas Kalt" is "Andreas Kalt");
- a role ("Senior Correspondent", "Chefredakteur", "rédactrice en chef");
- a user handle or an address: ``edilson.la.rosa``, ``CC7567``, ``jane@example.org``.

Cleaning is stricter for text read off the page than for a meta value, because a byline
element carries whatever sits beside the name (the date, the section, "Follow"), while a
meta value was written to hold names only.
"""

from __future__ import annotations

import re

#: What introduces a byline, in the desk's languages and its neighbours'. A CJK marker
#: needs no space after it (``文：佐藤健``, ``記者 山田``); a European one does.
_LEADING = re.compile(
    r"^\s*(?:(?:written|words|story|text|reporting|posted|geschrieben|verfasst|écrit|ecrit"
    r"|escrito|scritto|geschreven|skrevet)\s+(?:by|von|par|por|da|door|av)|by|par|por|von"
    r"|di|door|av|texte?|texto|autor(?:es|a|in|en)?|auteur(?:e|es|s)?|autore|autori|author"
    r"|authors|автор|текст)\s*[:：/／・|]?(?:\s+|$)"
    r"|^\s*(?:文|著|作者|筆者|記者|记者|著者|執筆|撰文|글|기자)(?:\s*[:：/／・=]\s*|\s+)",
    re.I,
)
#: What a CJK byline puts after the name: ``山田花子著``, ``山田花子 記者``, ``홍길동 기자``.
_TRAILING_CJK = re.compile(r"\s*(?:著|記者|记者|撮影|編|기자|특파원|特派員)\s*$")
#: A label word glued to the name that follows it: ``AuthorAndreas Kalt``, ``ByJane Roe``.
_GLUED_LABEL = re.compile(
    r"^(?:written\s+by|posted\s+by|author|autor|auteur|autore|by|von|par|por)(?=\w)", re.I
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s)\]]+|[^\s(]+@\S+\.\w+|(?<!\w)@\w+")
#: A bracketed dateline or agency tag before a byline: ``[서울=뉴시스]``, ``【ロンドン=共同】``.
_BRACKETED_TAG = re.compile(r"^\s*(?:\[[^\]]{1,30}\]|【[^】]{1,30}】)\s*")
#: "Jane Roe (with Kenji Mori)": a co-author named in passing is a co-author.
_WITH = re.compile(r"\(\s*(?:with|avec|con|mit|com|с)\s+([^)]*)\)", re.I)
#: Lines of a byline that credit someone other than the author.
_OTHER_CREDIT = re.compile(
    r"^\s*(?:edited|photos?|photographs|illustrations?|translated|reviewed|fact-checked|"
    r"additional\s+reporting)\s+by\b",
    re.I,
)
_BY_INSIDE = re.compile(r"(?:^|\s)(?:by|par|por|von)\s", re.I)
_DIGIT = re.compile(r"\d")
_EMPTY_PARENS = re.compile(r"\(\s*\)|\[\s*\]")
#: Between names: ``A and B``, ``A y B``, ``A и B``, ``A、B``, ``A; B``, ``A | B``.
_NAME_SPLIT = re.compile(r"\s*(?:[;|&、，,]|\s(?:and|und|y|e|et|и|og|en|ed)\s)\s*", re.I)
_NAME_SPLIT_NO_COMMA = re.compile(r"\s*(?:[;|&、]|\s(?:and|und|y|e|et|и|og|en|ed)\s)\s*", re.I)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june"
    "|july|august|september|october|november|december"
)
_TRAILING_JUNK = re.compile(
    r"(?:(?:^|\s+)(?:on|at|in|the|published|updated|posted|last|le|el|am|de|del|"
    + _MONTHS
    + r")\.?|[\s\-–—|·•:,/：、，｜／(（\[【]+)$",
    re.I,
)
_TRAILING_PUNCTUATION = re.compile(r"[\s\-–—|·•:,/：、，｜／(（\[【]+$")
#: Where a byline turns to other people's credits: "写真・山田花子", "Photos: Jane Roe".
_CREDIT_PART = re.compile(
    r"^(?:写真|撮影|イラスト|photos?|photography|illustrations?|graphics?)\s*[:：・/]", re.I
)
#: Words that make a part of a byline a role, not a name.
ROLE_WORDS = frozenset(
    [
        "editor",
        "editors",
        "reporter",
        "correspondent",
        "writer",
        "columnist",
        "contributor",
        "contributors",
        "staff",
        "technologist",
        "producer",
        "photographer",
        "photographers",
        "journalist",
        "analyst",
        "critic",
        "senior",
        "chief",
        "special",
        "contributing",
        "associate",
        "deputy",
        "executive",
        "director",
        "manager",
        "president",
        "professor",
        "fellow",
        "intern",
        "bureau",
        "desk",
        "author",
        "follow",
        "share",
        "updated",
        "published",
        "posted",
        "minutes",
        "hours",
        "read",
        "ago",
        "chefredakteur",
        "chefredakteurin",
        "redakteur",
        "redakteurin",
        "redaktion",
        "korrespondent",
        "korrespondentin",
        "journalistin",
        "autorin",
        "reporterin",
        "rédacteur",
        "rédactrice",
        "rédaction",
        "journaliste",
        "correspondant",
        "correspondante",
        "chroniqueur",
        "chroniqueuse",
        "envoyé",
        "envoyée",
        "periodista",
        "redactor",
        "redactora",
        "redacción",
        "corresponsal",
        "columnista",
        "jornalista",
        "repórter",
        "redação",
        "giornalista",
        "redattore",
        "redattrice",
        "redazione",
        "corrispondente",
        "inviato",
        "inviata",
        "журналист",
        "корреспондент",
        "редактор",
        "обозреватель",
    ]
)
#: Words a template puts where a name goes, or before it: a label is not a name.
LABEL_WORDS = frozenset(
    [
        "by",
        "von",
        "par",
        "por",
        "di",
        "da",
        "door",
        "av",
        "author",
        "authors",
        "autor",
        "autoren",
        "autores",
        "autora",
        "autore",
        "autori",
        "auteur",
        "auteurs",
        "auteure",
        "auteures",
        "written",
        "geschrieben",
        "verfasst",
        "écrit",
        "escrito",
        "scritto",
        "veröffentlicht",
        "publié",
        "publiée",
        "publicado",
        "publicada",
        "pubblicato",
        "published",
        "posted",
        "aktualisiert",
        "updated",
        "mis",
        "à",
        "jour",
        "actualizado",
        "aggiornato",
        "artikelübersicht",
        "übersicht",
        "zur",
        "alle",
        "artikel",
        "articles",
        "article",
        "artículos",
        "articoli",
        "more",
        "mehr",
        "plus",
        "más",
        "profile",
        "profil",
        "perfil",
        "profilo",
        "admin",
        "administrator",
        "administrateur",
        "anonymous",
        "anonym",
        "anonyme",
        "anónimo",
        "unknown",
        "guest",
        "gast",
        "invité",
        "invitado",
        "team",
        "équipe",
        "equipo",
        "redazione",
        "staff",
        "writer",
        "автор",
        "авторы",
        "текст",
        "опубликовано",
        "著者",
        "作者",
        "筆者",
        "記者",
        "记者",
        "執筆者",
        "投稿者",
        "編集部",
        "글쓴이",
        "작성자",
        "기자",
    ]
)
#: Lower-case words that belong inside names (``Michiel de Jong``, ``Ludwig van Beethoven``).
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "del",
        "della",
        "der",
        "den",
        "di",
        "la",
        "le",
        "van",
        "von",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
    ]
)
_DEGREE = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")
#: A user handle: one token of Latin letters joined by dots or underscores, or with
#: digits (``edilson.la.rosa``, ``jane_roe``, ``CC7567``), or written all in lower case.
_HANDLE = re.compile(r"^(?=.*[A-Za-z])[\w.\-]*(?:[._]\w|\d)[\w.\-]*$|^[a-z][a-z\-]*$", re.A)
#: The characters a handle is written in (``CC7567``, ``jane_roe``, ``j.roe``).
_HANDLE_CHAR = re.compile(r"[A-Za-z0-9._]")
_MAX_BYLINE_CHARS = 200
_MAX_NAME_WORDS = 6


def _words(part: str) -> list[str]:
    return [w.strip(".,()").casefold() for w in part.split()]


def is_role(part: str) -> bool:
    """Whether a part of a byline names a job rather than a person."""
    return any(w in ROLE_WORDS for w in _words(part))


def is_label(part: str) -> bool:
    """Whether a part of a byline is only template words: "Auteurs", "Zur Artikelübersicht"."""
    words = _words(part.replace("・", " "))
    return bool(words) and all(w in LABEL_WORDS or w in ROLE_WORDS for w in words)


def is_handle(part: str) -> bool:
    """Whether a "name" is a user handle or an address rather than a person's name."""
    return " " not in part.strip() and ("@" in part or bool(_HANDLE.match(part.strip())))


def _is_degree(part: str) -> bool:
    """``MA``, ``PhD``, ``Jr.``: after a name, a suffix of it rather than another name."""
    words = part.split()
    return bool(words) and all(_DEGREE.match(w) for w in words) and len(part) <= 6


def _has_lowercase_word(part: str) -> bool:
    return any(w[:1].islower() and w not in _PARTICLES for w in part.split())


def _unglued(text: str) -> str:
    """``AuthorAndreas Kalt`` → ``Andreas Kalt``: a label run into a capitalised name."""
    match = _GLUED_LABEL.match(text)
    if match and text[match.end() :][:1].isupper() and text[match.end() - 1].islower():
        return text[match.end() :]
    return text


def _strip_ends(text: str, junk: re.Pattern[str]) -> str:
    """The text without its leading marker, then without trailing junk and CJK byline
    suffixes until nothing changes (``ジェーン・ロウ著：`` loses the colon, then the ``著``)."""
    text = _LEADING.sub("", _BRACKETED_TAG.sub("", text))
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_CJK.sub("", junk.sub("", text).strip()).strip()
    return text


def _token_start(text: str, index: int) -> int:
    """Where the token holding ``index`` starts: a digit inside a word (``CC7567``) makes
    the whole word a handle, not a name followed by a number."""
    while index > 0 and _HANDLE_CHAR.match(text[index - 1]):
        index -= 1
    return index


def _tidy(raw: str, *, strict: bool) -> str:
    text = _URL.sub(" ", " ".join(raw.split()))
    text = _EMPTY_PARENS.sub(" ", text)
    if strict:
        # "Tech Industry by Jane Roe": the names follow the last "by".
        if introductions := list(_BY_INSIDE.finditer(text)):
            text = text[introductions[-1].end() :]
        if digit := _DIGIT.search(text):  # a date, a time or a handle: the names are over
            text = text[: _token_start(text, digit.start())]
    text = _unglued(_strip_ends(text, _TRAILING_JUNK if strict else _TRAILING_PUNCTUATION))
    return " ".join(text.split())


def _balanced(name: str) -> str:
    """A name without a bracket left open or closed by the split: ``"(Jane Roe"``."""
    if name.count("(") != name.count(")"):
        name = name.strip("()").strip()
    return name


def _is_name(name: str) -> bool:
    return (
        any(ch.isalpha() for ch in name)
        and not _DIGIT.search(name)
        and not is_label(name)
        and not is_handle(name)
        and len(name.split()) <= _MAX_NAME_WORDS
    )


def _names_in(text: str, *, strict: bool, commas: bool, names: list[str]) -> bool:
    """Add the names in one line of a byline to ``names``; False once a role ends them."""
    splitter = _NAME_SPLIT if commas else _NAME_SPLIT_NO_COMMA
    for part in splitter.split(_tidy(text, strict=strict)):
        if names and _CREDIT_PART.match(part):
            return False
        name = _balanced(_unglued(_LEADING.sub("", part).strip(" .,:;-–—·•：")))
        name = _TRAILING_CJK.sub("", name).strip()
        if strict:
            while name and _has_lowercase_word(name.split()[-1]):
                name = " ".join(name.split()[:-1])
        if not name or not any(ch.isalpha() for ch in name):
            continue
        if names and _is_degree(name):
            continue
        if (is_role(name) and (names or strict)) or (strict and _has_lowercase_word(name)):
            if names:
                return False  # a role after the names: the rest is about them
            continue
        if _is_name(name) and name not in names:
            names.append(name)
    return True


def clean_names(raw: str | None, *, strict: bool = True, commas: bool = True) -> list[str]:
    """A byline or an author field as a list of names.

    ``strict`` (for text read off the page) also reads each line of the byline on its
    own, cuts at a date, drops job titles, other people's credits ("Edited by") and
    trailing lower-case words, and gives nothing for text too long to be a byline.
    ``commas=False`` keeps "Roe, Jane" as one name.
    """
    if not raw or (strict and len(raw) > _MAX_BYLINE_CHARS):
        return []
    raw = _WITH.sub(r"; \1", raw)
    names: list[str] = []
    for line in raw.splitlines() if strict else [raw]:
        if names and _OTHER_CREDIT.match(line):
            break
        if not _names_in(line, strict=strict, commas=commas, names=names):
            break
    return names
