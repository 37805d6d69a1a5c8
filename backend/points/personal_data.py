"""A person's points in their data export, and in their account's deletion.

The ledger stays whole: the person's accounts and transfers are kept (keyed by the erased user
row, which holds nothing personal any more), so `flask points check` still holds. What made a
trip precise goes: the partner's trip number, the venue, and the time of day (the action keeps
its Chengdu date, its kind, its distance and its points).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from marshmallow import fields
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeleted
from backend.core.clock import CHINA
from backend.points import wallet
from backend.points.models import GreenAction, Redemption
from backend.points.schemas import ActionSchema, RedemptionSchema, WalletSchema

EVERYTHING = 10**9


class ActionRecordSchema(ActionSchema):
    """An action with all we keep of it (the API's own list leaves the partner's ids out)."""

    partner_id = fields.Integer(allow_none=True)
    external_id = fields.String(allow_none=True)
    trip_key = fields.String(allow_none=True)
    occurred_on = fields.String()


def export(s: Session, user_id: int) -> dict[str, Any]:
    """The balances and every movement, every action, every redemption."""
    actions = s.scalars(
        select(GreenAction).where(GreenAction.user_id == user_id).order_by(GreenAction.created_at)
    )
    redemptions = s.scalars(
        select(Redemption).where(Redemption.user_id == user_id).order_by(Redemption.created_at)
    )
    return {
        "wallet": WalletSchema().dump(wallet.statement(s, user_id, EVERYTHING, None)),
        "actions": ActionRecordSchema(many=True).dump(actions),
        "redemptions": RedemptionSchema(many=True).dump(redemptions),
    }


def erase(s: Session, event: AccountDeleted) -> None:
    """Forget what made the person's trips precise; their ledger stays as it is."""
    theirs = GreenAction.user_id == event.user_id
    days = s.scalars(select(GreenAction.occurred_on).where(theirs).distinct())
    for day in list(days):
        midnight = datetime.combine(date.fromisoformat(day), time(), CHINA)
        s.execute(
            update(GreenAction)
            .where(theirs, GreenAction.occurred_on == day)
            .values(external_id=None, trip_key=None, occurred_at=midnight)
        )
