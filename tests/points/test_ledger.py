"""The points ledger: double-entry, append-only, never negative, and checked."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from backend.points import ledger
from backend.points.ledger import InsufficientPoints
from backend.points.models import AccountKind, PointAccount, PointTransfer, TransferKind
from tests import factories as f


def test_points_flow_from_issued_through_pending_to_wallet_and_out(db_session):
    f.fund_points(db_session)
    u = f.user(db_session)
    ledger.transfer(db_session, TransferKind.earn, u.id, 500, reference="act_1")
    ledger.transfer(db_session, TransferKind.earn, u.id, 100, reference="act_2")
    ledger.transfer(db_session, TransferKind.reverse, u.id, 100, reference="act_2")
    ledger.transfer(db_session, TransferKind.confirm, u.id, 500, reference="act_1")
    ledger.transfer(db_session, TransferKind.redeem, u.id, 300, reference="red_1")
    ledger.transfer(db_session, TransferKind.expire, u.id, 200)
    db_session.commit()
    assert ledger.balances(db_session, u.id) == ledger.Balances(wallet=0, pending=0)
    assert ledger.violations(db_session) == []


def test_a_spend_beyond_the_balance_is_refused_and_changes_nothing(db_session):
    f.fund_points(db_session)
    u = f.user(db_session)
    ledger.transfer(db_session, TransferKind.earn, u.id, 50)
    ledger.transfer(db_session, TransferKind.confirm, u.id, 50)
    db_session.commit()
    with pytest.raises(InsufficientPoints):
        ledger.transfer(db_session, TransferKind.redeem, u.id, 51)
    db_session.rollback()
    assert ledger.balances(db_session, u.id).wallet == 50
    assert ledger.violations(db_session) == []


def test_the_database_refuses_a_negative_wallet_even_past_python(db_session):
    u = f.user(db_session)
    wallet = ledger.account_id(db_session, AccountKind.wallet, u.id)
    db_session.commit()
    with pytest.raises(IntegrityError):
        db_session.execute(update(PointAccount).where(PointAccount.id == wallet).values(balance=-1))
    db_session.rollback()


def test_transfers_can_be_neither_changed_nor_deleted(db_session):
    f.fund_points(db_session)
    u = f.user(db_session)
    ledger.transfer(db_session, TransferKind.earn, u.id, 10)
    db_session.commit()
    for statement in (update(PointTransfer).values(amount=1_000_000), delete(PointTransfer)):
        with pytest.raises(DatabaseError):
            db_session.execute(statement)
        db_session.rollback()


def test_the_check_finds_a_balance_that_disagrees_with_its_transfers(db_session):
    f.fund_points(db_session)
    u = f.user(db_session)
    ledger.transfer(db_session, TransferKind.earn, u.id, 10)
    db_session.execute(
        update(PointAccount)
        .where(PointAccount.user_id == u.id, PointAccount.kind == AccountKind.pending)
        .values(balance=11)
    )
    found = ledger.violations(db_session)
    db_session.rollback()
    assert any("balance 11, ledger 10" in v for v in found)


def test_amounts_must_be_positive(db_session):
    u = f.user(db_session)
    with pytest.raises(ValueError, match="positive"):
        ledger.transfer(db_session, TransferKind.earn, u.id, 0)


def test_points_check_command_reports_a_healthy_ledger(app, db_session):
    f.fund_points(db_session)
    u = f.user(db_session)
    ledger.transfer(db_session, TransferKind.earn, u.id, 10)
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["points", "check"])
    assert result.exit_code == 0, result.output
    assert "invariants hold" in result.output
