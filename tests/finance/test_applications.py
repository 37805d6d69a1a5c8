"""Financing applications: criteria checked at creation, the legs' state machine with its audit
trail, who sees what (an institution sees only applications on its products: 404 otherwise),
idempotent creation, and the statistics computed from the rows."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tests import factories as f
from tests.finance.lend_helpers import (
    Party,
    application_body,
    apply,
    enterprise,
    institution,
    publish,
    step,
)
from tests.registry.conftest import REAL_USCC


@pytest.fixture
def bank(client: FlaskClient, db_session: Session) -> Party:
    return institution(client, db_session, "兴业银行测试", REAL_USCC[0])


@pytest.fixture
def other_bank(client: FlaskClient, db_session: Session) -> Party:
    return institution(client, db_session, "另一银行", REAL_USCC[1])


@pytest.fixture
def company(client: FlaskClient, db_session: Session) -> Party:
    return enterprise(client, db_session, "成都蓉城科技测试")


def code(resp: object) -> str:
    """The field error's code of a 422 (else the problem's own)."""
    problem = resp.get_json()  # type: ignore[attr-defined]
    errors = problem.get("errors") or [{}]
    return str(errors[0].get("code") or problem["code"])


def _made(resp: object) -> dict:
    assert resp.status_code == 201, resp.get_json()  # type: ignore[attr-defined]
    return resp.get_json()  # type: ignore[attr-defined]


def test_the_full_path_and_its_audit_trail(
    client: FlaskClient, bank: Party, company: Party
) -> None:
    pid = publish(client, bank)
    made = _made(apply(client, company, application_body([pid])))
    app_id, leg = made["id"], made["legs"][0]
    assert (leg["state"], leg["applied_fen"], leg["institution_name"]) == (
        "applied",
        2_000_000_00,
        "兴业银行测试",
    )
    assert (
        step(client, bank.headers, app_id, leg["id"], "approved", amount_fen=1).status_code == 409
    )
    assert step(client, bank.headers, app_id, leg["id"], "under_review").status_code == 200
    too_much = step(client, bank.headers, app_id, leg["id"], "approved", amount_fen=2_000_000_01)
    assert too_much.status_code == 422
    assert code(too_much) == "finance.above_applied"
    missing = step(client, bank.headers, app_id, leg["id"], "approved")
    assert missing.status_code == 422
    ok = step(client, bank.headers, app_id, leg["id"], "approved", amount_fen=1_500_000_00)
    assert ok.status_code == 200
    assert ok.get_json()["legs"][0]["approved_fen"] == 1_500_000_00
    # the applicant may not withdraw once approved
    late = step(client, company.headers, app_id, leg["id"], "withdrawn")
    assert late.status_code == 409
    over = step(
        client,
        bank.headers,
        app_id,
        leg["id"],
        "disbursed",
        amount_fen=1_500_000_01,
        disbursed_on="2026-12-01",
    )
    assert over.status_code == 422
    assert code(over) == "finance.above_approved"
    future = step(
        client,
        bank.headers,
        app_id,
        leg["id"],
        "disbursed",
        amount_fen=1,
        disbursed_on="2999-01-01",
    )
    assert future.status_code == 422
    done = step(
        client,
        bank.headers,
        app_id,
        leg["id"],
        "disbursed",
        amount_fen=1_500_000_00,
        disbursed_on="2026-12-01",
    )
    assert done.status_code == 200, done.get_json()
    final = done.get_json()["legs"][0]
    assert (final["state"], final["disbursed_fen"], final["disbursed_on"]) == (
        "disbursed",
        1_500_000_00,
        "2026-12-01",
    )
    trail = [(s["from_state"], s["to_state"], s["amount_fen"]) for s in final["steps"]]
    assert trail == [
        (None, "applied", None),
        ("applied", "under_review", None),
        ("under_review", "approved", 1_500_000_00),
        ("approved", "disbursed", 1_500_000_00),
    ]
    assert all(s["by_id"] and s["at"] for s in final["steps"])
    stats = client.get("/api/v1/finance/stats").get_json()
    assert stats["ours"]["applied_fen"] == 2_000_000_00
    assert stats["ours"]["facilitated_fen"] == 1_500_000_00
    assert stats["ours"]["credit_products"] == 1
    assert stats["ours"]["applications"] == 1
    assert stats["reference"]["figures"]["applied_yi"] == "156.35"
    assert stats["reference"]["source"]["as_of"] == "2023-04-30"


def test_decline_needs_a_reason_and_withdrawal_is_the_applicants(
    client: FlaskClient, bank: Party, company: Party
) -> None:
    pid = publish(client, bank)
    made = _made(apply(client, company, application_body([pid])))
    app_id, leg_id = made["id"], made["legs"][0]["id"]
    assert step(client, bank.headers, app_id, leg_id, "declined").status_code == 422
    stray = step(client, bank.headers, app_id, leg_id, "under_review", reason="x")
    assert stray.status_code == 422
    assert step(client, bank.headers, app_id, leg_id, "withdrawn").status_code == 403
    assert step(client, company.member, app_id, leg_id, "withdrawn").status_code == 403
    assert step(client, company.headers, app_id, leg_id, "under_review").status_code == 403
    assert step(client, bank.member, app_id, leg_id, "under_review").status_code == 403
    resp = step(client, bank.headers, app_id, leg_id, "declined", reason="项目资料不全\u0007")
    assert resp.status_code == 422  # a control character
    resp = step(client, bank.headers, app_id, leg_id, "declined", reason="项目资料不全")
    assert resp.status_code == 200
    leg = resp.get_json()["legs"][0]
    assert (leg["state"], leg["decline_reason"]) == ("declined", "项目资料不全")
    assert step(client, company.headers, app_id, leg_id, "withdrawn").status_code == 409
    # a second application, withdrawn before approval
    again = _made(apply(client, company, application_body([pid])))
    w = step(client, company.headers, again["id"], again["legs"][0]["id"], "withdrawn")
    assert w.status_code == 200
    assert w.get_json()["legs"][0]["state"] == "withdrawn"


def test_criteria_are_checked_per_product(
    client: FlaskClient, bank: Party, other_bank: Party, company: Party
) -> None:
    loan = publish(client, bank)
    forest = publish(client, other_bank, name_zh="林业碳汇贷", project_types=["forestry"])
    cases = [
        (application_body([loan, forest]), "project_type", "finance.type_ineligible"),
        (application_body([loan], amount_fen=1), "amount_fen", "finance.amount_outside"),
        (application_body([loan], term_months=61), "term_months", "finance.term_outside"),
        (application_body([loan], amount_fen=10**20), "amount_fen", None),
        (application_body([]), "product_ids", None),
        (application_body([loan, loan]), "product_ids", "finance.duplicate_items"),
        (application_body([999_999]), "product_ids", "finance.product_not_open"),
        (application_body([loan], taxonomy_code="绿色"), "taxonomy_code", "finance.taxonomy_code"),
        (application_body([loan], description="光伏\u202e"), "description", None),
        (application_body([loan], surprise=True), "surprise", None),
        (application_body([loan], registry_project_id=1), "registry_project_id", None),
    ]
    for body, field, want in cases:
        resp = apply(client, company, body)
        assert resp.status_code == 422, (field, resp.get_json())
        problem = resp.get_json()
        assert field in str(problem["errors"]), (field, problem)
        if want:
            assert code(resp) == want, problem
    refused = apply(client, company, application_body([loan, forest])).get_json()
    assert "林业碳汇贷" in refused["errors"][0]["params"]["product"], refused


def test_visibility_institutions_see_only_their_legs(
    client: FlaskClient, db_session: Session, bank: Party, other_bank: Party, company: Party
) -> None:
    loan = publish(client, bank)
    other = publish(client, other_bank, name_zh="碳减排贷款")
    both = _made(apply(client, company, application_body([loan, other])))
    only_other = _made(apply(client, company, application_body([other])))
    url = "/api/v1/finance/applications/{}"
    # the bank sees the application on its product, with its own leg only
    seen = client.get(url.format(both["id"]), headers=bank.member)
    assert seen.status_code == 200
    assert [leg["product_id"] for leg in seen.get_json()["legs"]] == [loan]
    # and not the one outside its products
    assert client.get(url.format(only_other["id"]), headers=bank.headers).status_code == 404
    leg = only_other["legs"][0]["id"]
    assert step(client, bank.headers, only_other["id"], leg, "under_review").status_code == 404
    # nor another institution's leg of an application it sees
    theirs = next(x["id"] for x in both["legs"] if x["product_id"] == other)
    assert step(client, bank.headers, both["id"], theirs, "under_review").status_code == 404
    # the applicant's people and operators see every leg
    for who in (company.member, f.bearer(f.operator_token(client, db_session))):
        got = client.get(url.format(both["id"]), headers=who)
        assert len(got.get_json()["legs"]) == 2
    stranger = enterprise(client, db_session, "路人公司")
    assert client.get(url.format(both["id"]), headers=stranger.headers).status_code == 404
    assert client.get(url.format(both["id"])).status_code == 401
    # the inbox, with a state filter
    inbox = f"/api/v1/finance/participants/{bank.participant_id}/applications"
    got = client.get(inbox, headers=bank.member).get_json()
    assert [a["id"] for a in got] == [both["id"]]
    got = client.get(inbox, query_string={"state": "approved"}, headers=bank.headers).get_json()
    assert got == []
    assert client.get(inbox, headers=stranger.headers).status_code == 404
    listed = client.get(
        f"/api/v1/finance/organisations/{company.org_id}/applications", headers=company.member
    )
    assert [a["id"] for a in listed.get_json()] == [only_other["id"], both["id"]]
    outsider = client.get(
        f"/api/v1/finance/organisations/{company.org_id}/applications", headers=stranger.headers
    )
    assert outsider.status_code == 404
    # members do not apply
    assert (
        apply(
            client, Party(company.member_token or "", company.org_id), application_body([loan])
        ).status_code
        == 403
    )


def test_an_institution_does_not_apply_to_its_own_product(client: FlaskClient, bank: Party) -> None:
    loan = publish(client, bank)
    resp = apply(client, bank, application_body([loan]))
    assert resp.status_code == 422
    assert code(resp) == "finance.own_product"


def test_a_withdrawn_product_takes_no_application(
    client: FlaskClient, bank: Party, company: Party
) -> None:
    loan = publish(client, bank)
    client.post(
        f"/api/v1/finance/products/{loan}/transitions",
        json={"to": "withdrawn"},
        headers=bank.headers,
    )
    resp = apply(client, company, application_body([loan]))
    assert resp.status_code == 422
    assert code(resp) == "finance.product_not_open"


def test_creation_is_idempotent(client: FlaskClient, bank: Party, company: Party) -> None:
    loan = publish(client, bank)
    first = apply(client, company, application_body([loan]), key="apply-once")
    again = apply(client, company, application_body([loan]), key="apply-once")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    other = apply(
        client, company, application_body([loan], amount_fen=3_000_000_00), key="apply-once"
    )
    assert other.status_code == 422
    missing = client.post(
        f"/api/v1/finance/organisations/{company.org_id}/applications",
        json=application_body([loan]),
        headers=company.headers,
    )
    assert missing.status_code == 400


def test_the_database_guards_each_states_columns_and_the_trail(
    client: FlaskClient, db_session: Session, bank: Party, company: Party
) -> None:
    loan = publish(client, bank)
    made = _made(apply(client, company, application_body([loan])))
    leg_id = made["legs"][0]["id"]
    for sql in (
        "UPDATE finance_application_legs SET state = 'approved' WHERE id = :id",
        "UPDATE finance_application_legs SET state = 'declined' WHERE id = :id",
        "UPDATE finance_application_legs SET state = 'approved', approved_fen = applied_fen + 1 "
        "WHERE id = :id",
        "UPDATE finance_application_legs SET state = 'disbursed', approved_fen = 5, "
        "disbursed_fen = 6, disbursed_on = '2026-01-01' WHERE id = :id",
    ):
        with pytest.raises(IntegrityError), db_session.begin_nested():
            db_session.execute(text(sql), {"id": leg_id})
    for sql in (
        "UPDATE finance_leg_steps SET reason = 'x' WHERE leg_id = :id",
        "DELETE FROM finance_leg_steps WHERE leg_id = :id",
    ):
        with pytest.raises(DBAPIError), db_session.begin_nested():
            db_session.execute(text(sql), {"id": leg_id})


def test_lists_take_as_many_queries_for_one_application_as_for_five(
    client: FlaskClient, engine: Engine, bank: Party, company: Party
) -> None:
    loan = publish(client, bank)

    def queries(url: str, who: dict[str, str]) -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url, headers=who).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    mine = f"/api/v1/finance/organisations/{company.org_id}/applications"
    inbox = f"/api/v1/finance/participants/{bank.participant_id}/applications"
    _made(apply(client, company, application_body([loan])))
    one = (queries(mine, company.headers), queries(inbox, bank.headers))
    for _ in range(4):
        _made(apply(client, company, application_body([loan])))
    assert (queries(mine, company.headers), queries(inbox, bank.headers)) == one, one
