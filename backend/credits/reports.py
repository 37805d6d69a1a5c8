"""Operator totals: grams by standard, project type, province and month (China's months)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.clock import month_sql
from backend.credits.models import Allocation, Lot, Project, Unit


def totals(s: Session) -> dict[str, Any]:
    """Inventory by standard, type and province (available, reserved, allocated grams), and
    allocated grams by month."""
    out: dict[str, Any] = {}
    sums = (func.sum(Lot.available_g), func.sum(Lot.reserved_g), func.sum(Lot.allocated_g))
    for name, key in (
        ("by_standard", Lot.standard),
        ("by_type", Project.type),
        ("by_province", func.coalesce(Project.province, Project.country)),
    ):
        rows = s.execute(select(key, *sums).join(Project).group_by(key).order_by(key))
        out[name] = {
            str(getattr(k, "value", k)): {
                "available_g": int(a),
                "reserved_g": int(r),
                "allocated_g": int(al),
            }
            for k, a, r, al in rows
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
    out["allocated_by_month"] = by_month
    return out
