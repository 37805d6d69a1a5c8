"""Certificate use cases: read, verify, revoke, and the public ledger and statistics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.certificates import issuing
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate
from backend.certificates.signing import canonical, unb64url
from backend.certificates.view import CertificateStatus, CertificateView, CreditLine, RegistryStatus
from backend.core import cursors
from backend.core.clock import china_date, month_sql, utcnow
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.credits.models import Allocation, Lot, Project, RegistryRetirement, Unit
from backend.orders.models import Order
from backend.points.models import Redemption

MAX_PAGE = 100


class RegistryRetired(Conflict):
    slug, title = "registry-retired", "Retired at the registry"


def listing(
    s: Session,
    who: Principal,
    *,
    organisation_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Certificate], str | None]:
    """My certificates (my orders and point redemptions), or an organisation's (its admins, its
    API key with `certificates:read`, operators); newest first."""
    q = select(Certificate).outerjoin(Order, Order.id == Certificate.order_id)
    if who.api_key is not None:
        who.authorize_org(who.api_key.organisation_id, scope="certificates:read")
        q = q.where(Order.organisation_id == who.api_key.organisation_id)
    elif organisation_id is not None:
        who.authorize_org(organisation_id, roles=[Role.admin])
        q = q.where(Order.organisation_id == organisation_id)
    else:
        me = who.require_user().id
        redeemed = select(Redemption.reservation_id).where(Redemption.user_id == me)
        q = q.where(or_(Order.user_id == me, Certificate.reservation_id.in_(redeemed)))
    return cursors.newest_first(s, q, Certificate.issued_at, Certificate.number, limit, cursor)


def get(s: Session, number: str) -> Certificate:
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        raise NotFound("No such certificate.")
    return cert


def document(cert: Certificate) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(cert.document)
    return parsed


def registry(s: Session, reservation_ids: Sequence[int]) -> dict[tuple[int, int], list[Any]]:
    """Per (reservation, lot): [units, units retired at the registry, registry references]."""
    rows = s.execute(
        select(
            Allocation.reservation_id,
            Unit.lot_id,
            func.count(func.distinct(Unit.id)),
            func.count(func.distinct(Unit.retirement_id)),
            RegistryRetirement.registry_ref,
        )
        .join(Unit, Unit.id == Allocation.unit_id)
        .outerjoin(RegistryRetirement, RegistryRetirement.id == Unit.retirement_id)
        .where(Allocation.reservation_id.in_(reservation_ids))
        .group_by(Allocation.reservation_id, Unit.lot_id, RegistryRetirement.registry_ref)
    ).all()
    out: dict[tuple[int, int], list[Any]] = {}
    for rid, lot_id, units, _, ref in rows:
        entry = out.setdefault((rid, lot_id), [0, 0, []])
        entry[0] += units
        if ref is not None:
            entry[1] += units
            entry[2].append(ref)
    return out


def view(s: Session, issuer: Issuer, cert: Certificate) -> CertificateView:
    """What the PNG, the JSON and the verify page show, with live registry status."""
    doc = document(cert)
    status = registry(s, [cert.reservation_id])
    lines = []
    for c in doc["credits"]:
        units, retired, refs = status.get((cert.reservation_id, c["lot_id"]), [0, 0, []])
        done = units > 0 and retired == units
        serials = (
            str(c["first_serial"])
            if c["first_serial"] == c["last_serial"]
            else f"{c['first_serial']}–{c['last_serial']}"
        )
        lines.append(
            CreditLine(
                standard=c["standard"],
                project_name_zh=c["project_name_zh"],
                project_name_en=c["project_name_en"],
                project_type=c["project_type"],
                province=c["province"],
                vintage=c["vintage"],
                serials=serials,
                mass_g=c["mass_g"],
                registry_status=RegistryStatus.retired if done else RegistryStatus.pending,
                registry_ref=", ".join(sorted(set(refs))) or None,
            )
        )
    return CertificateView(
        number=cert.number,
        status=CertificateStatus(cert.status),
        beneficiary=cert.beneficiary,
        purpose=cert.purpose,
        footprint_mass_g=cert.footprint_mass_g,
        mass_g=cert.mass_g,
        issued_on=china_date(cert.issued_at),
        issuer=doc["issuer"],
        credits=tuple(lines),
        verify_url=issuing.verify_url(issuer, cert),
        judicial=cert.judicial,
        sandbox=bool(doc.get("sandbox")),
    )


@dataclass(frozen=True)
class Verdict:
    outcome: str  # valid, revoked, forged, unknown
    certificate: Certificate | None = None


def verify(
    s: Session,
    issuer: Issuer,
    number: str,
    presented_claim: str | None = None,
    presented_signature: str | None = None,
) -> Verdict:
    """Check a certificate, and a QR's claim and signature when given, against our record."""
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        return Verdict("unknown")
    expected = canonical(issuing.claim(cert))
    if not issuer.keyring.verify(cert.key_id, expected, cert.signature):
        return Verdict("forged", cert)  # our own record no longer matches its signature
    if presented_claim is not None or presented_signature is not None:
        try:
            presented = unb64url(presented_claim or "")
        except ValueError:
            return Verdict("forged", cert)
        if presented != expected or presented_signature != cert.signature:
            return Verdict("forged", cert)
    if cert.status == CertificateStatus.revoked:
        return Verdict("revoked", cert)
    return Verdict("valid", cert)


