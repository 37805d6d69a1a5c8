"""核销: a court's clerk or judge verifies a defendant's judicial certificate against the case.

A certificate is verified once, ever, across all courts: `court_verifications` is UNIQUE on the
certificate number and append-only. Refusals name their reason (a problem slug) and are audited
too; the case becomes fulfilled when the verified mass reaches what is required.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.certificates import services as certificates
from backend.certificates.models import Certificate
from backend.certificates.services import document
from backend.certificates.view import CertificateStatus
from backend.core import uow
from backend.core.clock import china_date, utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, DomainError, field_error
from backend.core.events import bus
from backend.courts import access, audit, cases, eligibility
from backend.courts.events import CertificateVerified
from backend.courts.models import CaseStatus, Court, CourtCase, CourtOrder, Verification
from backend.courts.progress import of as progress_of
from backend.courts.states import transition

VERIFICATIONS = cast(Table, Verification.__table__)
FIELD = "certificate_number"


class Refused(DomainError):
    """The certificate cannot serve this case; `slug` says why (the staff PWA words it by its
    slug too, so slugs stay as they are), `code` in words."""

    status, title = 422, "The certificate cannot be verified for this case"

    def __init__(self, code: str, /, *, slug: str, **extra: Any) -> None:
        super().__init__(code, errors=[field_error(FIELD, code)], **extra)
        self.slug = slug


class AlreadyVerified(Conflict):
    slug, title = "already-verified", "This certificate is already verified"


class CaseClosed(Conflict):
    slug, title = "case-closed", "The case is closed"


@dataclass(frozen=True)
class Record:
    """A verification as anyone may see it: which court, which case, when (no personal data)."""

    court: str
    court_id: int
    case_number: str
    verified_at: datetime

    @property
    def verified_on(self) -> date:
        """The day of the verification in China."""
        return china_date(self.verified_at)


def record_of(s: Session, number: str) -> Record | None:
    """The verification of a certificate, if it has one."""
    row = s.execute(
        select(Court.organisation_id, CourtCase.number, Verification.verified_at)
        .join(CourtCase, CourtCase.id == Verification.case_id)
        .join(Court, Court.organisation_id == Verification.court_id)
        .where(Verification.certificate_number == number)
    ).first()
    if row is None:
        return None
    court = s.get_one(Court, row[0])
    return Record(court.organisation.name, row[0], row[1], row[2])


def _already(record: Record) -> AlreadyVerified:
    when = record.verified_at.isoformat()
    return AlreadyVerified(
        "courts.already_verified",
        params={"court": record.court, "case": record.case_number, "at": when},
        verified_by_court=record.court,
        verified_by_court_id=record.court_id,
        verified_case_number=record.case_number,
        verified_at=when,
    )


def verify(s: Session, who: Principal, case_id: str, number: str) -> Verification:
    """Verify `number` for the case, once ever; refusals are audited and raised (the attempt is
    rolled back and the refusal committed on its own)."""
    case = cases.get(s, who, case_id)
    user_id = access.require_role(s, who, case.court_id, access.STAFF)
    court_id = case.court_id
    try:
        return _verify(s, case, number, user_id)
    except DomainError as refusal:
        uow.abandon(s)
        audit.record(
            s,
            "verification.refused",
            court_id=court_id,
            case_id=case_id,
            actor_id=user_id,
            certificate_number=number,
            reason=refusal.slug,
            code=refusal.code,
            params=refusal.params,
        )
        uow.step(s)
        raise


def _verify(s: Session, case: CourtCase, number: str, user_id: int) -> Verification:
    cert, link = _acceptable(s, case, number)
    now = utcnow()
    row = s.execute(
        upsert(s, VERIFICATIONS)
        .values(
            certificate_number=number,
            case_id=case.id,
            court_id=case.court_id,
            defendant_id=link.defendant_id,
            mass_g=cert.mass_g,
            verified_by_id=user_id,
            verified_at=now,
        )
        .on_conflict_do_nothing(index_elements=[FIELD])
        .returning(VERIFICATIONS.c.id)
    ).first()
    if row is None:  # a concurrent verification of this certificate committed first
        found = record_of(s, number)
        assert found is not None  # noqa: S101 - the conflict means a row exists
        raise _already(found)
    # The case row is locked only now, so racing verifications of one certificate meet at the
    # unique index; the lock orders a case's verifications for the fulfilment sum below.
    case = cases.lock(s, case.id)
    if case.status == CaseStatus.closed:
        raise CaseClosed("courts.case_closed")
    audit.record(
        s,
        "certificate.verified",
        court_id=case.court_id,
        case_id=case.id,
        actor_id=user_id,
        at=now,
        certificate_number=number,
        mass_g=cert.mass_g,
        order_id=cert.order_id,
        issued_at=cert.issued_at.isoformat(),
    )
    progress = progress_of(s, case)
    if case.status == CaseStatus.open and progress.met:
        transition(s, case, CaseStatus.fulfilled, now, fulfilled_at=now)
        audit.record(
            s,
            "case.fulfilled",
            court_id=case.court_id,
            case_id=case.id,
            at=now,
            required_g=progress.required_g,
            verified_g=progress.verified_g,
        )
    court = case.court.organisation.name
    certificates.mark_verified(s, number, court, case.number, now)
    bus.publish(
        s,
        CertificateVerified(
            number=number,
            mass_g=cert.mass_g,
            court_id=case.court_id,
            court_name=court,
            case_id=case.id,
            case_number=case.number,
            buyer_organisation_id=cert.organisation_id,
            verified_at=now.isoformat(),
        ),
    )
    return s.get_one(Verification, row[0])


def _acceptable(s: Session, case: CourtCase, number: str) -> tuple[Certificate, CourtOrder]:
    """The certificate and its purchase link, if this case may verify it; else the refusal."""
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        raise Refused("courts.certificate_unknown", slug="certificate-unknown")
    prior = record_of(s, number)
    if prior is not None:
        raise _already(prior)
    if cert.status == CertificateStatus.revoked:
        raise Refused("courts.certificate_revoked", slug="certificate-revoked")
    if not cert.judicial:
        raise Refused("courts.certificate_not_judicial", slug="certificate-not-judicial")
    link = s.get(CourtOrder, cert.order_id) if cert.order_id else None
    if link is None or link.case_id != case.id:
        raise Refused("courts.certificate_other_case", slug="certificate-other-case")
    bad = eligibility.ineligible(s, case.eligible, document(cert)["credits"])
    if bad:
        raise Refused(
            "courts.credits_ineligible",
            slug="credits-ineligible",
            ineligible=bad,
            eligible=case.eligible,
        )
    return cert, link
