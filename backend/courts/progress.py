"""How far a case is: what each defendant owes, has bought and has had verified."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.certificates.models import Certificate
from backend.courts.models import CourtCase, CourtOrder, MassBasis, Verification
from backend.orders.models import LIVE, Order


@dataclass(frozen=True)
class Purchase:
    order_id: str
    status: str
    mass_g: int
    certificate_number: str | None


@dataclass
class Progress:
    """Grams by defendant id: bought in live orders, and verified."""

    case: CourtCase
    purchases: dict[int, list[Purchase]] = field(default_factory=lambda: defaultdict(list))
    verified: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def required_g(self) -> int:
        """The case's whole requirement."""
        if self.case.mass_basis == MassBasis.total:
            return self.case.mass_g
        return self.case.mass_g * len(self.case.defendants)

    @property
    def verified_g(self) -> int:
        return sum(self.verified.values())

    def bought_g(self, defendant_id: int | None = None) -> int:
        """Grams in live orders (awaiting payment, paid or retired), of one defendant or all."""
        ids = list(self.purchases) if defendant_id is None else [defendant_id]
        return sum(p.mass_g for i in ids for p in self.purchases[i] if p.status in LIVE)

    def remaining_to_buy(self, defendant_id: int) -> int:
        """What a defendant's link may still buy: their own share, or the case's remainder."""
        if self.case.mass_basis == MassBasis.total:
            return max(0, self.case.mass_g - self.bought_g())
        return max(0, self.case.mass_g - self.bought_g(defendant_id))

    @property
    def met(self) -> bool:
        """The verified mass covers the requirement (per defendant, or in total)."""
        if self.case.mass_basis == MassBasis.total:
            return self.verified_g >= self.case.mass_g
        return all(self.verified[d.id] >= self.case.mass_g for d in self.case.defendants)


def of(s: Session, case: CourtCase) -> Progress:
    """The progress of a case, read in two queries."""
    progress = Progress(case)
    rows = s.execute(
        select(CourtOrder.defendant_id, Order.id, Order.status, Order.mass_g, Certificate.number)
        .join(Order, Order.id == CourtOrder.order_id)
        .outerjoin(Certificate, Certificate.order_id == Order.id)
        .where(CourtOrder.case_id == case.id)
        .order_by(Order.created_at, Order.id)
    )
    for defendant_id, order_id, status, mass_g, number in rows:
        progress.purchases[defendant_id].append(Purchase(order_id, str(status), mass_g, number))
    for defendant_id, grams in s.execute(
        select(Verification.defendant_id, func.sum(Verification.mass_g))
        .where(Verification.case_id == case.id)
        .group_by(Verification.defendant_id)
    ):
        progress.verified[defendant_id] = int(grams)
    return progress
