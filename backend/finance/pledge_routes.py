"""Pledge API (质押): a holder's admins pledge tonnes of a holding to a financial institution,
the parties follow their pledges, the pledgee registers, declines, releases or enforces them,
the pledgor withdraws one not yet registered; anyone reads the public notice (登记公示) and the
list of institutions."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.finance import pledges
from backend.finance.pledge_models import Pledge, PledgeState
from backend.finance.pledge_schemas import (
    InstitutionSchema,
    PledgeCreateSchema,
    PledgeNoticeSchema,
    PledgeSchema,
    PledgeTransitionSchema,
)
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import idempotent
from backend.market import calendar
from backend.market.rules import Rules
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "finance_pledges",
    __name__,
    url_prefix="/api/v1/finance",
    description="Green finance: CDCER pledges (质押) and their public notice",
)


@blp.route("/holdings/<int:holding_id>/pledges", methods=["POST"])
@idempotent
@blp.arguments(PledgeCreateSchema())
@blp.response(201, PledgeSchema)
@blp.alt_response(409, description="The holding has fewer tonnes (`registry.holding_too_small`)")
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def create_pledge(new: pledges.NewPledge, holding_id: int) -> Pledge:
    """Pledge a holding's first tonnes to an institution; they are frozen at once (the
    holder's admins). A retry with the same `Idempotency-Key` replays the pledge, freezing
    nothing more."""
    return pledges.create(db.session(), current_principal(), holding_id, new)


@blp.route("/participants/<int:participant_id>/pledges")
class ParticipantPledges(MethodView):
    @blp.response(200, PledgeSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[Pledge]:
        """Its pledges as pledgor and as pledgee, newest first (its people, operators)."""
        return pledges.of_participant(db.session(), current_principal(), participant_id)


@blp.route("/pledges/<int:pledge_id>")
class OnePledge(MethodView):
    @blp.response(200, PledgeSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, pledge_id: int) -> Pledge:
        """A pledge with its history (its parties' people, operators)."""
        return pledges.get(db.session(), current_principal(), pledge_id)


@blp.route("/pledges/<int:pledge_id>/transitions", methods=["POST"])
@blp.arguments(PledgeTransitionSchema())
@blp.response(200, PledgeSchema)
@blp.alt_response(
    409,
    description="Not from its state (`finance.pledge_illegal_transition`), or a sale outside "
    "trading hours (`market.closed`)",
)
@blp.doc(security=BEARER_AUTH)
def move_pledge(body: dict[str, Any], pledge_id: int) -> Pledge:
    """Register, decline (with a reason), release or enforce (with a reason; with a
    counterparty and a price, the units are offered to it at once in a 大宗交易): the pledgee's
    admins; withdraw before registration: the pledgor's admins."""
    sale = None
    if body["counterparty_id"] is not None:
        rules = Rules.from_config(current_app.config)
        sale = pledges.Sale(body["counterparty_id"], body["price_fen_per_t"], rules, calendar.now())
    return pledges.transition(
        db.session(), current_principal(), pledge_id, PledgeState(body["to"]), body["reason"], sale
    )


@blp.route("/pledge-notices")
class PledgeNotices(MethodView):
    @blp.response(200, PledgeNoticeSchema(many=True))
    def get(self) -> list[Pledge]:
        """登记公示: registered pledges, and those since released or enforced (public; amounts
        only where the parties disclose them)."""
        return pledges.notices(db.session())


@blp.route("/institutions")
class Institutions(MethodView):
    @blp.response(200, InstitutionSchema(many=True))
    def get(self) -> list[pledges.Institution]:
        """The exchange accounts in the financial-institution role, by name (public)."""
        return pledges.institutions(db.session())
