"""Issuing a certificate in the retirement's own transaction: the next number of the year (no
gaps: a rolled-back retirement rolls its number back too), the credits it took, a signature.

Document versions: 1 signed a JSON claim with the UTC date; 2 the same claim with China's date;
3 (every certificate issued now) the compact binary claim of `claims.py`, China's date, so its
QR stays small enough to scan from paper. Older claims are rebuilt as they were signed, so
their certificates, and the QR codes printed on them, still verify.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from backend.certificates import claims
from backend.certificates.events import CertificateIssued
from backend.certificates.models import Certificate, NumberCounter
from backend.certificates.signing import Keyring, b64url, canonical, digest, unb64url
from backend.core.clock import china_date
from backend.core.db import upsert
from backend.core.events import bus
from backend.credits.models import Allocation, Lot, Project, Unit
from backend.footprint.purpose import Purpose

COUNTERS = cast(Table, NumberCounter.__table__)
CERTIFICATES = cast(Table, Certificate.__table__)
PREFIX = claims.PREFIX
DOCUMENT_VERSION = 4  # 4: the purpose structured (kind, name, route)
COMPACT_SINCE = 3  # the first document version signed with the compact claim


@dataclass(frozen=True)
class Issuer:
    """Who signs, under what name, where certificates are verified, and the deadline they
    state for registry retirement."""

    keyring: Keyring
    name: str
    origin: Callable[[], str]  # the public origin now (`core.public_url.base_url`)
    sandbox: bool
    registry_retirement_days: int = 30  # REGISTRY_RETIREMENT_DAYS

    @property
    def base_url(self) -> str:
        """e.g. https://diandian.example: the QR points at {base_url}/verify/…"""
        return self.origin().rstrip("/")


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


def purpose_of(cert: Certificate) -> Purpose:
    """What it was for, as its document states it (text before version 4)."""
    return Purpose.read(json.loads(cert.document)["purpose"])


def document_version(cert: Certificate) -> int:
    version: int = json.loads(cert.document)["v"]
    return version


def issued_on(cert: Certificate) -> date:
    """The date a certificate states: China's (UTC's for version-1 documents)."""
    if document_version(cert) == 1:
        return cert.issued_at.date()
    return china_date(cert.issued_at)


def claim(cert: Certificate) -> dict[str, Any]:
    """The JSON claim that documents of versions 1 and 2 signed (certificate-qr v1)."""
    return {
        "v": 1,
        "n": cert.number,
        "b": cert.beneficiary,
        "m": cert.mass_g,
        "d": issued_on(cert).isoformat(),
        "k": cert.key_id,
        "h": digest(cert.document.encode()),
    }


def compact(cert: Certificate) -> claims.Compact:
    """The compact claim (certificate-qr v2) of a certificate, from its record."""
    return claims.Compact(
        year=cert.year,
        seq=cert.seq,
        mass_g=cert.mass_g,
        issued_on=issued_on(cert),
        key_tag=claims.key_tag(cert.key_id),
        doc_hash=claims.document_hash(cert.document),
    )


def is_compact(cert: Certificate) -> bool:
    return document_version(cert) >= COMPACT_SINCE


def message(cert: Certificate) -> bytes:
    """What the certificate's signature covers, rebuilt from its record."""
    return compact(cert).message() if is_compact(cert) else canonical(claim(cert))


def signature(cert: Certificate) -> bytes:
    return unb64url(cert.signature)


def check_code(cert: Certificate) -> str:
    """The 6 characters printed beside the number, needed to look a certificate up."""
    return claims.check_code(signature(cert))


def verify_url(issuer: Issuer, cert: Certificate) -> str:
    """The QR's content: the verify page, with the signed claim for offline checks."""
    base = issuer.base_url
    if is_compact(cert):
        return f"{base}/verify/{claims.encode(compact(cert), signature(cert))}"
    return f"{base}/verify/{cert.number}?c={b64url(canonical(claim(cert)))}&s={cert.signature}"


def lookup_url(issuer: Issuer, cert: Certificate) -> str:
    """The verify page by number and check code: the link a person types."""
    return f"{issuer.base_url}/verify/{cert.number}?k={check_code(cert)}"


def issue(
    s: Session,
    issuer: Issuer,
    *,
    reservation_id: int,
    beneficiary: str,
    purpose: Purpose,
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
    credits = credit_lines(s, reservation_id)
    # the year's counter is one row every issuance locks until its transaction ends: taken
    # after the credits are read, it is held one round trip less
    seq, number = next_number(s, year)
    mass = sum(line["mass_g"] for line in credits)
    document = {
        "v": DOCUMENT_VERSION,
        "number": number,
        "beneficiary": beneficiary,
        "purpose": purpose.as_dict(),
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
        purpose=purpose.column_text(),
        footprint_mass_g=footprint_mass_g,
        mass_g=mass,
        issued_at=now,
        document=canonical(document).decode(),
        key_id=issuer.keyring.active.kid,
        judicial=judicial,
        revoked_reason="",
        revoked_code="",
        user_id=user_id,
        organisation_id=organisation_id,
        verified_by="",
        verified_for="",
    )
    _, cert.signature = issuer.keyring.sign(message(cert))
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
            purpose=purpose.as_dict(),
            judicial=judicial,
            issued_at=now.isoformat(),
        ),
    )
    return cert
