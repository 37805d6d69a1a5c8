"""A court's staff read in full the certificates bought in its cases: the defendant's name and
the case number, which the public never sees (`certificates.access`, wired in
`backend/wiring.py`). The courts above it and operators, who read its cases, do too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.certificates.models import Certificate
from backend.courts.access import visible_courts
from backend.courts.models import CourtCase, CourtOrder


def reads_certificate(s: Session, who: Principal, cert: Certificate) -> bool:
    """Whether `who` sees the case the judicial certificate `cert` was bought for."""
    if who.user is None or not cert.judicial or cert.order_id is None:
        return False
    court_id = s.scalar(
        select(CourtCase.court_id)
        .join(CourtOrder, CourtOrder.case_id == CourtCase.id)
        .where(CourtOrder.order_id == cert.order_id)
    )
    if court_id is None:
        return False
    visible = visible_courts(s, who)
    return visible is None or court_id in visible
