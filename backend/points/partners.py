"""Partners that report actions: enrolment with an HMAC secret (kept encrypted), checking the
`Diandian-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` of a batch, and
recording a batch for the people its phones name."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import consent
from backend.accounts.legal import Document
from backend.accounts.models import User
from backend.accounts.services import normalise_phone
from backend.core import secretbox
from backend.core.clock import utcnow
from backend.core.db import among, custom_plans, upsert
from backend.core.errors import DomainError, Unauthenticated
from backend.points import earning
from backend.points.methodology import Methodology
from backend.points.models import ActionSource, PointsPartner

HEADER = "Diandian-Signature"
TOLERANCE_S = 300
PURPOSE = "points-partner-secret"


@dataclass(frozen=True)
class Enrolment:
    """A partner's new signing secret, shown once, and the header to sign with."""

    organisation_id: int
    secret: str
    header: str = HEADER


@dataclass(frozen=True)
class PartnerAction:
    """One action as a partner reports it: the person by phone, as the partner wrote it."""

    external_id: str
    phone: str
    type: str
    units: Decimal
    started_at: datetime
    ended_at: datetime | None = None
    venue: str | None = None
    replaces: str | None = None


def enrol(s: Session, secret_key: str, organisation_id: int) -> Enrolment:
    """Make the organisation a partner, or rotate its secret; the secret is shown once."""
    secret = "ddps_" + secrets.token_urlsafe(32)
    sealed = secretbox.seal(secret_key, PURPOSE, secret)
    s.execute(
        upsert(s, PointsPartner)
        .values(organisation_id=organisation_id, secret_encrypted=sealed, created_at=utcnow())
        .on_conflict_do_update(
            index_elements=["organisation_id"], set_={"secret_encrypted": sealed}
        )
    )
    return Enrolment(organisation_id, secret)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value a partner sends (shown in the docs, used by tests and benchmarks)."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(
    s: Session, secret_key: str, organisation_id: int, header: str | None, body: bytes
) -> None:
    """401 unless the header signs this exact body, recently, with the partner's secret."""
    sealed = s.scalar(
        select(PointsPartner.secret_encrypted).where(
            PointsPartner.organisation_id == organisation_id
        )
    )
    if sealed is None:
        raise Unauthenticated("points.not_a_partner")
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        raise Unauthenticated("points.signature_header", params={"header": HEADER}) from None
    if abs(time.time() - timestamp) > TOLERANCE_S:
        raise Unauthenticated("points.signature_stale")
    expected = sign(secretbox.unseal(secret_key, PURPOSE, sealed), body, timestamp)
    if not hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}"):
        raise Unauthenticated("points.signature_mismatch")


def report(
    s: Session, partner_id: int, actions: list[PartnerAction], m: Methodology
) -> earning.Batch:
    """Earn for a partner's batch; a phone that names nobody is an `unknown_user`, and one whose
    person has not given (or has withdrawn) their separate consent to precise travel data is
    `no_travel_consent`: nothing of it is kept."""
    custom_plans(s)  # the batch's key lists are arrays (`among`)
    users = people(s, [a.phone for a in actions])
    consenting = consent.holders(s, users.values(), Document.travel)
    reports = [
        earning.Reported(
            user_id=users.get(a.phone),
            type=a.type,
            units=a.units,
            started_at=a.started_at,
            ended_at=a.ended_at,
            external_id=a.external_id,
            venue=a.venue,
            replaces=a.replaces,
            refused=None if users.get(a.phone) in consenting else earning.Reason.no_travel_consent,
        )
        for a in actions
    ]
    return earning.earn(s, reports, m, source=ActionSource.partner, partner_id=partner_id)


def people(s: Session, phones: list[str]) -> dict[str, int]:
    """User ids by phone as the partner wrote it. A phone found verbatim is a stored E.164
    number; only the others go through (the slower) normalisation."""
    verbatim = select(User.phone, User.id).where(among(s, User.phone, set(phones)))
    found = dict(s.execute(verbatim).all())
    normalised: dict[str, str] = {}
    for raw in set(phones) - found.keys():
        try:
            normalised[raw] = normalise_phone(raw)
        except DomainError:
            continue
    if normalised:
        by_phone = dict(
            s.execute(
                select(User.phone, User.id).where(among(s, User.phone, set(normalised.values())))
            ).all()
        )
        found |= {raw: by_phone[e164] for raw, e164 in normalised.items() if e164 in by_phone}
    return found
