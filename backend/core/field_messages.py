"""Marshmallow's and webargs' English field messages, known by code.

Their validators and fields speak English templates ("Must be greater than or equal to {min}.");
each template here becomes a pattern whose named groups are the parameters, so a field error
carries a `field.*` code and is worded in the request's language from `messages.toml`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from backend.core.messages import Coded

_RANGE_OPS = {"gte": "greater than or equal to", "gt": "greater than"}
_MAX_OPS = {"lte": "less than or equal to", "lt": "less than"}

TEMPLATES: dict[str, str] = {
    "field.required": "Missing data for required field.",
    "field.null": "Field may not be null.",
    "field.invalid": "Invalid value.",
    "field.invalid_input": "Invalid input.",
    "field.type": "Invalid type.",
    "field.input_type": "Invalid input type.",
    "field.unknown": "Unknown field.",
    "field.json": "Invalid JSON body.",
    "field.list": "Not a valid list.",
    "field.tuple": "Not a valid tuple.",
    "field.string": "Not a valid string.",
    "field.utf8": "Not a valid utf-8 string.",
    "field.uuid": "Not a valid UUID.",
    "field.number": "Not a valid number.",
    "field.too_large": "Number too large.",
    "field.integer": "Not a valid integer.",
    "field.special": "Special numeric values (nan or infinity) are not permitted.",
    "field.boolean": "Not a valid boolean.",
    "field.date": "Not a valid date.",
    "field.date_format": '"{input}" cannot be formatted as a date.',
    "field.temporal": "Not a valid {obj_type}.",
    "field.temporal_awareness": "Not a valid {awareness} {obj_type}.",
    "field.temporal_format": '"{input}" cannot be formatted as a {obj_type}.',
    "field.timedelta": "Not a valid period of time.",
    "field.mapping": "Not a valid mapping type.",
    "field.url": "Not a valid URL.",
    "field.email": "Not a valid email address.",
    "field.one_of": "Must be one of: {choices}.",
    "field.length_min": "Shorter than minimum length {min}.",
    "field.length_max": "Longer than maximum length {max}.",
    "field.length_between": "Length must be between {min} and {max}.",
    "field.length_equal": "Length must be {equal}.",
    "field.equal": "Must be equal to {other}.",
    "field.pattern": "String does not match expected pattern.",
    "field.contains_only": "One or more of the choices you made was not in: {choices}.",
    "field.contains_none_of": "One or more of the choices you made was in: {values}.",
    **{f"field.range_min_{op}": f"Must be {words} {{min}}." for op, words in _RANGE_OPS.items()},
    **{f"field.range_max_{op}": f"Must be {words} {{max}}." for op, words in _MAX_OPS.items()},
    **{
        f"field.range_{lo}_{hi}": f"Must be {lo_words} {{min}} and {hi_words} {{max}}."
        for lo, lo_words in _RANGE_OPS.items()
        for hi, hi_words in _MAX_OPS.items()
    },
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    body = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{body}$", re.DOTALL)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Longest template first, so 'Not a valid date.' wins over 'Not a valid {obj_type}.'."""
    pairs = sorted(TEMPLATES.items(), key=lambda kv: len(re.sub(r"\{\w+\}", "", kv[1])))
    return [(code, _pattern(tpl)) for code, tpl in reversed(pairs)]


def coded(message: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of a field message, or None for words nobody coded."""
    if isinstance(message, Coded):
        return message.code, message.params
    for code, pattern in _patterns():
        if m := pattern.match(message):
            return code, m.groupdict()
    return None
