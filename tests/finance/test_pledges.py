"""Pledges (质押) through the API: the state machine and its audit trail, frozen units nothing
else can move, who may do what, bad input, the public notice, and the registry's, market's and
finance's checks after every ending."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import Membership, Role
from backend.finance.pledge_models import Pledge
from backend.market import calendar
from backend.registry import moves
from backend.registry.models import Holding, Participant
from tests import factories as f
from tests.finance.pledge_fixtures import LOAN, make_bank, make_holder, pledge, sound, step
from tests.market.conftest import OPEN, Clock, Party, deposit, held, list_tonnes, party
from tests.registry.conftest import REAL_USCC


@pytest.fixture
def operator(client, db_session) -> dict[str, str]:
    return f.bearer(f.operator_token(client, db_session))


@pytest.fixture
def holder(client, db_session, operator) -> Party:
    return make_holder(client, db_session, operator, 1000)


@pytest.fixture
def bank(client, db_session) -> Party:
    return make_bank(client, db_session)


@pytest.fixture(autouse=True)
def market_open(monkeypatch) -> None:
    monkeypatch.setattr(calendar, "now", Clock(OPEN))


# A mainland mobile number not inside a longer run of digits (timestamps, ids).
PHONE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")


def ok(resp, status: int = 200) -> dict:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def custody_blocks(s) -> list[tuple[int, int]]:
    custody = moves.custody_id(s)
    rows = s.execute(
        select(Holding.first_unit, Holding.last_unit).where(Holding.participant_id == custody)
    )
    return sorted((a, b) for a, b in rows)


def test_pledge_registered_then_released_returns_the_units_and_records_each_step(
    client, db_session, holder, bank
):
    before = held(client, holder)[0]
    made = ok(pledge(client, holder, bank.participant_id, 300, loan_reference="XY-2023-001"), 201)
    assert made["state"] == "requested"
    assert made["reference"] is None
    assert (made["first_unit"], made["last_unit"]) == (
        before["first_unit"],
        before["first_unit"] + 299,
    )
    assert made["tonnes"] == 300
    assert made["pledgee_name"] == "锦城银行"
    assert held(client, holder)[0]["tonnes"] == 700  # frozen at once
    assert custody_blocks(db_session) == [(made["first_unit"], made["last_unit"])]
    sound(db_session)

    registered = ok(step(client, bank, made["id"], "registered"))
    assert re.fullmatch(r"CDCER-ZY-\d{4}-\d{6}", registered["reference"])
    assert registered["registered_at"] is not None
    notice = ok(client.get("/api/v1/finance/pledge-notices"))
    assert [n["reference"] for n in notice] == [registered["reference"]]
    sound(db_session)

    released = ok(step(client, bank, made["id"], "released"))
    assert released["state"] == "released"
    assert released["closing_transfer_id"]
    assert sum(h["tonnes"] for h in held(client, holder)) == 1000
    assert custody_blocks(db_session) == []
    trail = [(e["from_state"], e["to_state"]) for e in released["events"]]
    assert trail == [(None, "requested"), ("requested", "registered"), ("registered", "released")]
    assert released["events"][0]["transfer_id"] == released["pledge_transfer_id"]
    assert released["events"][2]["transfer_id"] == released["closing_transfer_id"]
    assert (
        ok(client.get(f"/api/v1/finance/pledges/{made['id']}", headers=holder.headers))["state"]
        == "released"
    )
    sound(db_session)


def test_enforcement_gives_the_units_to_the_pledgee(client, db_session, holder, bank):
    made = ok(pledge(client, holder, bank.participant_id, 200), 201)
    ok(step(client, bank, made["id"], "registered"))
    refused = step(client, bank, made["id"], "enforced")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "reason"
    enforced = ok(step(client, bank, made["id"], "enforced", reason="借款人逾期未还"))
    assert enforced["state"] == "enforced"
    assert enforced["closed_at"]
    got = held(client, bank)
    assert [(h["first_unit"], h["last_unit"]) for h in got] == [
        (made["first_unit"], made["last_unit"])
    ]
    assert sum(h["tonnes"] for h in held(client, holder)) == 800
    sound(db_session)
    # the pledgee may now sell them like any holding of its own
    bank.holding_id = got[0]["id"]
    assert list_tonnes(client, bank, 50).status_code == 201
    sound(db_session)


def test_a_retried_pledge_with_its_key_freezes_the_units_once(client, db_session, holder, bank):
    url = f"/api/v1/finance/holdings/{holder.holding_id}/pledges"
    body = {"pledgee_id": bank.participant_id, "tonnes": 100, **LOAN}
    keyed = {**holder.headers, "Idempotency-Key": "pledge-once"}
    first = client.post(url, json=body, headers=keyed)
    again = client.post(url, json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert held(client, holder)[0]["tonnes"] == 900  # 100 t frozen, not 200
    assert db_session.scalar(select(func.count()).select_from(Pledge)) == 1
    unkeyed = client.post(url, json=body, headers=holder.headers)
    assert unkeyed.status_code == 400
    assert unkeyed.get_json()["code"] == "idempotency.key_required"
    sound(db_session)


def test_decline_and_withdraw_return_the_units(client, db_session, holder, bank):
    a = ok(pledge(client, holder, bank.participant_id, 100), 201)
    b = ok(pledge(client, holder, bank.participant_id, 100), 201)
    assert held(client, holder)[0]["tonnes"] == 800
    no_reason = step(client, bank, a["id"], "declined")
    assert no_reason.status_code == 422
    declined = ok(step(client, bank, a["id"], "declined", reason="押品估值不足"))
    assert (declined["state"], declined["reason"]) == ("declined", "押品估值不足")
    withdrawn = ok(step(client, holder, b["id"], "withdrawn"))
    assert withdrawn["state"] == "withdrawn"
    assert withdrawn["reference"] is None
    assert sum(h["tonnes"] for h in held(client, holder)) == 1000
    assert client.get("/api/v1/finance/pledge-notices").get_json() == []  # never registered
    sound(db_session)
    again = step(client, holder, b["id"], "withdrawn")
    assert (again.status_code, again.get_json()["code"]) == (
        409,
        "finance.pledge_illegal_transition",
    )


def test_who_may_do_what(client, db_session, holder, bank, operator):
    made = ok(pledge(client, holder, bank.participant_id, 10), 201)
    pid = made["id"]
    # the pledgor does not register its own pledge; the pledgee does not withdraw it
    assert step(client, holder, pid, "registered").status_code == 403
    assert step(client, bank, pid, "withdrawn").status_code == 403
    # operators read it, but it is not theirs to move
    assert client.get(f"/api/v1/finance/pledges/{pid}", headers=operator).status_code == 200
    assert step(client, operator, pid, "registered").status_code == 403
    # an outsider learns nothing
    other = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    assert client.get(f"/api/v1/finance/pledges/{pid}", headers=other.headers).status_code == 404
    assert step(client, other, pid, "registered").status_code == 404
    assert pledge(client, other, bank.participant_id, 1).status_code == 404  # holder's holding
    listed = client.get(
        f"/api/v1/finance/participants/{bank.participant_id}/pledges", headers=bank.headers
    )
    assert [p["id"] for p in ok(listed)] == [pid]
    theirs = client.get(
        f"/api/v1/finance/participants/{bank.participant_id}/pledges", headers=other.headers
    )
    assert theirs.status_code == 404
    ok(step(client, bank, pid, "registered"))
    assert step(client, holder, pid, "withdrawn").status_code == 409  # registered: too late


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"loan_amount_fen": 10**30}, "loan_amount_fen"),
        ({"loan_amount_fen": 0}, "loan_amount_fen"),
        ({"annual_rate_bps": 10_001}, "annual_rate_bps"),
        ({"term_months": 10**12}, "term_months"),
        ({"tonnes": 10**20}, "tonnes"),
        ({"tonnes": "3"}, "tonnes"),
        ({"pledgee_id": 2**40}, "pledgee_id"),
        ({"surprise": 1}, "surprise"),
        ({"loan_reference": "x" * 65}, "loan_reference"),
        ({"disclose_amount": 1}, "disclose_amount"),  # a JSON boolean, not a truthy number
        ({"disclose_amount": "yes"}, "disclose_amount"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, holder, bank, body, field):
    base = {"pledgee_id": bank.participant_id, "tonnes": 10, **LOAN}
    resp = client.post(
        f"/api/v1/finance/holdings/{holder.holding_id}/pledges",
        json={**base, **body},
        headers={**holder.headers, "Idempotency-Key": f"bad-{field}-{len(str(body))}"},
    )
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert field in {e["field"] for e in resp.get_json()["errors"]}


def test_pledgee_must_be_an_institution_and_not_the_holder(client, db_session, holder, bank):
    buyer = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    for pledgee, code in (
        (buyer.participant_id, "finance.pledgee_not_institution"),
        (holder.participant_id, "finance.pledge_to_self"),
        (moves.custody_id(db_session), "finance.no_such_pledgee"),
        (10**6, "finance.no_such_pledgee"),
    ):
        resp = pledge(client, holder, pledgee, 10)
        assert resp.status_code == 422, resp.get_json()
        assert resp.get_json()["errors"][0]["code"] == code
    too_many = pledge(client, holder, bank.participant_id, 1001)
    assert (too_many.status_code, too_many.get_json()["code"]) == (
        409,
        "registry.holding_too_small",
    )
    bad_state = step(client, bank, 1, "requested")
    assert bad_state.status_code == 422


def test_pledged_units_cannot_be_listed_offered_or_moved(client, db_session, holder, bank):
    ok(pledge(client, holder, bank.participant_id, 600), 201)
    listing = list_tonnes(client, holder, 500)
    assert (listing.status_code, listing.get_json()["code"]) == (409, "registry.holding_too_small")
    offer = client.post(
        f"/api/v1/registry/holdings/{holder.holding_id}/offers",
        json={"tonnes": 500, "price_fen_per_t": 1000},
        headers=holder.headers,
    )
    assert offer.status_code == 422  # more than the 400 t left
    ok(pledge(client, holder, bank.participant_id, 400), 201)  # the whole rest
    gone = list_tonnes(client, holder, 1)
    assert gone.status_code == 404  # the holding is gone: all its units are in custody
    sound(db_session)


def test_the_notice_hides_undisclosed_amounts_and_names_no_person(client, db_session, holder, bank):
    shown = ok(pledge(client, holder, bank.participant_id, 10, disclose_amount=True), 201)
    hidden = ok(pledge(client, holder, bank.participant_id, 10), 201)
    for p in (shown, hidden):
        ok(step(client, bank, p["id"], "registered"))
    notices = ok(client.get("/api/v1/finance/pledge-notices"))
    by_amount = {n["loan_amount_fen"]: n for n in notices}
    assert set(by_amount) == {LOAN["loan_amount_fen"], None}
    assert by_amount[None]["annual_rate_bps"] is None
    assert by_amount[LOAN["loan_amount_fen"]]["annual_rate_bps"] == LOAN["annual_rate_bps"]
    body = str(notices)
    assert not PHONE.search(body)  # no mainland mobile number, bare or +86
    assert "联系" not in body
    assert "法人" not in body
    assert {n["pledgor_name"] for n in notices} == {"龙泉山林业"}


def test_institutions_are_listed_by_name(client, bank):
    listed = ok(client.get("/api/v1/finance/institutions"))
    assert {"participant_id": bank.participant_id, "name": "锦城银行"}.items() <= next(
        i for i in listed if i["participant_id"] == bank.participant_id
    ).items()


def test_the_database_refuses_a_registration_without_its_reference_and_edited_events(
    client, db_session, holder, bank
):
    made = ok(pledge(client, holder, bank.participant_id, 10), 201)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text("UPDATE finance_pledges SET state = 'registered' WHERE id = :id"),
            {"id": made["id"]},
        )
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text("UPDATE finance_pledges SET state = 'released' WHERE id = :id"),
            {"id": made["id"]},
        )
    with pytest.raises(Exception, match=r"append-only|refuse|change"), db_session.begin_nested():
        db_session.execute(text("UPDATE finance_pledge_events SET reason = 'x'"))
    assert db_session.get(Pledge, made["id"]).state.value == "requested"


def test_flask_finance_check_is_a_group_with_a_check(app):
    result = app.test_cli_runner().invoke(args=["finance", "check"])
    assert result.exit_code == 0, result.output
    assert "Finance invariants hold." in result.output


def test_no_one_acts_for_the_custody_account_even_as_a_member_of_its_organisation(
    client, db_session, holder, bank
):
    made = ok(pledge(client, holder, bank.participant_id, 10), 201)
    custody = db_session.get(Participant, moves.custody_id(db_session))
    insider = f.user(db_session, "混入者")
    db_session.add(
        Membership(user=insider, organisation_id=custody.organisation_id, role=Role.admin)
    )
    db_session.commit()
    who = Party(f.sign_in(client, insider.phone), custody.organisation_id, custody.id)
    who.holding_id = db_session.scalars(
        select(Holding.id).where(Holding.participant_id == custody.id)
    ).one()
    assert list_tonnes(client, who, 10).status_code == 404
    assert pledge(client, who, bank.participant_id, 10).status_code == 404
    offered = client.post(
        f"/api/v1/registry/holdings/{who.holding_id}/offers",
        json={"tonnes": 10, "price_fen_per_t": 1000},
        headers=who.headers,
    )
    assert offered.status_code == 404
    assert custody_blocks(db_session) == [(made["first_unit"], made["last_unit"])]
    sound(db_session)


def test_enforcement_may_offer_the_units_in_a_block_trade_which_the_buyer_accepts(
    app, client, db_session, holder, bank, monkeypatch
):
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", 100)  # blocks from 100 t, for the test
    buyer = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    deposit(client, buyer, 100_000_000)
    made = ok(pledge(client, holder, bank.participant_id, 200), 201)
    half = step(client, bank, made["id"], "enforced", reason="逾期", counterparty_id=1)
    assert half.status_code == 422
    assert half.get_json()["errors"][0]["field"] == "price_fen_per_t"
    early = step(
        client,
        bank,
        made["id"],
        "released",
        counterparty_id=buyer.participant_id,
        price_fen_per_t=4000,
    )
    assert early.status_code == 422
    ok(step(client, bank, made["id"], "registered"))
    sale = {"counterparty_id": buyer.participant_id, "price_fen_per_t": 4000}
    enforced = ok(step(client, bank, made["id"], "enforced", reason="借款人违约", **sale))
    assert enforced["state"] == "enforced"
    assert enforced["sale_deal_id"]
    assert held(client, bank) == []  # offered: in the market's escrow
    sound(db_session)
    accepted = client.post(
        f"/api/v1/market/block-trades/{enforced['sale_deal_id']}/transitions",
        json={"to": "settled"},
        headers=buyer.headers,
    )
    deal = ok(accepted)
    assert deal["trade"]["quantity_t"] == 200
    assert sum(h["tonnes"] for h in held(client, buyer)) == 200
    sound(db_session)


def test_a_sale_outside_the_rules_leaves_the_pledge_registered(
    app, client, db_session, holder, bank
):
    buyer = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    made = ok(pledge(client, holder, bank.participant_id, 200), 201)
    ok(step(client, bank, made["id"], "registered"))
    sale = {"counterparty_id": buyer.participant_id, "price_fen_per_t": 4000}
    small = step(client, bank, made["id"], "enforced", reason="违约", **sale)
    assert small.status_code == 422  # 200 t is below the 大宗交易 threshold
    assert small.get_json()["errors"][0]["code"] == "market.block_below_threshold"
    again = ok(client.get(f"/api/v1/finance/pledges/{made['id']}", headers=bank.headers))
    assert again["state"] == "registered"
