"""Courts, cases, purchase links and audit entries as the API shows them: typed views that the
schemas in `schemas.py` dump (court staff see defendants' names and links; the public offer
shows one defendant and no phone numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import messages, provinces
from backend.core.lang import Lang
from backend.courts import links
from backend.courts.models import AuditEntry, CourtCase, MassBasis, Verification
from backend.courts.progress import Progress, Purchase
from backend.courts.progress import of as progress_of
from backend.courts.purchases import Offer
from backend.credits.inventory import Quote
from backend.credits.models import Lot
from backend.orders.pricing import Price


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str


@dataclass(frozen=True)
class Site:
    place: str
    province: str

    @property
    def province_name(self) -> str:
        return provinces.name(self.province)


@dataclass(frozen=True)
class DefendantView:
    id: int
    position: int
    name: str
    phone: str | None
    required_g: int | None
    bought_g: int
    verified_g: int
    purchase_url: str
    qr_url: str
    orders: Sequence[Purchase]


@dataclass(frozen=True)
class VerificationView:
    certificate_number: str
    defendant_id: int
    mass_g: int
    verified_by: Person | None
    verified_at: datetime


@dataclass(frozen=True)
class CaseView:
    """A case for its court's staff (CaseSchema): the case row, and what was bought and
    verified for it."""

    case: CourtCase
    site: Site
    required_g: int
    verified_g: int
    defendants: Sequence[DefendantView]
    verifications: Sequence[VerificationView]


@dataclass(frozen=True)
class CasePage:
    items: list[CaseView]
    next_cursor: str | None


@dataclass(frozen=True)
class AuditItem:
    id: int
    action: str
    actor: Person | None
    at: datetime
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditItem]


def _people(s: Session, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {uid: Person(uid, name) for uid, name in rows}


def site(c: CourtCase) -> Site:
    return Site(c.site_place, c.site_province)


def case(s: Session, c: CourtCase, base_url: str) -> CaseView:
    """A case with its defendants (and their links), purchases and verifications."""
    progress = progress_of(s, c)
    checks = list(
        s.scalars(
            select(Verification).where(Verification.case_id == c.id).order_by(Verification.id)
        )
    )
    people = _people(s, [v.verified_by_id for v in checks])
    return CaseView(
        case=c,
        site=site(c),
        required_g=progress.required_g,
        verified_g=progress.verified_g,
        defendants=[_defendant(c, d, progress, base_url) for d in c.defendants],
        verifications=[_verification(v, people) for v in checks],
    )


def _defendant(c: CourtCase, d: Any, progress: Progress, base_url: str) -> DefendantView:
    return DefendantView(
        id=d.id,
        position=d.position,
        name=d.name,
        phone=d.phone,
        required_g=c.mass_g if c.mass_basis == MassBasis.per_defendant else None,
        bought_g=progress.bought_g(d.id),
        verified_g=progress.verified[d.id],
        purchase_url=links.purchase_url(base_url, d.token),
        qr_url=f"/api/v1/court-cases/{c.id}/defendants/{d.id}/qr.png",
        orders=progress.purchases[d.id],
    )


def _verification(v: Verification, people: dict[int, Person]) -> VerificationView:
    return VerificationView(
        v.certificate_number, v.defendant_id, v.mass_g, people.get(v.verified_by_id), v.verified_at
    )


def verification(s: Session, v: Verification) -> VerificationView:
    return _verification(v, _people(s, [v.verified_by_id]))


def audit(s: Session, entries: Iterable[AuditEntry]) -> AuditPage:
    items = list(entries)
    people = _people(s, [e.actor_id for e in items])
    return AuditPage(
        [
            AuditItem(
                e.id, e.action, people.get(e.actor_id) if e.actor_id else None, e.at, e.details
            )
            for e in items
        ]
    )


@dataclass(frozen=True)
class QuoteView:
    """What what is left would cost now (PurchaseQuoteSchema)."""

    quote: Quote[Lot]
    price: Price
    currency: str = "CNY"


@dataclass(frozen=True)
class OfferView:
    """The public view of a purchase link (OfferSchema): this defendant only, no phones."""

    offer: Offer
    site: Site
    bought_g: int
    quote: QuoteView | None
    closed_because: str | None  # why it sells nothing now, in the reader's language

    @property
    def open(self) -> bool:
        return self.offer.closed_because is None


def offer(o: Offer, lang: Lang) -> OfferView:
    per_defendant = o.case.mass_basis == MassBasis.per_defendant
    quote = QuoteView(o.quote, o.price) if o.quote is not None and o.price is not None else None
    bought = o.progress.bought_g(o.defendant.id if per_defendant else None)
    why = o.closed_because
    words = messages.text(why.code, why.params, lang) if why is not None else None
    return OfferView(o, site(o.case), bought, quote, words)
