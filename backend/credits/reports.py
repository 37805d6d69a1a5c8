"""Operator totals: grams by standard, project type, province and month (China's months)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.clock import month_sql
from backend.credits.models import Allocation, Lot, Project, Unit


@dataclass(frozen=True)
class Grams:
    available_g: int
    reserved_g: int
    allocated_g: int


@dataclass(frozen=True)
class Totals:
    """TotalsSchema: the inventory's grams by standard, type and province, and what was
    allocated by month (China's months) and standard."""

    by_standard: dict[str, Grams]
    by_type: dict[str, Grams]
    by_province: dict[str, Grams]
    allocated_by_month: dict[str, dict[str, int]]


def totals(s: Session) -> Totals:
    """Inventory by standard, type and province (available, reserved, allocated grams), and
    allocated grams by month."""
    out: dict[str, dict[str, Grams]] = {}
    sums = (func.sum(Lot.available_g), func.sum(Lot.reserved_g), func.sum(Lot.allocated_g))
    for name, key in (
        ("by_standard", Lot.standard),
        ("by_type", Project.type),
        ("by_province", func.coalesce(Project.province, Project.country)),
    ):
        rows = s.execute(select(key, *sums).join(Project).group_by(key).order_by(key))
        out[name] = {
            str(getattr(k, "value", k)): Grams(int(a), int(r), int(al)) for k, a, r, al in rows
        }
    period = month_sql(s, Allocation.created_at)
    month_rows = s.execute(
        select(period, Lot.standard, func.sum(Allocation.gram_end - Allocation.gram_start))
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .group_by(period, Lot.standard)
        .order_by(period, Lot.standard)
    )
    by_month: dict[str, dict[str, int]] = {}
    for m, std, g in month_rows:
        by_month.setdefault(str(m), {})[str(getattr(std, "value", std))] = int(g)
    return Totals(allocated_by_month=by_month, **out)
