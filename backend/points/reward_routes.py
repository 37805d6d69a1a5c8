"""Rewards API: operators enrol sponsors and record their fundings; a sponsor's admins add
catalogue items; citizens redeem points for them; the sponsor's members honour the codes."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.accounts.models import Role
from backend.certificates import issuers
from backend.core import db
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.points import bonuses, honour, methodology, rewards, sponsors, statistics
from backend.points.models import Funding, Reward, RewardRedemption, Sponsor
from backend.points.reward_schemas import (
    BonusRequestSchema,
    BonusSchema,
    BudgetSchema,
    CatalogueSchema,
    CodeSchema,
    CodeViewSchema,
    FundingRequestSchema,
    FundingSchema,
    NewRewardSchema,
    RewardRedemptionPageSchema,
    RewardRedemptionSchema,
    RewardSchema,
    SponsorCatalogueSchema,
    SponsorListSchema,
    SponsorRewardSchema,
    SponsorSchema,
)
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "rewards",
    __name__,
    url_prefix="/api/v1",
    description="Rewards funded by sponsors: the budget, the catalogue, redemption codes",
)


def _member(org_id: int) -> int:
    """A signed-in member of the sponsor (any role) or an operator: the user's id."""
    who = current_principal()
    user = who.require_user()
    who.authorize_org(org_id)
    sponsors.get(db.session(), org_id)
    return user.id


@blp.route("/organisations/<int:org_id>/sponsor", methods=["POST"])
@blp.response(201, SponsorSchema)
@blp.doc(security=BEARER_AUTH)
def enrol_sponsor(org_id: int) -> Sponsor:
    """Make an organisation a sponsor of the rewards budget (operators)."""
    user = current_principal().require_operator()
    return sponsors.enrol(db.session(), org_id, user.id)


@blp.route("/organisations/<int:org_id>/sponsor", methods=["GET"])
@blp.response(200, BudgetSchema)
@blp.doc(security=BEARER_AUTH)
def sponsor_budget(org_id: int) -> statistics.Budget:
    """The sponsor's budget: funded, spent on its rewards, credits left (its members)."""
    _member(org_id)
    return next(b for b in statistics.budgets(db.session()) if b.organisation_id == org_id)


@blp.route("/sponsors")
class Sponsors(MethodView):
    @blp.response(200, SponsorListSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> dict[str, Any]:
        """Every sponsor's budget, and the points a fen funds now (operators)."""
        current_principal().require_operator()
        rate = current_app.config["POINTS_PER_FEN"]
        return {"points_per_fen": rate, "items": statistics.budgets(db.session())}


@blp.route("/organisations/<int:org_id>/sponsor/fundings", methods=["POST"])
@blp.arguments(FundingRequestSchema())
@blp.response(201, FundingSchema)
@blp.alt_response(409, description="The credits are not in the inventory")
@blp.doc(security=BEARER_AUTH)
def fund(req: sponsors.FundingRequest, org_id: int) -> Funding:
    """Record a sponsor's funding, in fen or grams of its credits, and the points it grants
    (operators)."""
    user = current_principal().require_operator()
    rate = current_app.config["POINTS_PER_FEN"]
    return sponsors.fund(db.session(), org_id, req, user.id, rate)


@blp.route("/organisations/<int:org_id>/sponsor/bonuses", methods=["POST"])
@writes
@idempotent
@blp.arguments(BonusRequestSchema())
@blp.response(201, BonusSchema)
@blp.alt_response(200, schema=BonusSchema, description="Its external id was awarded before")
@blp.alt_response(404, description="No citizen has that phone")
@blp.alt_response(409, description="The citizen's daily bonus cap, or the sponsor's budget")
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def award_bonus(req: bonuses.BonusRequest, org_id: int) -> tuple[bonuses.Awarded, int]:
    """Award a citizen points for a reason, from the sponsor's own budget, confirmed at once
    (its admins, operators)."""
    who = current_principal()
    user = who.require_user()
    who.authorize_org(org_id, roles=(Role.admin,))
    done = bonuses.award(db.session(), org_id, req, user.id, methodology.current())
    return done, 200 if done.duplicate else 201


def _admin(org_id: int) -> None:
    """A signed-in admin of the organisation, or an operator."""
    who = current_principal()
    who.require_user()
    who.authorize_org(org_id, roles=(Role.admin,))


@blp.route("/organisations/<int:org_id>/rewards")
class SponsorCatalogue(MethodView):
    @blp.response(200, SponsorCatalogueSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> dict[str, Any]:
        """Every item the sponsor offered, ended and withdrawn ones too, newest first (its
        members)."""
        _member(org_id)
        return {"items": rewards.of_sponsor(db.session(), org_id)}

    @blp.arguments(NewRewardSchema())
    @blp.response(201, RewardSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: rewards.NewReward, org_id: int) -> Reward:
        """Add an item to the sponsor's catalogue (its admins, operators)."""
        _admin(org_id)
        return rewards.create(db.session(), org_id, new)


@blp.route("/rewards/<string:reward_id>/withdrawal", methods=["POST"])
@blp.response(200, SponsorRewardSchema)
@blp.doc(security=BEARER_AUTH)
def withdraw_reward(reward_id: str) -> Reward:
    """Take an item off the catalogue now, for good; codes given out stay good (the sponsor's
    admins, operators)."""
    s = db.session()
    reward = rewards.get(s, reward_id)
    _admin(reward.sponsor_id)
    return rewards.withdraw(s, reward)


@blp.route("/rewards")
class Catalogue(MethodView):
    @blp.response(200, CatalogueSchema)
    def get(self) -> dict[str, Any]:
        """Every reward on offer now, with its price in points and what is left."""
        return {"items": rewards.catalogue(db.session())}


@blp.route("/rewards/<string:reward_id>/redemptions", methods=["POST"])
@writes
@idempotent
@blp.response(201, RewardRedemptionSchema)
@blp.alt_response(409, description="Not enough points, out of stock, or not on offer")
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def redeem_reward(reward_id: str) -> RewardRedemption:
    """Spend points on one of this reward: a code for the merchant, or (an offset) a
    certificate."""
    user = current_principal().require_user()
    return rewards.redeem(
        db.session(),
        user,
        reward_id,
        issuers.current(),
        methodology.load(),
        claim=current_claim(),
    )


@blp.route("/wallet/rewards")
class MyRewards(MethodView):
    @blp.response(200, RewardRedemptionPageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> dict[str, Any]:
        """My rewards, newest first, with their codes."""
        user = current_principal().require_user()
        return {"items": rewards.mine(db.session(), user.id)}


@blp.route("/organisations/<int:org_id>/reward-codes/lookup", methods=["POST"])
@writes
@blp.arguments(CodeSchema())
@blp.response(200, CodeViewSchema)
@blp.doc(security=BEARER_AUTH)
def look_up_code(body: dict[str, str], org_id: int) -> honour.CodeView:
    """What a code of this sponsor is for, and whether it was honoured (its members)."""
    _member(org_id)
    return honour.look_up(db.session(), org_id, body["code"])


@blp.route("/organisations/<int:org_id>/reward-codes/honour", methods=["POST"])
@writes
@blp.arguments(CodeSchema())
@blp.response(201, CodeViewSchema)
@blp.alt_response(409, description="Already honoured: `honoured_at` says when")
@blp.doc(security=BEARER_AUTH)
def honour_code(body: dict[str, str], org_id: int) -> honour.CodeView:
    """Honour a code of this sponsor, once ever (its members)."""
    user_id = _member(org_id)
    return honour.honour_recorded(db.session(), org_id, body["code"], user_id)
