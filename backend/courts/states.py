"""The case state machine: every status change goes through `transition`.

open ──▶ fulfilled ──▶ closed      (fulfilled: the verified mass reached what is required)
  └──────────────────▶ closed      (closed by a judge, with a reason, before it was fulfilled)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from backend.core.errors import Conflict
from backend.core.messages import Coded
from backend.courts.models import CaseStatus, CourtCase

S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.open: frozenset({S.fulfilled, S.closed}),
    S.fulfilled: frozenset({S.closed}),
    S.closed: frozenset(),
}
CASES = cast(Table, CourtCase.__table__)
STATUS_NAMES = {
    S.open: "courts.status_open",
    S.fulfilled: "courts.status_fulfilled",
    S.closed: "courts.status_closed",
}


def status_name(status: CaseStatus) -> Coded:
    """A case's status as people read it."""
    return Coded(STATUS_NAMES[CaseStatus(status)])


class IllegalCaseTransition(Conflict):
    slug, title = "illegal-case-transition", "The case cannot do that now"

    def __init__(self, case_id: str, now: CaseStatus, to: CaseStatus) -> None:
        super().__init__(
            "courts.illegal_transition",
            params={"case": case_id, "now": status_name(now), "to": status_name(to)},
            status_now=now.value,
        )


def transition(s: Session, case: CourtCase, to: CaseStatus, now: datetime, **values: Any) -> None:
    """Move a case (whose row the caller has locked) to `to` with one conditional UPDATE; 409
    if its status does not allow it. The caller commits."""
    current = CaseStatus(case.status)
    if to not in TRANSITIONS[current]:
        raise IllegalCaseTransition(case.id, current, to)
    done = s.execute(
        update(CASES)
        .where(CASES.c.id == case.id, CASES.c.status == current)
        .values(status=to, updated_at=now, **values)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        raise IllegalCaseTransition(case.id, current, to)
    s.refresh(case)
