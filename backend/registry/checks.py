"""`flask registry check`: every registry invariant, verified from the rows themselves. Units in
the market's escrow or the pledge custody account (registry/moves.py) are replayed like any
others: their transfers name both participants."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from backend.credits.models import Lot
from backend.registry.models import (
    Holding,
    Issuance,
    MonitoringReport,
    ReportState,
    SerialCounter,
    Transfer,
    TransferKind,
)

Blocks = list[tuple[int, int]]
Held = dict[tuple[int, int], Blocks]  # (participant, issuance) -> unit blocks


def _take(blocks: Blocks, first: int, last: int) -> Blocks | None:
    """`blocks` without units first..last, or None if they are not all in one block."""
    for i, (a, b) in enumerate(blocks):
        if a <= first and last <= b:
            rest = [(a, first - 1)] if a < first else []
            rest += [(last + 1, b)] if last < b else []
            return blocks[:i] + rest + blocks[i + 1 :]
    return None


def _reports(s: Session) -> list[str]:
    out: list[str] = []
    issued = dict(
        s.execute(
            select(
                Issuance.report_id, func.sum(Issuance.last_unit - Issuance.first_unit + 1)
            ).group_by(Issuance.report_id)
        ).all()
    )
    for r in s.scalars(select(MonitoringReport).order_by(MonitoringReport.id)):
        total = int(issued.get(r.id) or 0)
        if r.issued_t != total:
            out.append(f"report {r.id}: issued_t {r.issued_t} but its issuances hold {total} t")
        if total and r.state != ReportState.verified:
            out.append(f"report {r.id}: issued from while {r.state.value}")
        if total > (r.verified_t or 0):
            out.append(f"report {r.id}: {total} t issued, {r.verified_t or 0} t verified")
    return out


def _overlaps(s: Session, model: type[Issuance] | type[Holding], name: str) -> list[str]:
    other = aliased(model)
    rows = s.execute(
        select(model.id, other.id).where(
            model.standard == other.standard,
            model.id < other.id,
            model.first_unit <= other.last_unit,
            other.first_unit <= model.last_unit,
        )
    ).all()
    return [f"{name} {a} and {b} share units" for a, b in rows]


def _replayed(s: Session, issuances: dict[int, Issuance], out: list[str]) -> Held:
    """The blocks each participant should hold of each issuance, from the transfers alone."""
    expected: Held = defaultdict(list)
    for t in s.scalars(select(Transfer).order_by(Transfer.id)):
        i = issuances[t.issuance_id]
        if not (i.first_unit <= t.first_unit and t.last_unit <= i.last_unit):
            out.append(f"transfer {t.id}: units outside issuance {i.id}")
        elif t.kind == TransferKind.issuance and t.to_participant_id is not None:
            if (t.first_unit, t.last_unit) != (i.first_unit, i.last_unit):
                out.append(f"transfer {t.id}: issues other units than issuance {i.id}")
            expected[(t.to_participant_id, i.id)].append((t.first_unit, t.last_unit))
        elif t.from_participant_id is not None:
            key = (t.from_participant_id, i.id)
            rest = _take(expected[key], t.first_unit, t.last_unit)
            if rest is None:
                out.append(f"transfer {t.id}: moves units participant {key[0]} did not hold")
                continue
            expected[key] = rest
            if t.to_participant_id is not None:  # between participants (moves.py)
                expected[(t.to_participant_id, i.id)].append((t.first_unit, t.last_unit))
                continue
            lot = s.get(Lot, t.lot_id)
            held_by_lot = lot and (lot.first_unit, lot.last_unit, lot.registry_issuance_id)
            if held_by_lot != (t.first_unit, t.last_unit, i.id):
                out.append(f"transfer {t.id}: lot {t.lot_id} does not hold its units")
    return expected


def _replay(s: Session) -> list[str]:
    """Replaying the transfers of each issuance gives exactly its holdings and lots."""
    out: list[str] = []
    issuances = {i.id: i for i in s.scalars(select(Issuance))}
    expected = _replayed(s, issuances, out)
    actual: Held = defaultdict(list)
    for h in s.scalars(select(Holding)):
        if h.standard != issuances[h.issuance_id].standard:
            out.append(f"holding {h.id}: standard differs from its issuance")
        actual[(h.participant_id, h.issuance_id)].append((h.first_unit, h.last_unit))
    for key in sorted(set(expected) | set(actual)):
        want, have = _merged(expected.get(key, [])), _merged(actual.get(key, []))
        if want != have:
            out.append(
                f"participant {key[0]}, issuance {key[1]}: holds {have} but transfers give {want}"
            )
    linked = s.scalars(select(Lot.id).where(Lot.registry_issuance_id.is_not(None))).all()
    moved = set(s.scalars(select(Transfer.lot_id).where(Transfer.lot_id.is_not(None))))
    out += [
        f"lot {n}: linked to an issuance but no transfer made it" for n in linked if n not in moved
    ]
    return out


def _merged(blocks: Blocks) -> Blocks:
    out: Blocks = []
    for a, b in sorted(blocks):
        if out and out[-1][1] + 1 == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _counters(s: Session) -> list[str]:
    out = []
    for c in s.scalars(select(SerialCounter)):
        top = s.scalar(select(func.max(Issuance.last_unit)).where(Issuance.standard == c.standard))
        if top is not None and top > c.last_unit:
            out.append(f"serial counter {c.standard}: {c.last_unit} below issued unit {top}")
    return out


def violations(s: Session) -> list[str]:
    """Human-readable violations; an empty list means the registry is sound."""
    return [
        *_reports(s),
        *_overlaps(s, Issuance, "issuances"),
        *_overlaps(s, Holding, "holdings"),
        *_replay(s),
        *_counters(s),
    ]
