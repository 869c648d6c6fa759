"""Page furniture that survives extraction, dropped line by line.

Extractors keep short lines that sit inside the article's container but are not the
article: "Share this article", "Subscribe to our newsletter", "Read more: …", "5 min
read", "Advertisement", "Follow us on …". Translating them wastes engine time and puts
a foreign site's calls to action into the desk's post. A block is dropped only when it is
short and the whole of it matches (or it starts with a call to action and stays short), so
a paragraph that merely mentions a newsletter is never touched.
"""

from __future__ import annotations

import re

from foreigndesk.models import Block, BlockKind

#: Longer than this, a block is prose, whatever it starts with.
MAX_BOILERPLATE_CHARS = 160

_WHOLE = re.compile(
    r"""^(?:
        advertisement|advertising|sponsored(?:\s+content)?|anzeige|publicidad|реклама|広告
      | (?:\d+\s*(?:min(?:ute)?s?|mins?)\.?\s*(?:read|reading\s+time|de\s+lectura|lesezeit))
      | (?:(?:estimated\s+)?reading\s+time|lesezeit|tiempo\s+de\s+lectura|время\s+чтения
          |読了時間|この記事は約)\s*[:：]?\s*(?:about\s+|約)?\d+\s*\S*
      | share(?:\s+this)?(?:\s+(?:article|story|post|page))?(?:\s+on\s+\w+)?
      | (?:tweet|email|print|pin\s+it|whatsapp|facebook|twitter|linkedin|reddit)
      | comments?|\d+\s+comments?|leave\s+a\s+(?:comment|reply)
      | (?:click|tap)\s+here\s+to\s+(?:subscribe|sign\s+up|follow|get\s+the\s+.*\s+app).*
      | skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|top\s+of\s+page
      | (?:photo|image|video)\s+gallery
    )[\s.!:…»›→>]*$""",
    re.I | re.X,
)
_STARTS = re.compile(
    r"""^(?:
        share\s+(?:this\s+(?:article|story|post|page)|on|via)\b|subscribe\b
      | sign\s+up\s*(?:[:：]|(?:for|to)\s+(?:our|the)\s+(?:\w+\s+)?(?:newsletter|e-?mail))
      | join\s+our\s+(?:newsletter|mailing)
      | (?:get|receive)\s+(?:our|the)\s+\w*\s*newsletter|newsletter\s*[:：]
      | follow\s+(?:us|me)\b|like\s+us\s+on\b
      | (?:read|see|watch)\s+(?:more|also|next)\b|related\s*(?:articles?|stories|posts?)?\s*[:：]
      | more\s+(?:on|from|about)\b.*[:：]|recommended\s*(?:for\s+you)?\s*[:：]?
      | (?:also\s+)?read\s*[:：]|lea\s+también|leer\s+más|читайте\s+также|関連記事
      | (?:copyright\s+)?©|all\s+rights\s+reserved|todos\s+los\s+derechos
      | this\s+(?:article|story|post)\s+(?:was\s+)?(?:originally\s+|first\s+)?(?:appeared|published)
          \s+(?:on|in)\b
      | (?:filed\s+under|tags?|topics?|categories)\s*[:：]
      | (?:updated|published|posted|last\s+(?:updated|modified))\s*(?:on|at)?\s*[:：]?\s*\d
      | we\s+(?:use|value)\s+cookies|this\s+(?:site|website)\s+uses\s+cookies
    )""",
    re.I | re.X,
)
_DROPPABLE = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.HEADING})


def is_boilerplate(block: Block) -> bool:
    """Whether a block is page furniture rather than the article."""
    if block.kind not in _DROPPABLE:
        return False
    text = block.text.strip()
    if not text or len(text) > MAX_BOILERPLATE_CHARS:
        return False
    return bool(_WHOLE.match(text) or _STARTS.match(text))


def drop_boilerplate(blocks: list[Block]) -> list[Block]:
    return [block for block in blocks if not is_boilerplate(block)]
