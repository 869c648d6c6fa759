"""Title templates: what an editor or desk.toml may write, checked before it is kept.

A template is Python's format syntax over a few fields. Only those fields, without
conversions or format specs, are allowed: ``{nope}`` would fail at publish time, and
``{title:>30000000}`` would make a 60 MB title.
"""

from __future__ import annotations

import string

#: The fields a title template may use.
TITLE_FIELDS = ("author", "title", "original_title")
#: The longest title template kept.
MAX_TEMPLATE = 200


def title_template_problem(template: str) -> str | None:
    """Why ``template`` cannot be used, as the line an editor reads; None when it can."""
    if len(template) > MAX_TEMPLATE:
        return f"the title template is {len(template)} characters long; {MAX_TEMPLATE} at most"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"the title template is not valid ({exc}) — write {{{{ and }}}} for a brace"
    known = ", ".join(f"{{{name}}}" for name in TITLE_FIELDS)
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in TITLE_FIELDS:
            return f"the title template has an unknown field {{{field}}} — use {known}"
        if spec or conversion:
            return f"the title template's {{{field}}} takes no format or conversion — write it bare"
    if not any(field == "title" for _, field, _, _ in parts):
        return "the title template needs {title} — e.g. {author}⚡️{title}"
    return None
