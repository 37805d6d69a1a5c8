"""Request and response shapes of sponsors, the rewards catalogue, redemptions and honours."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.credits.schemas import MAX_MASS_G
from backend.points import rewards
from backend.points.bonuses import BonusRequest
from backend.points.models import RewardKind
from backend.points.rewards import NewReward
from backend.points.sponsors import FundingRequest

MAX_FEN = 10**10  # ¥100,000,000 in one funding


class SponsorSchema(Schema):
    organisation_id = fields.Integer()
    enrolled_at = fields.DateTime()


class FundingRequestSchema(Schema):
    amount_fen = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_FEN),
        metadata={"description": "Money paid by the sponsor, in fen"},
    )
    mass_g = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_MASS_G),
        metadata={"description": "Grams of the sponsor's credits of project_id"},
    )
    project_id = fields.Integer(strict=True)
    memo = Label(max_length=200, load_default="", metadata={"description": "e.g. the contract"})

    @validates_schema
    def _one(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("amount_fen") is None) == (data.get("mass_g") is None):
            raise ValidationError(Coded("points.money_or_credits"), "amount_fen")
        if (data.get("mass_g") is None) != (data.get("project_id") is None):
            raise ValidationError(Coded("points.credits_need_project"), "project_id")

    @post_load
    def _request(self, data: dict[str, Any], **_: Any) -> FundingRequest:
        return FundingRequest(**data)


class FundingSchema(Schema):
    id = fields.Integer()
    sponsor_id = fields.Integer()
    kind = fields.String(metadata={"description": "money or credits"})
    amount_fen = fields.Integer(allow_none=True)
    points_per_fen = fields.Integer(allow_none=True)
    mass_g = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    points = fields.Integer(metadata={"description": "Points it added to the pool"})
    funded_by_id = fields.Integer(allow_none=True)
    funded_at = fields.DateTime()
    memo = fields.String()


class NewRewardSchema(Schema):
    kind = fields.Enum(RewardKind, required=True)
    title_zh = Label(required=True, min_length=1, max_length=100)
    title_en = Label(required=True, min_length=1, max_length=100)
    price_points = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=1, max=MAX_MASS_G)
    )
    stock = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**7))
    valid_from = fields.AwareDateTime(required=True)
    valid_until = fields.AwareDateTime(required=True)
    project_id = fields.Integer(
        strict=True, metadata={"description": "Offsets: the project of the credits funded"}
    )

    @post_load
    def _new(self, data: dict[str, Any], **_: Any) -> NewReward:
        return NewReward(**data)


class RewardSchema(Schema):
    id = fields.String()
    sponsor_id = fields.Integer()
    sponsor = fields.String(
        attribute="sponsor.organisation.name", metadata={"description": "The sponsor's name"}
    )
    kind = fields.String(metadata={"description": "coupon, transit, ticket or offset"})
    title_zh = fields.String()
    title_en = fields.String()
    price_points = fields.Integer()
    stock = fields.Integer()
    project_id = fields.Integer(allow_none=True)
    valid_from = fields.DateTime()
    valid_until = fields.DateTime()


class CatalogueSchema(Schema):
    items = fields.List(fields.Nested(RewardSchema))


class RewardStatus(fields.String):
    """Whether the item is on offer now, computed at dump time."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> str:
        return rewards.status(obj)


class SponsorRewardSchema(RewardSchema):
    status = RewardStatus(
        dump_only=True,
        validate=validate.OneOf(rewards.STATUSES),
        metadata={"description": "ended: withdrawn, or its time is over"},
    )
    created_at = fields.DateTime()


class SponsorCatalogueSchema(Schema):
    items = fields.List(fields.Nested(SponsorRewardSchema))


class RewardRedemptionSchema(Schema):
    id = fields.String()
    reward_id = fields.String()
    points = fields.Integer()
    code = fields.String(
        allow_none=True, metadata={"description": "Show it to the merchant (offsets: none)"}
    )
    certificate_number = fields.String(allow_none=True, metadata={"description": "Offsets"})
    created_at = fields.DateTime()


class RewardRedemptionPageSchema(Schema):
    items = fields.List(fields.Nested(RewardRedemptionSchema))


class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=4, max=40))


class CodeViewSchema(Schema):
    code = fields.String()
    reward_id = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    points = fields.Integer()
    redeemed_at = fields.DateTime()
    honoured_at = fields.DateTime(allow_none=True, metadata={"description": "Null until honoured"})


class BudgetSchema(Schema):
    organisation_id = fields.Integer()
    name = fields.String()
    funded_points = fields.Integer()
    funded_fen = fields.Integer()
    funded_credits_g = fields.Integer()
    credits_left_g = fields.Integer()
    spent_points = fields.Integer(metadata={"description": "Points spent on its rewards"})
    redemptions = fields.Integer()
    bonus_points = fields.Integer(metadata={"description": "Points it awarded as bonuses"})
    bonus_left = fields.Integer(metadata={"description": "Points it may still award, now"})


class SponsorListSchema(Schema):
    points_per_fen = fields.Integer(metadata={"description": "Points a fen of money funds now"})
    items = fields.List(fields.Nested(BudgetSchema))


class ReductionSchema(Schema):
    type = fields.String(metadata={"description": "An action type of the methodology"})
    label_zh = fields.String(metadata={"example": "地铁"})
    label_en = fields.String(metadata={"example": "Metro"})
    actions = fields.Integer(metadata={"description": "Confirmed actions (reversed: none)"})
    mass_g = fields.Integer(metadata={"description": "Grams CO2e credited to them"})
    pending_actions = fields.Integer(metadata={"description": "Actions still pending"})
    pending_g = fields.Integer(metadata={"description": "Grams CO2e they would credit"})


class PointsFlowsSchema(Schema):
    funded = fields.Integer(metadata={"description": "Points sponsors funded"})
    issued = fields.Integer(metadata={"description": "Earned, less reversed"})
    redeemed = fields.Integer()
    expired = fields.Integer()
    reduced_g = fields.Integer(metadata={"description": "Grams CO2e of confirmed actions"})
    pending_g = fields.Integer(metadata={"description": "Grams CO2e of pending actions"})
    reductions = fields.List(
        fields.Nested(ReductionSchema),
        metadata={"description": "Every action type, in the methodology's order"},
    )
    sponsors = fields.List(fields.Nested(BudgetSchema))


class PointsTotalsSchema(PointsFlowsSchema):
    pool = fields.Integer(metadata={"description": "Funded, not yet earned"})
    circulating = fields.Integer(metadata={"description": "Pending and in wallets"})


class BonusRequestSchema(Schema):
    phone = fields.String(
        required=True,
        validate=validate.Length(min=3, max=32),
        metadata={"description": "The citizen's phone (E.164 or mainland)"},
    )
    points = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=1_000_000),
        metadata={"description": "Points to award (within the citizen's daily bonus cap)"},
    )
    reason = Label(
        required=True,
        min_length=2,
        max_length=100,
        metadata={"description": "Why, as the citizen will read it (e.g. 志愿植树活动)"},
    )
    external_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The sponsor's own id of this bonus: sent again, no new points"},
    )

    @post_load
    def _request(self, data: dict[str, Any], **_: Any) -> BonusRequest:
        return BonusRequest(**data)


class BonusSchema(Schema):
    action_id = fields.String()
    external_id = fields.String()
    points = fields.Integer()
    reason = fields.String()
    sponsor = fields.String(metadata={"description": "The sponsor's name"})
    awarded_at = fields.DateTime()
    duplicate = fields.Boolean(
        metadata={"description": "The external id was awarded before: nothing new was awarded"}
    )
