"""The courts' append-only audit log: every court action, who did it and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.courts.models import AuditEntry


def record(
    s: Session,
    action: str,
    *,
    court_id: int,
    case_id: str | None = None,
    actor_id: int | None = None,
    at: datetime | None = None,
    **details: Any,
) -> None:
    """Add an entry to the caller's transaction: it exists iff the action commits."""
    s.add(
        AuditEntry(
            court_id=court_id,
            case_id=case_id,
            actor_id=actor_id,
            action=action,
            details=details,
            at=at or utcnow(),
        )
    )


def of_case(s: Session, case_id: str) -> Sequence[AuditEntry]:
    """A case's entries, oldest first."""
    return s.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    ).all()
