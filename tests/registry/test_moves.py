"""Units moved between participants (registry/moves.py): a block taken from the middle of a
holding splits it, the escrow account is made once, and the replayed transfers still give the
holdings (`flask registry check`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from backend.core.errors import Conflict
from backend.registry import checks, moves
from backend.registry.models import Holding, TransferKind
from tests.registry.conftest import issue, verified_report


def _holding(client, owner, operator, db_session) -> Holding:
    _, rid = verified_report(client, owner, operator, verified_t=100)
    assert issue(client, operator, rid, 100).status_code == 201
    return db_session.scalars(
        select(Holding).where(Holding.participant_id == owner.participant_id)
    ).one()


def _blocks(s, participant_id: int) -> list[tuple[int, int]]:
    rows = s.execute(
        select(Holding.first_unit, Holding.last_unit)
        .where(Holding.participant_id == participant_id)
        .order_by(Holding.first_unit)
    )
    return [(a, b) for a, b in rows]


def test_a_block_from_the_middle_splits_the_holding_and_comes_back(
    client, owner, operator, db_session
):
    h = _holding(client, owner, operator, db_session)
    first = h.first_unit
    escrow = moves.escrow_id(db_session)
    assert moves.escrow_id(db_session) == escrow  # made once
    moves.move(
        db_session,
        TransferKind.escrow,
        issuance_id=h.issuance_id,
        from_participant_id=owner.participant_id,
        to_participant_id=escrow,
        first_unit=first + 10,
        last_unit=first + 19,
        by_id=None,
    )
    assert _blocks(db_session, owner.participant_id) == [
        (first, first + 9),
        (first + 20, first + 99),
    ]
    assert _blocks(db_session, escrow) == [(first + 10, first + 19)]
    assert checks.violations(db_session) == []
    with pytest.raises(Conflict):  # not held by the escrow any more
        moves.move(
            db_session,
            TransferKind.release,
            issuance_id=h.issuance_id,
            from_participant_id=escrow,
            to_participant_id=owner.participant_id,
            first_unit=first,
            last_unit=first + 19,
            by_id=None,
        )
    moves.move(
        db_session,
        TransferKind.release,
        issuance_id=h.issuance_id,
        from_participant_id=escrow,
        to_participant_id=owner.participant_id,
        first_unit=first + 10,
        last_unit=first + 19,
        by_id=None,
    )
    assert _blocks(db_session, escrow) == []
    assert sum(b - a + 1 for a, b in _blocks(db_session, owner.participant_id)) == 100
    assert checks.violations(db_session) == []


def test_a_transfer_between_participants_names_two_of_them(client, owner, operator, db_session):
    h = _holding(client, owner, operator, db_session)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text(
                "INSERT INTO registry_transfers (kind, issuance_id, from_participant_id,"
                " to_participant_id, first_unit, last_unit, at)"
                " VALUES ('trade', :i, :p, :p, :a, :a, CURRENT_TIMESTAMP)"
            ),
            {"i": h.issuance_id, "p": owner.participant_id, "a": h.first_unit},
        )
