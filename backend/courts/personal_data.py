"""What courts hold on a person, in their data export: the court actions they took as staff.

Nothing is erased here when the account is deleted: the audit log is the court's append-only
record, and names the person only by the id of a user row that keeps nothing personal.
Defendants are not accounts; what a person bought for one is in their orders.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.courts.models import AuditEntry


class ActionTakenSchema(Schema):
    id = fields.Integer()
    court_id = fields.Integer()
    case_id = fields.String(allow_none=True)
    action = fields.String()
    at = fields.DateTime()
    details = fields.Dict()


def export(s: Session, user_id: int) -> list[dict[str, Any]]:
    entries = s.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user_id).order_by(AuditEntry.id)
    )
    dumped: list[dict[str, Any]] = ActionTakenSchema(many=True).dump(entries)
    return dumped
