"""A defendant's purchase: the public link shows what to buy; a signed-in person (the defendant
or their family) orders it through the normal order flow, with the case as purpose, the
defendant as beneficiary and the case's eligible credits forced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.accounts import consent
from backend.accounts.legal import Document
from backend.accounts.principal import Principal
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.messages import Coded
from backend.courts import audit, counting, eligibility
from backend.courts.cases import today
from backend.courts.models import CaseStatus, CourtCase, CourtOrder, Defendant
from backend.courts.progress import Progress
from backend.courts.progress import of as progress_of
from backend.courts.states import status_name
from backend.credits import inventory
from backend.footprint.purpose import Purpose, PurposeKind
from backend.idempotency.store import Claim
from backend.orders import pricing
from backend.orders import services as orders
from backend.orders.models import Order
from backend.payments.provider import Payer, PaymentProvider

NO_PAYER = Payer()  # the way to pay chosen by the provider alone


class PurchaseClosed(Conflict):
    slug, title = "purchase-closed", "This purchase link no longer sells"


@dataclass(frozen=True)
class Offer:
    """What a defendant's link shows: their case, what is left to buy, and its price now."""

    defendant: Defendant
    case: CourtCase
    progress: Progress
    remaining_g: int
    closed_because: Coded | None
    quote: inventory.Quote[Any] | None
    price: pricing.Price | None


def find(s: Session, token: str) -> Defendant:
    """The defendant of a purchase token; 404 for an unknown one."""
    found = s.scalar(
        select(Defendant)
        .where(Defendant.token == token)
        .options(selectinload(Defendant.case).selectinload(CourtCase.defendants))
    )
    if found is None:
        raise NotFound("courts.no_purchase_link")
    return found


def purpose(case: CourtCase) -> Purpose:
    """The purpose written on the order and its certificate: restoration, in this case."""
    return Purpose(PurposeKind.restoration, case.number)


def _closed_because(case: CourtCase, remaining_g: int) -> Coded | None:
    if case.status != CaseStatus.open:
        return Coded("courts.closed_case", status=status_name(case.status))
    if today() > case.deadline:
        return Coded("courts.closed_deadline", deadline=case.deadline.isoformat())
    if remaining_g == 0:
        return Coded("courts.closed_bought")
    return None


def offer(s: Session, token: str, fee_bps: int) -> Offer:
    """The public view of a link, with a price quote when the stock covers what is left."""
    d = find(s, token)
    progress = progress_of(s, d.case)
    remaining = progress.remaining_to_buy(d.id)
    closed = _closed_because(d.case, remaining)
    quote = price = None
    if closed is None:
        try:
            quote = inventory.quote(s, eligibility.preferences(d.case.eligible), remaining)
            price = pricing.price(quote.amount_fen, fee_bps)
        except inventory.InsufficientInventory:
            pass  # shown as no quote: the platform must restock eligible credits
    return Offer(d, d.case, progress, remaining, closed, quote, price)


def order(
    s: Session,
    who: Principal,
    token: str,
    mass_g: int | None,
    provider: PaymentProvider,
    settings: orders.OrderSettings,
    claim: Claim | None = None,
    payer: Payer = NO_PAYER,
) -> Order:
    """Order the defendant's restoration through the normal order flow (judicial, for the
    case's eligible credits). The order, its link to the defendant and the grams it adds to
    what was ordered are written in one transaction; the database refuses grams beyond what
    the defendant (or the case) still needs, however many people order at once. The buyer's
    separate consent to judicial information (PIPL art. 29) comes first: the order and its
    certificate tie their account to a criminal case. The way to pay (`payer`) is settled
    before anything is written, as for any order."""
    d = find(s, token)
    if claim is not None and claim.resource_id is not None:  # a retry after a crash
        resumed = orders.OrderRequest(
            beneficiary=d.name, judicial=True, channel=payer.channel, openid=payer.openid
        )
        return orders.create(
            s, who, resumed, provider, settings, claim, user_agent=payer.user_agent, ip=payer.ip
        )
    payer = orders.settle_payer(s, who, provider, settings, payer)
    user = who.require_user()
    consent.require(s, user.id, Document.judicial)
    case = d.case
    remaining = progress_of(s, case).remaining_to_buy(d.id)
    closed = _closed_because(case, remaining)
    if closed is not None:
        raise PurchaseClosed(closed.code, params=closed.params, remaining_g=remaining)
    if mass_g is not None and mass_g > remaining:
        raise ValidationFailed("mass_g", "courts.mass_over_remaining", remaining=remaining)
    request = orders.OrderRequest(
        mass_g=mass_g or remaining,
        beneficiary=d.name,
        purpose=purpose(case),
        preferences=case.eligible,
        note=f"court case {case.id}, defendant {d.position}",
        judicial=True,
    )
    placed = orders.place(s, who, request, provider, settings)
    s.add(CourtOrder(order_id=placed.id, defendant_id=d.id, case_id=d.case_id, counted=False))
    s.flush()
    counting.count(s, placed.id, placed.mass_g)
    audit.record(
        s,
        "purchase.ordered",
        court_id=case.court_id,
        case_id=d.case_id,
        actor_id=user.id,
        at=placed.created_at,
        order_id=placed.id,
        defendant=d.position,
        mass_g=placed.mass_g,
        amount=placed.amount,
    )
    return orders.start_payment(s, placed, provider, claim, payer)
