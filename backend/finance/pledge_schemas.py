"""Request and response shapes of the pledge API (质押) and its public notice (登记公示)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from backend.core.flag_field import Flag
from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.credits.models import Standard
from backend.finance.pledge_models import (
    MAX_LOAN_FEN,
    MAX_RATE_BPS,
    MAX_TERM_MONTHS,
    PledgeState,
)
from backend.finance.pledges import STEPS, NewPledge
from backend.registry.schemas import PRICE

ID = validate.Range(min=1, max=2**31 - 1)


class PledgeCreateSchema(Schema):
    pledgee_id = fields.Integer(
        required=True,
        strict=True,
        validate=ID,
        metadata={"description": "the lender: an account in the financial-institution role"},
    )
    tonnes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=10**9),
        metadata={"description": "the holding's first tonnes are pledged"},
    )
    loan_amount_fen = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_LOAN_FEN)
    )
    annual_rate_bps = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=MAX_RATE_BPS),
        metadata={"description": "the loan's annual rate in basis points (1/100 of a percent)"},
    )
    term_months = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_TERM_MONTHS)
    )
    loan_reference = Label(
        load_default=None,
        allow_none=True,
        max_length=64,
        metadata={"description": "the lender's loan contract number, if any"},
    )
    disclose_amount = Flag(
        load_default=False,
        metadata={"description": "show the amount and rate in the public notice (登记公示)"},
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewPledge:
        return NewPledge(**data)


class PledgeTransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in STEPS]))
    reason = Label(
        load_default=None,
        allow_none=True,
        max_length=2000,
        metadata={"description": "required to decline or enforce"},
    )
    counterparty_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=ID,
        metadata={
            "description": "on enforcement only: offer the units to this account in a 大宗交易"
        },
    )
    price_fen_per_t = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=PRICE,
        metadata={"description": "with counterparty_id: the block trade's price per tonne"},
    )

    @validates_schema
    def _both_or_neither(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("counterparty_id") is None) != (data.get("price_fen_per_t") is None):
            missing = (
                "price_fen_per_t" if data.get("price_fen_per_t") is None else "counterparty_id"
            )
            raise ValidationError(Coded("finance.sale_needs_both"), missing)


class PledgeEventSchema(Schema):
    from_state = fields.Enum(PledgeState, by_value=True, allow_none=True)
    to_state = fields.Enum(PledgeState, by_value=True)
    at = fields.DateTime()
    reason = fields.String(allow_none=True)
    transfer_id = fields.Integer(allow_none=True)


class _PledgedUnits(Schema):
    """What is pledged, and by and to whom (organisations, never people)."""

    reference = fields.String(allow_none=True, metadata={"description": "质押登记编号"})
    state = fields.Enum(PledgeState, by_value=True)
    pledgor_name = fields.String(attribute="pledgor.organisation.name")
    pledgee_name = fields.String(attribute="pledgee.organisation.name")
    standard = fields.Enum(Standard, by_value=True, attribute="issuance.standard")
    project_id = fields.Integer(attribute="issuance.project_id")
    project_name_zh = fields.String(attribute="issuance.project.name_zh")
    project_name_en = fields.String(attribute="issuance.project.name_en")
    vintage = fields.Integer(attribute="issuance.vintage")
    serial_range = fields.String()
    tonnes = fields.Integer()
    term_months = fields.Integer()
    registered_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class PledgeSchema(_PledgedUnits):
    """A pledge as its parties and operators see it."""

    id = fields.Integer()
    pledgor_id = fields.Integer()
    pledgee_id = fields.Integer()
    issuance_id = fields.Integer()
    first_unit = fields.Integer()
    last_unit = fields.Integer()
    loan_amount_fen = fields.Integer()
    annual_rate_bps = fields.Integer()
    loan_reference = fields.String(allow_none=True)
    disclose_amount = Flag()
    reason = fields.String(allow_none=True)
    pledge_transfer_id = fields.Integer()
    closing_transfer_id = fields.Integer(allow_none=True)
    sale_deal_id = fields.Integer(
        allow_none=True, metadata={"description": "the 大宗交易 offering the enforced units"}
    )
    created_at = fields.DateTime()
    events = fields.List(fields.Nested(PledgeEventSchema))


def _if_disclosed(name: str) -> fields.Function:
    return fields.Function(
        lambda p: getattr(p, name) if p.disclose_amount else None,
        allow_none=True,
        metadata={"type": "integer", "description": "null unless the parties disclose it"},
    )


class PledgeNoticeSchema(_PledgedUnits):
    """登记公示: a registered pledge as anyone sees it; the amount and rate only if disclosed."""

    loan_amount_fen = _if_disclosed("loan_amount_fen")
    annual_rate_bps = _if_disclosed("annual_rate_bps")


class InstitutionSchema(Schema):
    """A `pledges.Institution`: an exchange account in the financial-institution role."""

    participant_id = fields.Integer()
    organisation_id = fields.Integer()
    name = fields.String()
