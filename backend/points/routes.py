"""Points API: partners report and reverse actions (signed); citizens check in, see their
wallet and redeem; the methodology is public."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.accounts.models import User
from backend.accounts.services import normalise_phone
from backend.certificates import issuers
from backend.core import db
from backend.core.clock import utcnow
from backend.core.errors import DomainError, Forbidden
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.points import earning, ledger, methodology, partners, wallet
from backend.points.models import ActionSource, Redemption
from backend.points.schemas import (
    ActionPageSchema,
    BatchResultSchema,
    BatchSchema,
    CheckInSchema,
    PageQuerySchema,
    PartnerSecretSchema,
    RedemptionRequestSchema,
    RedemptionSchema,
    ReversalSchema,
    WalletSchema,
)
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "points",
    __name__,
    url_prefix="/api/v1",
    description="Carbon-inclusion points (碳惠天府): green actions, wallet, redemption",
)
SIGNATURE = {
    "in": "header",
    "name": partners.HEADER,
    "required": True,
    "description": 't=<unix time>,v1=<hex HMAC-SHA256(partner secret, t + "." + raw body)>; '
    "at most 5 minutes old",
    "schema": {"type": "string"},
}


def _partner() -> int:
    """The reporting organisation: an API key with `points:report` and a valid signature."""
    who = current_principal()
    if who.api_key is None:
        who.require_user()
        raise Forbidden("Partners report with their organisation's API key.")
    org_id = who.api_key.organisation_id
    who.authorize_org(org_id, scope="points:report")
    partners.verify(
        db.session(),
        current_app.config["SECRET_KEY"],
        org_id,
        request.headers.get(partners.HEADER),
        request.get_data(),
    )
    return org_id


def signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Check the partner and its signature before the body is even parsed."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, partner_id=_partner(), **kwargs)

    return wrapper


def _summary(outcomes: list[earning.Outcome]) -> dict[str, Any]:
    results = [{"index": i, **o.__dict__} for i, o in enumerate(outcomes)]
    count = {k: sum(o.status == k for o in outcomes) for k in ("accepted", "duplicate")}
    return {
        "accepted": count["accepted"],
        "duplicates": count["duplicate"],
        "rejected": len(outcomes) - count["accepted"] - count["duplicate"],
        "results": results,
    }


def _people(s: Session, phones: list[str]) -> dict[str, int]:
    """User ids by phone as the partner wrote it. A phone found verbatim is a stored E.164
    number; only the others go through (the slower) normalisation."""
    found = dict(s.execute(select(User.phone, User.id).where(User.phone.in_(set(phones)))).all())
    normalised: dict[str, str] = {}
    for raw in set(phones) - found.keys():
        try:
            normalised[raw] = normalise_phone(raw)
        except DomainError:
            continue
    if normalised:
        by_phone = dict(
            s.execute(
                select(User.phone, User.id).where(User.phone.in_(set(normalised.values())))
            ).all()
        )
        found |= {raw: by_phone[e164] for raw, e164 in normalised.items() if e164 in by_phone}
    return found


@blp.route("/points/actions", methods=["POST"])
@signed
@blp.arguments(BatchSchema())
@blp.response(200, BatchResultSchema)
@blp.alt_response(403, description="Not a partner's API key, or a bad or stale signature")
@blp.doc(security=BEARER_AUTH, parameters=[SIGNATURE])
def report_actions(body: dict[str, Any], partner_id: int) -> dict[str, Any]:
    """Report up to 1,000 green actions (signed); each is accepted, a duplicate or rejected."""
    s = db.session()
    items = body["actions"]
    users = _people(s, [item["phone"] for item in items])
    reports = [
        earning.Reported(
            user_id=users.get(item["phone"]),
            type=item["type"],
            units=item["units"],
            started_at=item["started_at"],
            ended_at=item.get("ended_at"),
            external_id=item["external_id"],
            venue=item.get("venue"),
        )
        for item in items
    ]
    outcomes = earning.earn(
        s, reports, methodology.load(), source=ActionSource.partner, partner_id=partner_id
    )
    s.commit()
    return _summary(outcomes)


@blp.route("/points/actions/reversals", methods=["POST"])
@signed
@blp.arguments(ReversalSchema())
@blp.response(200, BatchResultSchema)
@blp.alt_response(403, description="Not a partner's API key, or a bad or stale signature")
@blp.doc(security=BEARER_AUTH, parameters=[SIGNATURE])
def reverse_actions(body: dict[str, Any], partner_id: int) -> dict[str, Any]:
    """Withdraw actions still pending (signed); confirmed ones cannot be withdrawn."""
    s = db.session()
    outcomes = earning.reverse(s, partner_id, body["external_ids"])
    s.commit()
    return _summary(outcomes)


@blp.route("/organisations/<int:org_id>/points-partner", methods=["POST"])
@blp.response(201, PartnerSecretSchema)
@blp.doc(security=BEARER_AUTH)
def enrol_partner(org_id: int) -> dict[str, Any]:
    """Make an organisation a points partner, or rotate its signing secret (operators)."""
    current_principal().require_operator()
    s = db.session()
    secret = partners.enrol(s, current_app.config["SECRET_KEY"], org_id)
    return {"organisation_id": org_id, "secret": secret, "header": partners.HEADER}


@blp.route("/points/methodology")
class Methodology(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The action types: reduction per unit, source, caps and confirmation windows."""
        m = methodology.load()
        return {
            "version": m.version,
            "description": m.description,
            "point_grams": m.point_grams,
            "self_report_types": sorted(m.self_report_types),
            "types": [t.describe() for t in m.types.values()],
        }


