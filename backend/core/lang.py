"""The language a response is written in: zh (the default) or en."""

from __future__ import annotations

from typing import Literal

from flask import request

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def request_lang(given: str | None = None) -> Lang:
    """`given` (such as `?lang`), else the best of the request's Accept-Language, else zh."""
    best = given or request.accept_languages.best_match(LANGS, default="zh")
    return "en" if best == "en" else "zh"
