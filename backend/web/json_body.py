"""Reading JSON request bodies within bounds, for every operation at once.

Python's json module accepts numbers of any length (converting a 5,000-digit one raises
ValueError past 4,300 digits), nesting as deep as its recursion limit (deeper raises
RecursionError), NaN and Infinity, and strings holding NUL and other control characters (which
PostgreSQL refuses to store). Each of those was a 500. Here a body is refused with a 4xx problem
that names the field:

- a number longer than MAX_NUMBER_CHARS characters, NaN or Infinity: 422;
- nesting deeper than MAX_DEPTH: 422 naming where; so deep that the parser itself gives up: 400;
- a string (a value or a key) with a C0 control character other than tab, line feed and carriage
  return, DEL, or a lone UTF-16 surrogate: 422.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

from backend.core.errors import DomainError, ValidationFailed, field_error

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40  # longer than any amount, mass or id the API takes
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class TooDeep(DomainError):
    status, slug, title = 400, "malformed-request", "The request body is nested too deeply"


class _Refused:
    """A value the parser met that no field may hold (kept to report where it was)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params


def _number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float | _Refused:
        if len(text) > MAX_NUMBER_CHARS:
            return _Refused("core.number_too_long", digits=MAX_NUMBER_CHARS)
        return kind(text)

    return parse


def _constant(name: str) -> _Refused:
    return _Refused("core.not_a_number", value=name)


def loads(data: str | bytes) -> Any:
    """Parse a JSON body, refusing what no field may hold (see the module docstring)."""
    try:
        value = json.loads(
            data,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_constant,
        )
    except RecursionError:
        raise TooDeep(
            "core.too_deep",
            params={"depth": MAX_DEPTH},
            errors=[field_error("_schema", "core.too_deep", depth=MAX_DEPTH)],
        ) from None
    _check(value)
    return value


def _check(value: Any) -> None:
    """Walk the parsed body once (no recursion), raising at the first thing refused."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if FORBIDDEN.search(node):
                _refuse(path, "core.control_characters_value")
        elif isinstance(node, dict | list):
            if len(path) >= MAX_DEPTH:
                _refuse(path, "core.too_deep", depth=MAX_DEPTH)
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str) and FORBIDDEN.search(key):
                    _refuse(path, "core.control_characters_name")
                stack.append((child, (*path, str(key))))
        elif isinstance(node, _Refused):
            _refuse(path, node.code, **node.params)


def _refuse(path: tuple[str, ...], code: str, **params: Any) -> None:
    raise ValidationFailed(".".join(path) or "_schema", code, **params)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading with `loads` (for `request.get_json`)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