def revoke(
    s: Session, number: str, reason: str, by_user_id: int | None, now: datetime | None = None
) -> Certificate:
    """Revoke while no unit is retired at the registry (that is never undone); again: no effect.

    The grams stay allocated: they are not sold a second time. The caller commits.
    """
    cert = s.scalar(select(Certificate).where(Certificate.number == number).with_for_update())
    if cert is None:
        raise NotFound("No such certificate.")
    if cert.status == CertificateStatus.revoked:
        return cert
    retired = s.scalar(
        select(func.count())
        .select_from(Allocation)
        .join(Unit, Unit.id == Allocation.unit_id)
        .where(Allocation.reservation_id == cert.reservation_id, Unit.retirement_id.is_not(None))
    )
    if retired:
        raise RegistryRetired(
            "Its credits are retired at the registry; a registry retirement is never undone."
        )
    cert.status, cert.revoked_at = CertificateStatus.revoked, now or utcnow()
    cert.revoked_reason, cert.revoked_by = reason[:300], by_user_id
    return cert


def ledger(
    s: Session, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Every retirement, newest first, with its certificate number and the serial units and
    grams it took. Names are left out: a certificate is traced by its number."""
    q = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if cursor:
        at, raw_id = cursors.decode(cursor)
        if not raw_id.isdigit():
            raise ValidationFailed("cursor", "Not a cursor from this API.")
        cid = int(raw_id)
        q = q.where(
            or_(
                Certificate.issued_at < at,
                and_(Certificate.issued_at == at, Certificate.id < cid),
            )
        )
    certs = list(s.scalars(q.limit(limit + 1)))
    more, certs = len(certs) > limit, certs[:limit]
    units = s.execute(
        select(
            Allocation.reservation_id,
            Lot.id,
            Lot.standard,
            Lot.vintage,
            Project.registry_id,
            Project.name_en,
            Unit.serial,
            Allocation.gram_start,
            Allocation.gram_end,
            RegistryRetirement.registry_ref,
        )
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .outerjoin(RegistryRetirement, RegistryRetirement.id == Unit.retirement_id)
        .where(Allocation.reservation_id.in_([c.reservation_id for c in certs]))
        .order_by(Lot.id, Unit.serial)
    ).all()
    by_reservation: dict[int, list[dict[str, Any]]] = {}
    for rid, lot_id, std, vintage, reg_id, name, serial, g0, g1, ref in units:
        by_reservation.setdefault(rid, []).append(
            {
                "lot_id": lot_id,
                "standard": str(std),
                "vintage": vintage,
                "project_registry_id": reg_id,
                "project_name_en": name,
                "serial": serial,
                "gram_start": g0,
                "gram_end": g1,
                "registry_ref": ref,
            }
        )
    items = [
        {
            "certificate_number": c.number,
            "issued_at": c.issued_at,
            "mass_g": c.mass_g,
            "status": c.status.value,
            "units": by_reservation.get(c.reservation_id, []),
        }
        for c in certs
    ]
    return items, cursors.encode(certs[-1].issued_at, certs[-1].id) if more else None


def stats(s: Session) -> dict[str, Any]:
    """Public figures from valid certificates: how many, and grams by standard, project type,
    province and month (the 点点 report's tables)."""
    valid = Certificate.status == CertificateStatus.valid
    count, total = s.execute(
        select(func.count(), func.coalesce(func.sum(Certificate.mass_g), 0)).where(valid)
    ).one()
    grams = func.sum(Allocation.gram_end - Allocation.gram_start)
    base = (
        select(grams)
        .select_from(Certificate)
        .join(Allocation, Allocation.reservation_id == Certificate.reservation_id)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .where(valid)
    )
    out: dict[str, Any] = {"neutralisations": int(count), "mass_g": int(total)}
    for name, key in (
        ("by_standard", Lot.standard),
        ("by_project_type", Project.type),
        ("by_province", func.coalesce(Project.province, Project.country)),
        ("by_month", month_sql(s, Certificate.issued_at)),
    ):
        rows = s.execute(base.add_columns(key).group_by(key).order_by(key)).all()
        out[name] = [{"key": str(getattr(k, "value", k)), "mass_g": int(g)} for g, k in rows]
    months = month_sql(s, Certificate.issued_at)
    counts = s.execute(
        select(months, func.count()).where(valid).group_by(months).order_by(months)
    ).all()
    out["neutralisations_by_month"] = [{"key": str(m), "count": int(n)} for m, n in counts]
    return out
