"""Names to confirm, the editor's side: the translate stage offers the engine's spelling of
each new name (``offer_names``); here an editor confirms one into the glossary, respelled
or as offered, or dismisses it. See translate/names.py for which names and why."""

from __future__ import annotations

from contextlib import suppress

from foreigndesk.errors import DeskError
from foreigndesk.models import Article, NameOffer
from foreigndesk.stages.context import StageContext
from foreigndesk.translate.names import (
    article_names,
    article_texts,
    crosses_scripts,
    surname_entry,
    surname_used_alone,
)

#: Target languages whose names take no case endings.
_UNINFLECTED = frozenset({"ja", "zh", "ko", "th"})


def offered_for(
    ctx: StageContext, article: Article, source_lang: str, target_lang: str
) -> list[NameOffer]:
    """The names of ``article`` waiting for an editor, in the engine's spelling (the pair
    as the glossary keys it)."""
    if not crosses_scripts(source_lang, target_lang):
        return []
    return ctx.store.memory.name_offers(source_lang, target_lang, article_names(article))


def confirm_name(
    ctx: StageContext,
    source_lang: str,
    target_lang: str,
    name: str,
    spelling: str = "",
    *,
    seen_in: Article | None = None,
) -> list[tuple[str, str]]:
    """Put an offered name in the glossary, in ``spelling`` or (when empty) the engine's;
    with it its surname alone, when the two spellings pair up and the article it was met
    in (or ``seen_in``, the one the editor confirms it from) writes the surname alone
    ("Roe added"). Returns the terms added.

    Only then: a surname alone in the glossary is written so wherever it stands
    capitalised, and "Brown" or "Young" is also an ordinary word."""
    name, spelling = " ".join(name.split()), " ".join(spelling.split())
    offer = next(iter(ctx.store.memory.name_offers(source_lang, target_lang, [name])), None)
    if offer is None:
        raise DeskError(
            f"{name!r} is not a name waiting in the {source_lang}→{target_lang} glossary —"
            " `foreigndesk glossary names` lists them; `glossary add` adds any term"
        )
    spelling = spelling or offer.spelling
    if len(spelling) > 512:
        raise DeskError("a name's spelling is at most 512 characters")
    terms = [(name, spelling)]
    # Only into languages that do not inflect names: in Russian or Greek a surname alone
    # in the glossary would be forced into one case wherever it stands.
    surname = surname_entry(name, spelling) if target_lang in _UNINFLECTED else None
    if surname is not None and offer.article_id is not None:
        known = {term for term, _ in ctx.store.memory.glossary_terms(source_lang, target_lang)}
        texts = article_texts(seen_in) if seen_in is not None else []
        with suppress(DeskError):  # unless the article was deleted since
            texts += article_texts(ctx.store.articles.get(offer.article_id))
        if surname[0] not in known and surname_used_alone(name, texts):
            terms.append(surname)
    ctx.store.memory.confirm_name(source_lang, target_lang, terms)
    return terms


def dismiss_name(ctx: StageContext, source_lang: str, target_lang: str, name: str) -> None:
    """Offer ``name`` no more: it is not a name, or the engine's spelling suits it."""
    name = " ".join(name.split())
    if not ctx.store.memory.dismiss_name(source_lang, target_lang, name):
        raise DeskError(
            f"{name!r} is not a name waiting in the {source_lang}→{target_lang} glossary —"
            " `foreigndesk glossary names` lists them"
        )
