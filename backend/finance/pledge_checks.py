"""The pledges' invariants, verified from the rows themselves (`flask finance check`): the
registry's pledge custody account holds exactly the units of open pledges (requested or
registered); every pledge's freezing transfer moved its units from the pledgor into custody;
every closed pledge has the transfer that closed it (back to the pledgor when released,
declined or withdrawn; to the pledgee when enforced); an enforced pledge's block-trade sale
offers exactly its units; and its events end in its state."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.finance.pledge_models import OPEN, RETURNED, Pledge, PledgeEvent, PledgeState
from backend.market.models import Deal, Mode
from backend.registry import moves
from backend.registry.models import Holding, Participant, Transfer, TransferKind

Move = tuple[TransferKind, int, int, int, int, int]  # kind, issuance, from, to, first, last


def _custody(s: Session) -> list[str]:
    custody = s.scalar(select(Participant.id).where(Participant.uscc == moves.CUSTODY_USCC))
    held = sorted(
        (int(i), int(a), int(b))
        for i, a, b in s.execute(
            select(Holding.issuance_id, Holding.first_unit, Holding.last_unit).where(
                Holding.participant_id == custody
            )
        )
    )
    pledged = sorted(
        (int(i), int(a), int(b))
        for i, a, b in s.execute(
            select(Pledge.issuance_id, Pledge.first_unit, Pledge.last_unit).where(
                Pledge.state.in_(OPEN)
            )
        )
    )
    if held != pledged:
        return [f"pledge custody holds {held}, open pledges {pledged}"]
    return []


def _move(t: Transfer | None) -> Move | None:
    if t is None:
        return None
    return (
        t.kind,
        t.issuance_id,
        t.from_participant_id or 0,
        t.to_participant_id or 0,
        t.first_unit,
        t.last_unit,
    )


def _pledge(s: Session, p: Pledge, custody: int) -> list[str]:
    out = []
    units = (p.issuance_id,)
    span = (p.first_unit, p.last_unit)
    frozen = (TransferKind.pledge, *units, p.pledgor_id, custody, *span)
    if _move(s.get(Transfer, p.pledge_transfer_id)) != frozen:
        out.append(f"pledge {p.id}: its transfer does not freeze its units")
    closing = _move(s.get(Transfer, p.closing_transfer_id)) if p.closing_transfer_id else None
    want: Move | None = None
    if p.state in RETURNED:
        want = (TransferKind.unpledge, *units, custody, p.pledgor_id, *span)
    elif p.state == PledgeState.enforced:
        want = (TransferKind.enforcement, *units, custody, p.pledgee_id, *span)
    if closing != want:
        out.append(f"pledge {p.id}: {p.state.value} but its closing transfer is {closing}")
    if p.sale_deal_id is not None:
        out += _sale(s, p)
    events = s.scalars(
        select(PledgeEvent).where(PledgeEvent.pledge_id == p.id).order_by(PledgeEvent.id)
    ).all()
    trail = [(e.from_state, e.to_state) for e in events]
    chained = all(a[1] == b[0] for a, b in itertools.pairwise(trail))
    if not trail or trail[0] != (None, PledgeState.requested) or not chained:
        out.append(f"pledge {p.id}: its events {trail} are no chain from its request")
    elif trail[-1][1] != p.state:
        out.append(f"pledge {p.id}: {p.state.value} but its last event says {trail[-1][1]}")
    return out


def _sale(s: Session, p: Pledge) -> list[str]:
    """An enforced pledge's block trade sells exactly its units, by the pledgee."""
    deal = s.get(Deal, p.sale_deal_id)
    if deal is None or (deal.mode, deal.seller_id, deal.issuance_id, deal.quantity_t) != (
        Mode.block,
        p.pledgee_id,
        p.issuance_id,
        p.tonnes,
    ):
        return [f"pledge {p.id}: its sale {p.sale_deal_id} is no block trade of its units"]
    if (deal.escrow_first_unit, deal.escrow_last_unit) != (p.first_unit, p.last_unit):
        return [f"pledge {p.id}: its sale {deal.id} set other units aside"]
    return []


def violations(s: Session) -> list[str]:
    """Human-readable violations of the pledges' invariants; empty means they hold."""
    out = _custody(s)
    custody = s.scalar(select(Participant.id).where(Participant.uscc == moves.CUSTODY_USCC))
    for p in s.scalars(select(Pledge).order_by(Pledge.id)):
        out += _pledge(s, p, custody or 0)
    return out
