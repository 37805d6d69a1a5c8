"""Marshmallow fields for human text: trimmed, bounded, no control characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

from backend.core.messages import Coded


class Label(fields.String):
    """One line of text people read (a name on a certificate, a purpose)."""

    allowed: frozenset[str] = frozenset()  # control characters a subclass lets through

    def __init__(self, *, max_length: int, min_length: int = 0, **kw: Any) -> None:
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kw)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any
    ) -> str:
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kw)).strip()
        if self.allowed:
            text = text.replace("\r\n", "\n")
        if any(
            unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} and ch not in self.allowed
            for ch in text
        ):
            raise ValidationError(Coded("core.control_characters"))
        return text


class Text(Label):
    """Plain text of several lines (an announcement's body): a Label whose only control
    character is the line break (a CR LF is read as one)."""

    allowed = frozenset("\n")
