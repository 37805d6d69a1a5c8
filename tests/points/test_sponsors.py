"""Sponsors fund the rewards budget, and the database keeps what is earned within it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from backend.core.clock import utcnow
from backend.core.messages import text
from backend.points import earning, ledger, methodology
from backend.points.ledger import BudgetExhausted
from backend.points.models import ActionSource, Funding, GreenAction, Pool, TransferKind
from tests import factories as f
from tests.core.test_messages import LATIN_WORD
from tests.points.conftest import metro, new_venue


def walk(user_id: int, steps: int, ext: str) -> earning.Reported:
    """A walk reported by no partner (0.0303 g a step)."""
    start = utcnow() - timedelta(hours=1)
    return earning.Reported(user_id, "walk", Decimal(steps), start, external_id=ext)


def test_an_operator_enrols_a_sponsor_and_records_fundings_in_fen_and_in_credits(
    client, db_session
):
    op = f.bearer(f.operator_token(client, db_session))
    org = f.organisation(db_session, name="成都地铁运营有限公司 (示例)")
    assert client.post(f"/api/v1/organisations/{org.id}/sponsor", headers=op).status_code == 201
    money = client.post(
        f"/api/v1/organisations/{org.id}/sponsor/fundings",
        json={"amount_fen": 10_000, "memo": "合同 2026-01"},
        headers=op,
    ).get_json()
    assert (money["kind"], money["points_per_fen"], money["points"]) == ("money", 775, 7_750_000)
    p = f.project(db_session, standard="CDCER")
    f.lot(db_session, p, 1, price=1290)
    credits = client.post(
        f"/api/v1/organisations/{org.id}/sponsor/fundings",
        json={"mass_g": 400_000, "project_id": p.id},
        headers=op,
    )
    assert credits.status_code == 201, credits.get_json()
    assert credits.get_json()["points"] == 400_000
    # the same lot cannot be promised twice beyond what it holds
    again = client.post(
        f"/api/v1/organisations/{org.id}/sponsor/fundings",
        json={"mass_g": 700_000, "project_id": p.id},
        headers=op,
    )
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("credits-not-there")
    budget = client.get(f"/api/v1/organisations/{org.id}/sponsor", headers=op).get_json()
    assert budget["funded_points"] == 7_750_000 + 400_000
    assert (budget["funded_fen"], budget["credits_left_g"]) == (10_000, 400_000)
    assert ledger.pool_balance(db_session) == 8_150_000
    assert ledger.violations(db_session) == []


def test_a_funding_is_money_or_credits_and_names_an_enrolled_sponsor(client, db_session):
    op = f.bearer(f.operator_token(client, db_session))
    org = f.organisation(db_session)
    url = f"/api/v1/organisations/{org.id}/sponsor/fundings"
    assert client.post(url, json={"amount_fen": 1}, headers=op).status_code == 404
    client.post(f"/api/v1/organisations/{org.id}/sponsor", headers=op)
    both = client.post(url, json={"amount_fen": 1, "mass_g": 1, "project_id": 1}, headers=op)
    assert both.status_code == 422
    assert client.post(url, json={"mass_g": 1}, headers=op).status_code == 422


def test_nothing_is_earned_beyond_the_funding_a_batch_is_cut_to_it(db_session):
    people = [f.user(db_session).id for _ in range(3)]
    m = methodology.load("2026.1")  # walks by steps: 151 points for 5,000
    nothing = earning.earn(
        db_session, [walk(people[0], 5000, "w0")], m, source=ActionSource.partner
    )
    assert nothing.results[0].reason == earning.Reason.budget_exhausted
    f.fund_points(db_session, 200)
    batch = earning.earn(
        db_session,
        [walk(p, 5000, f"w{p}") for p in people],  # 151 points each
        m,
        source=ActionSource.partner,
    )
    got = [(o.status, o.points, o.capped, o.reason) for o in batch.results]
    assert got == [
        ("accepted", 151, False, None),
        ("accepted", 49, True, None),
        ("rejected", 0, False, earning.Reason.budget_exhausted),
    ]
    assert ledger.pool_balance(db_session) == 0
    assert sum(ledger.balances(db_session, p).pending for p in people) == 200
    assert ledger.violations(db_session) == []


def test_a_batch_that_found_the_pool_full_but_lost_it_meanwhile_is_cut_under_its_lock(
    db_session, monkeypatch
):
    """The pool is read without a lock; a batch it seemed to hold but no longer does (another
    batch took it meanwhile, as here a stale read pretends) is refused by the pool's CHECK,
    undone to its savepoint and cut under the lock: nothing of the first attempt stays."""
    people = [f.user(db_session).id for _ in range(3)]
    f.fund_points(db_session, 200)
    monkeypatch.setattr(ledger, "pool_balance", lambda s: 10**9)
    refused: list[bool] = []
    real = ledger.pool_refused

    def spy(exc: IntegrityError) -> bool:
        refused.append(real(exc))
        return refused[-1]

    monkeypatch.setattr(ledger, "pool_refused", spy)
    batch = earning.earn(
        db_session,
        [walk(p, 5000, f"s{p}") for p in people],  # 151 points each
        methodology.load("2026.1"),
        source=ActionSource.partner,
    )
    assert refused == [True]  # the optimistic attempt, refused by the pool's CHECK
    got = [(o.status, o.points, o.capped, o.reason) for o in batch.results]
    assert got == [
        ("accepted", 151, False, None),
        ("accepted", 49, True, None),
        ("rejected", 0, False, earning.Reason.budget_exhausted),
    ]
    kept = db_session.execute(select(GreenAction.user_id, GreenAction.points)).all()
    assert sorted(kept) == [(people[0], 151), (people[1], 49)]
    assert db_session.scalar(select(Pool.balance)) == 0
    assert sum(ledger.balances(db_session, p).pending for p in people) == 200
    assert ledger.violations(db_session) == []


def test_a_reversal_gives_its_points_back_to_the_pool(client, db_session, partner):
    citizen = f.user(db_session)
    before = ledger.pool_balance(db_session)
    partner.report(metro(citizen.phone, ext="m-r"))
    assert ledger.pool_balance(db_session) == before - 552  # 10 km at 55.2 g (2026.2)
    partner.post("/api/v1/points/actions/reversals", {"external_ids": ["m-r"]})
    assert ledger.pool_balance(db_session) == before
    assert ledger.violations(db_session) == []


def test_one_transfer_beyond_the_pool_is_refused_by_code_and_by_the_database(db_session):
    u = f.user(db_session)
    f.fund_points(db_session, 10)
    with pytest.raises(BudgetExhausted):
        ledger.transfer(db_session, TransferKind.earn, u.id, 11)
    db_session.rollback()
    pending = ledger.account_id(db_session, ledger.AccountKind.pending, u.id)
    issued = ledger.account_id(db_session, ledger.AccountKind.issued)
    row = {"kind": "earn", "debit_account_id": issued, "credit_account_id": pending}
    with pytest.raises(IntegrityError):  # past Python: the pool's trigger and CHECK refuse it
        db_session.execute(
            insert(ledger.TRANSFERS).values(
                **row, amount=11, reference="", memo="", created_at=utcnow()
            )
        )
    db_session.rollback()
    with pytest.raises(IntegrityError):
        db_session.execute(update(Pool).values(balance=-1))
    db_session.rollback()


def test_fundings_are_append_only_and_the_check_finds_a_pool_that_disagrees(app, db_session):
    f.fund_points(db_session, 100)
    with pytest.raises(DatabaseError):
        db_session.execute(update(Funding).values(points=1))
    db_session.rollback()
    db_session.execute(update(Pool).values(balance=Pool.balance + 1))
    assert any("funded" in v for v in ledger.violations(db_session))
    db_session.rollback()


def test_an_exhausted_budget_is_told_in_chinese(client, db_session, buyer):
    zh = {**f.bearer(buyer.token), "Accept-Language": "zh-CN"}
    code = new_venue(client, db_session).code()  # a real venue, and no funding at all
    got = client.post("/api/v1/wallet/checkins", json={"venue": code}, headers=zh)
    assert got.get_json()["results"][0]["reason"] == "budget_exhausted"
    with pytest.raises(BudgetExhausted) as refused:
        ledger.transfer(db_session, TransferKind.earn, buyer.user.id, 5)
    detail = text(refused.value.code, refused.value.params, "zh")
    assert detail == "赞助方资助的积分已发完，暂时无法再发放 5 积分。"
    assert not LATIN_WORD.search(detail)