@blp.route("/wallet")
class Wallet(MethodView):
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, WalletSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> dict[str, Any]:
        """My points: balance, pending, and the history of every movement, newest first."""
        user = current_principal().require_user()
        s = db.session()
        cursor = int(q["cursor"]) if q.get("cursor", "").isdigit() else None
        items, nxt = wallet.history(s, user.id, q["limit"], cursor)
        b = ledger.balances(s, user.id)
        return {"balance": b.wallet, "pending": b.pending, "history": items, "next_cursor": nxt}


@blp.route("/wallet/actions")
class WalletActions(MethodView):
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ActionPageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> dict[str, Any]:
        """My green actions, newest first, with their status and points."""
        user = current_principal().require_user()
        items, nxt = wallet.actions(db.session(), user.id, q["limit"], q.get("cursor"))
        return {"items": items, "next_cursor": nxt}


@blp.route("/wallet/checkins", methods=["POST"])
@writes
@blp.arguments(CheckInSchema())
@blp.response(201, BatchResultSchema)
@blp.doc(security=BEARER_AUTH)
def check_in(body: dict[str, Any]) -> dict[str, Any]:
    """Self-report a check-in at a low-carbon venue (its QR): lower cap, longer window."""
    user = current_principal().require_user()
    s = db.session()
    report = earning.Reported(
        user_id=user.id,
        type="checkin",
        units=Decimal(1),
        started_at=utcnow(),
        venue=body["venue"],
    )
    outcomes = earning.earn(s, [report], methodology.load(), source=ActionSource.self)
    s.commit()
    return _summary(outcomes)


@blp.route("/wallet/redemptions", methods=["POST"])
@writes
@idempotent
@blp.arguments(RedemptionRequestSchema())
@blp.response(201, RedemptionSchema)
@blp.alt_response(409, description="Not enough points, or not enough credits")
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def redeem(body: dict[str, Any]) -> Redemption:
    """Spend points on real credits (CDCER unless chosen), retired with a certificate."""
    user = current_principal().require_user()
    return wallet.redeem(
        db.session(),
        user.id,
        issuers.current(),
        methodology.load(),
        beneficiary=body.get("beneficiary") or user.display_name,
        points=body.get("points"),
        mass_g=body.get("mass_g"),
        preferences=body["preferences"],
        claim=current_claim(),
    )
