"""The words of every problem the API reports, by code, in zh and en.

Each package keeps its own `messages.toml` with a `[zh]` and an `[en]` table of the same codes;
a code starts with its package's name (`orders.reservation_closed`), or with `problem.`,
`http.`, `field.` or `core.` in `backend/core/messages.toml`. `{name}` is a parameter.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from backend.core.lang import LANGS, Lang

ROOT = Path(__file__).resolve().parents[1]
MISSING = "⟦{code}⟧"
missing: list[str] = []  # codes asked for and not found; the tests fail on any


class Coded(str):
    """A message known by its code: what marshmallow validators and fields may raise, so the
    problem can carry the code and render the words in the request's language."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Coded:
        obj = super().__new__(cls, text(code, params, "en"))
        obj.code, obj.params = code, params
        return obj

    def format(self, *args: Any, **kwargs: Any) -> Coded:
        """Marshmallow formats a validator's `error` with its own values; the code stays."""
        return Coded(self.code, **self.params)


@cache
def catalogue() -> dict[Lang, dict[str, str]]:
    """Every package's messages, by language."""
    out: dict[Lang, dict[str, str]] = {lang: {} for lang in LANGS}
    for path in sorted(ROOT.rglob("messages.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for lang in LANGS:
            for code, words in data.get(lang, {}).items():
                if code in out[lang]:
                    raise ValueError(f"{path}: {code} is defined twice")
                out[lang][code] = words
    return out


def known(code: str) -> bool:
    return code in catalogue()["zh"]


def placeholders(words: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(words) if name}


def text(code: str, params: Mapping[str, Any] | None = None, lang: Lang = "zh") -> str:
    """The words for `code` in `lang`, with its parameters filled in."""
    words = catalogue()[lang].get(code)
    if words is None:
        missing.append(code)
        return MISSING.format(code=code)
    return words.format_map({k: _word(v, lang) for k, v in (params or {}).items()})


def _word(value: Any, lang: Lang) -> str:
    """A parameter as people read it: lists joined, codes rendered, None as a dash."""
    if isinstance(value, Coded):
        return text(value.code, value.params, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return ("、" if lang == "zh" else ", ").join(_word(v, lang) for v in value)
    return "—" if value is None else str(value)
