"""A person's certificates in their data export, and in their account's deletion: a certificate
keeps its beneficiary as issued, but no longer names its owner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeleted
from backend.certificates import issuers, services
from backend.certificates.models import Certificate
from backend.certificates.schemas import CertificateSchema


def export(s: Session, user_id: int) -> list[dict[str, Any]]:
    """Each certificate the person owns, as `GET /certificates/{number}` shows it."""
    issuer = issuers.current()
    certs = s.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at)
    )
    dumped: list[dict[str, Any]] = CertificateSchema(many=True).dump(
        [services.detail(s, issuer, c, full=True) for c in certs]  # their own: in full
    )
    return dumped


def erase(s: Session, event: AccountDeleted) -> None:
    s.execute(update(Certificate).where(Certificate.user_id == event.user_id).values(user_id=None))
