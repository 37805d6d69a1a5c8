"""Issuing a certificate in the retirement's own transaction: the next number of the year (no
gaps: a rolled-back retirement rolls its number back too), the credits it took, a signature.

The year in the number and the date in the signed claim are China's (document version 2).
Certificates of document version 1 signed the UTC date; their claims are rebuilt that way, so
they still verify.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from backend.certificates.events import CertificateIssued
from backend.certificates.models import Certificate, NumberCounter
from backend.certificates.signing import Keyring, b64url, canonical, digest
from backend.core.clock import china_date
from backend.core.db import upsert
from backend.core.events import bus
from backend.credits.models import Allocation, Lot, Project, Unit

COUNTERS = cast(Table, NumberCounter.__table__)
CERTIFICATES = cast(Table, Certificate.__table__)
PREFIX = "DD"
DOCUMENT_VERSION = 2


@dataclass(frozen=True)
class Issuer:
    """Who signs, under what name, where certificates are verified, and the deadline they
    state for registry retirement."""

    keyring: Keyring
    name: str
    base_url: str  # e.g. https://diandian.example; the QR points at {base_url}/verify/{number}
    sandbox: bool
    registry_retirement_days: int = 30  # REGISTRY_RETIREMENT_DAYS


def next_number(s: Session, year: int) -> tuple[int, str]:
    """The year's next sequence number, taken under the counter row's lock (one statement)."""
    seq = s.execute(
        upsert(s, COUNTERS)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": COUNTERS.c.last + 1})
        .returning(COUNTERS.c.last)
    ).scalar_one()
    return seq, f"{PREFIX}-{year}-{seq:06d}"


def credit_lines(s: Session, reservation_id: int) -> list[dict[str, Any]]:
    """The credits a reservation retired, one line per lot: serial units and grams."""
    rows = s.execute(
        select(
            Lot.id,
            Lot.standard,
            Lot.vintage,
            Lot.serial_range,
            Project.id.label("project_id"),
            Project.registry_id,
            Project.name_zh,
            Project.name_en,
            Project.type,
            Project.province,
            func.min(Unit.serial),
            func.max(Unit.serial),
            func.count(Unit.id),
            func.sum(Allocation.gram_end - Allocation.gram_start),
        )
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .where(Allocation.reservation_id == reservation_id)
        .group_by(Lot.id, Project.id)
        .order_by(Lot.id)
    ).all()
    return [
        {
            "lot_id": r[0],
            "standard": str(r[1]),
            "vintage": r[2],
            "lot_serial_range": r[3],
            "project_id": r[4],
            "project_registry_id": r[5],
            "project_name_zh": r[6],
            "project_name_en": r[7],
            "project_type": str(r[8]),
            "province": r[9],
            "first_serial": int(r[10]),
            "last_serial": int(r[11]),
            "units": int(r[12]),
            "mass_g": int(r[13]),
        }
        for r in rows
    ]


def issued_on(cert: Certificate) -> date:
    """The date a certificate states: China's (UTC's for version-1 documents)."""
    if json.loads(cert.document)["v"] == 1:
        return cert.issued_at.date()
    return china_date(cert.issued_at)


def claim(cert: Certificate) -> dict[str, Any]:
    """The compact statement the QR carries and the signature covers."""
    return {
        "v": 1,
        "n": cert.number,
        "b": cert.beneficiary,
        "m": cert.mass_g,
        "d": issued_on(cert).isoformat(),
        "k": cert.key_id,
        "h": digest(cert.document.encode()),
    }


def verify_url(issuer: Issuer, cert: Certificate) -> str:
    """The QR's content: the verify page, with the signed claim for offline checks."""
    return (
        f"{issuer.base_url.rstrip('/')}/verify/{cert.number}"
        f"?c={b64url(canonical(claim(cert)))}&s={cert.signature}"
    )


def issue(
    s: Session,
    issuer: Issuer,
    *,
    reservation_id: int,
    beneficiary: str,
    purpose: str,
    now: datetime,
    order_id: str | None = None,
    footprint_mass_g: int | None = None,
    judicial: bool = False,
    user_id: int | None = None,
    organisation_id: int | None = None,
) -> Certificate:
    """Number, describe and sign the retirement of `reservation_id` for its owner (a person or
    an organisation), and publish `CertificateIssued`; the caller commits."""
    year = china_date(now).year
    seq, number = next_number(s, year)
    credits = credit_lines(s, reservation_id)
    mass = sum(line["mass_g"] for line in credits)
    document = {
        "v": DOCUMENT_VERSION,
        "number": number,
        "beneficiary": beneficiary,
        "purpose": purpose,
        "footprint_mass_g": footprint_mass_g,
        "mass_g": mass,
        "issued_at": now.isoformat(),
        "issuer": issuer.name,
        "sandbox": issuer.sandbox,
        "judicial": judicial,
        "credits": credits,
    }
    cert = Certificate(
        number=number,
        year=year,
        seq=seq,
        order_id=order_id,
        reservation_id=reservation_id,
        beneficiary=beneficiary,
        purpose=purpose,
        footprint_mass_g=footprint_mass_g,
        mass_g=mass,
        issued_at=now,
        document=canonical(document).decode(),
        key_id=issuer.keyring.active.kid,
        judicial=judicial,
        revoked_reason="",
        user_id=user_id,
        organisation_id=organisation_id,
        verified_by="",
        verified_for="",
    )
    _, cert.signature = issuer.keyring.sign(canonical(claim(cert)))
    s.add(cert)
    bus.publish(
        s,
        CertificateIssued(
            number=number,
            order_id=order_id,
            user_id=user_id,
            organisation_id=organisation_id,
            mass_g=mass,
            beneficiary=beneficiary,
            purpose=purpose,
            judicial=judicial,
            issued_at=now.isoformat(),
        ),
    )
    return cert
