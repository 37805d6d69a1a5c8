"""Courts, cases, purchases and audit entries as the API shows them (plain dicts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.courts import links, provinces
from backend.courts.models import AuditEntry, Court, CourtCase, MassBasis, Verification
from backend.courts.progress import of as progress_of
from backend.courts.purchases import Offer


def court(c: Court) -> dict[str, Any]:
    org = c.organisation
    return {
        "id": c.organisation_id,
        "name": org.name,
        "level": org.court_level,
        "parent_id": org.parent_id,
        "province": c.province,
        "province_name": provinces.name(c.province),
        "created_at": c.created_at,
    }


def _people(s: Session, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {uid: {"id": uid, "display_name": name} for uid, name in rows}


def case(s: Session, c: CourtCase, base_url: str) -> dict[str, Any]:
    """A case for court staff: defendants (with their links), purchases and verifications."""
    progress = progress_of(s, c)
    checks = list(
        s.scalars(
            select(Verification).where(Verification.case_id == c.id).order_by(Verification.id)
        )
    )
    people = _people(s, [v.verified_by_id for v in checks])
    per_defendant = c.mass_basis == MassBasis.per_defendant
    return {
        "id": c.id,
        "court": {"id": c.court_id, "name": c.court.organisation.name},
        "number": c.number,
        "offence": c.offence,
        "site": {
            "place": c.site_place,
            "province": c.site_province,
            "province_name": provinces.name(c.site_province),
        },
        "mass_g": c.mass_g,
        "mass_basis": c.mass_basis,
        "required_g": progress.required_g,
        "verified_g": progress.verified_g,
        "eligible": c.eligible,
        "deadline": c.deadline,
        "status": c.status,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "fulfilled_at": c.fulfilled_at,
        "closed_at": c.closed_at,
        "closed_reason": c.closed_reason,
        "defendants": [
            {
                "id": d.id,
                "position": d.position,
                "name": d.name,
                "phone": d.phone,
                "required_g": c.mass_g if per_defendant else None,
                "bought_g": progress.bought_g(d.id),
                "verified_g": progress.verified[d.id],
                "purchase_url": links.purchase_url(base_url, d.token),
                "qr_url": f"/api/v1/court-cases/{c.id}/defendants/{d.id}/qr.png",
                "orders": [vars(p) for p in progress.purchases[d.id]],
            }
            for d in c.defendants
        ],
        "verifications": [verification(v, people) for v in checks],
    }


def verification(v: Verification, people: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "certificate_number": v.certificate_number,
        "defendant_id": v.defendant_id,
        "mass_g": v.mass_g,
        "verified_by": people.get(v.verified_by_id),
        "verified_at": v.verified_at,
    }


def verification_of(s: Session, v: Verification) -> dict[str, Any]:
    return verification(v, _people(s, [v.verified_by_id]))


def offer(o: Offer) -> dict[str, Any]:
    """The public view of a purchase link: this defendant only, no phone numbers."""
    quote = None
    if o.quote is not None and o.price is not None:
        quote = {
            "mass_g": o.quote.mass_g,
            "credits_amount": o.price.credits,
            "fee_amount": o.price.fee,
            "amount": o.price.total,
            "currency": "CNY",
            "lines": [
                {
                    "project_name_zh": line.lot.project.name_zh,
                    "project_name_en": line.lot.project.name_en,
                    "standard": line.lot.standard,
                    "project_type": line.lot.project.type,
                    "province": line.lot.project.province,
                    "vintage": line.lot.vintage,
                    "mass_g": line.mass_g,
                }
                for line in o.quote.lines
            ],
        }
    per_defendant = o.case.mass_basis == MassBasis.per_defendant
    return {
        "case_number": o.case.number,
        "court": o.case.court.organisation.name,
        "site": {
            "place": o.case.site_place,
            "province": o.case.site_province,
            "province_name": provinces.name(o.case.site_province),
        },
        "defendant": o.defendant.name,
        "mass_basis": o.case.mass_basis,
        "required_g": o.case.mass_g,
        "bought_g": o.progress.bought_g(o.defendant.id if per_defendant else None),
        "remaining_g": o.remaining_g,
        "deadline": o.case.deadline,
        "case_status": o.case.status,
        "open": o.closed_because is None,
        "closed_because": o.closed_because,
        "eligible": o.case.eligible,
        "quote": quote,
    }


def audit_entries(s: Session, entries: Iterable[AuditEntry]) -> list[dict[str, Any]]:
    items = list(entries)
    people = _people(s, [e.actor_id for e in items])
    return [
        {
            "id": e.id,
            "action": e.action,
            "actor": people.get(e.actor_id) if e.actor_id is not None else None,
            "at": e.at,
            "details": e.details,
        }
        for e in items
    ]
