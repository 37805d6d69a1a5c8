"""How the API shows a purpose: structured, with its text in each language."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from backend.footprint.purpose import PurposeKind


class PurposeTextsSchema(Schema):
    zh = fields.String(metadata={"example": "航班：成都双流 CTU → 北京首都 PEK（往返）"})
    en = fields.String(
        metadata={"example": "Flight: Chengdu Shuangliu CTU → Beijing Capital PEK (return)"}
    )


class PurposeSchema(Schema):
    """Dumps a `Purpose`: what it is for, and how to read it in zh or en."""

    kind = fields.Enum(PurposeKind, by_value=True)
    name = fields.String(
        metadata={"description": "The meeting's, event's or venue's name, or what the buyer wrote"}
    )
    route = fields.List(
        fields.String(), metadata={"description": "A flight's airports (IATA), in order"}
    )
    round_trip = fields.Boolean()
    text = fields.Nested(
        PurposeTextsSchema, attribute="texts", metadata={"description": "As people read it"}
    )


class PurposeText(fields.String):
    """A `Purpose` as its Chinese text (the `purpose` string field kept beside the structure)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.text("zh"))
