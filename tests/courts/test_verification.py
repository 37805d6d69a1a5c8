"""核销 refusals and guarantees: ineligible credits, non-judicial certificates, another case's
certificate, a second verification anywhere, revoked certificates; all audited. The database
itself holds one verification per certificate and keeps verifications and the audit log
append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from backend.certificates import claims
from backend.courts.models import AuditEntry, CourtOrder, Verification
from backend.orders.models import Order
from backend.partners.webhooks.models import WebhookEndpoint, WebhookEvent
from tests import factories as f
from tests.courts.test_purchase_flow import buy, pay, token_of, verify

T = 1_000_000


@pytest.fixture
def family(client, db_session):
    return f.sign_in(client, f.user(db_session, "家属").phone)


def judicial_certificate(client, family, defendant, mass_g=T):
    order = buy(client, family, token_of(defendant), mass_g=mass_g).get_json()
    return pay(client, family, order["id"])["certificate_number"]


def problem(resp, status, slug):
    assert resp.status_code == status, resp.get_json()
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == f"/problems/{slug}"
    return body


def test_a_plain_certificate_is_not_judicial(client, courts, staff, stock, buyer):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    plain = f.neutralise(client, buyer.token, mass_g=T, preferences=stock.prefs)
    body = problem(
        verify(client, staff.clerk, case["id"], plain["certificate_number"]),
        422,
        "certificate-not-judicial",
    )
    assert body["errors"][0]["field"] == "certificate_number"


def test_ineligible_credit_types_are_refused(client, db_session, courts, staff, stock, buyer):
    """A hydro order linked to a defendant by hand (as a faulty import would) is judicial, but
    its credits are not forestry: refused, naming the lines."""
    case = f.open_case(client, staff.clerk, courts.basic.id)
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    db_session.add(
        CourtOrder(
            order_id=order["id"], defendant_id=case["defendants"][0]["id"], case_id=case["id"]
        )
    )
    db_session.execute(update(Order).where(Order.id == order["id"]).values(judicial=True))
    db_session.commit()
    number = pay(client, buyer.token, order["id"])["certificate_number"]
    mine = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token))
    assert mine.get_json()["judicial"] is True
    body = problem(verify(client, staff.clerk, case["id"], number), 422, "credits-ineligible")
    assert body["ineligible"][0]["project_type"] == "hydro"
    assert body["eligible"]["types"] == ["forestry"]


def test_a_certificate_bought_for_case_a_cannot_serve_case_b(
    client, courts, staff, forestry, family
):
    a = f.open_case(client, staff.clerk, courts.basic.id)
    b = f.open_case(client, staff.clerk, courts.basic.id, number="(2023)川1827刑初13号")
    number = judicial_certificate(client, family, a["defendants"][0])
    problem(verify(client, staff.clerk, b["id"], number), 422, "certificate-other-case")
    assert verify(client, staff.clerk, a["id"], number).status_code == 201


def test_a_verified_certificate_is_never_verified_again_anywhere(
    client, courts, staff, forestry, family
):
    a = f.open_case(client, staff.clerk, courts.basic.id)
    yunnan = f.open_case(
        client,
        staff.other_clerk,
        courts.other.id,
        number="(2024)云0112刑初1号",
        site={"place": "西山", "province": "CN-YN"},
    )
    number = judicial_certificate(client, family, a["defendants"][0])
    first = verify(client, staff.clerk, a["id"], number)
    assert first.status_code == 201
    for token, case_id in ((staff.judge, a["id"]), (staff.other_clerk, yunnan["id"])):
        body = problem(verify(client, token, case_id, number), 409, "already-verified")
        assert body["verified_by_court"] == "宝兴县人民法院"
        assert body["verified_case_number"] == a["number"]
        assert body["verified_at"] == first.get_json()["verified_at"]
        assert "宝兴县人民法院" in body["detail"]


def test_revoked_and_unknown_certificates_are_refused(
    client, db_session, courts, staff, forestry, family
):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    op = f.operator_token(client, db_session)
    revoked = client.post(
        f"/api/v1/certificates/{number}/revocation",
        json={"reason": "付款已退回"},
        headers=f.bearer(op),
    )
    assert revoked.status_code == 200
    problem(verify(client, staff.clerk, case["id"], number), 422, "certificate-revoked")
    problem(verify(client, staff.clerk, case["id"], "DD-1999-000001"), 422, "certificate-unknown")


def test_refusals_are_audited(client, courts, staff, stock, buyer):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    plain = f.neutralise(client, buyer.token, mass_g=T, preferences=stock.prefs)
    verify(client, staff.clerk, case["id"], plain["certificate_number"])
    audit = client.get(
        f"/api/v1/court-cases/{case['id']}/audit", headers=f.bearer(staff.judge)
    ).get_json()["items"]
    refused = audit[-1]
    assert refused["action"] == "verification.refused"
    assert refused["details"]["reason"] == "certificate-not-judicial"
    assert refused["details"]["certificate_number"] == plain["certificate_number"]
    assert refused["actor"]["display_name"] == "宝兴县人民法院clerk"


def test_only_the_cases_own_clerks_and_judges_verify(client, courts, staff, forestry, family):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    assert verify(client, staff.high_judge, case["id"], number).status_code == 403
    assert verify(client, staff.other_clerk, case["id"], number).status_code == 404
    assert verify(client, family, case["id"], number).status_code == 404


def test_a_closed_case_verifies_nothing(client, courts, staff, forestry, family):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    client.post(
        f"/api/v1/court-cases/{case['id']}/close",
        json={"reason": "撤回起诉"},
        headers=f.bearer(staff.judge),
    )
    problem(verify(client, staff.clerk, case["id"], number), 409, "case-closed")


def test_partners_and_the_court_hear_of_the_verification(
    app, client, db_session, courts, staff, forestry, family
):
    db_session.add(
        WebhookEndpoint(
            id="we_court",
            organisation_id=courts.basic.id,
            url="https://court.example/hooks",
            events=["certificate.verified"],
            secret_sealed="sealed",
        )
    )
    db_session.commit()
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    verified_at = verify(client, staff.clerk, case["id"], number).get_json()["verified_at"]
    f.run_event_jobs(app, db_session)  # the worker turns the domain event into the webhook
    event = db_session.scalars(
        select(WebhookEvent).where(WebhookEvent.organisation_id == courts.basic.id)
    ).one()
    assert event.type == "certificate.verified"
    assert event.data["number"] == number
    assert event.data["mass_g"] == T
    assert event.data["court"] == "宝兴县人民法院"
    assert event.data["case_number"] == case["number"]
    assert event.data["verify_url"].startswith("http://127.0.0.1:8000/verify/")
    qr = claims.decode(event.data["verify_url"].rsplit("/", 1)[1])
    assert qr[0].number == number
    assert event.data["verified_at"] == verified_at


def test_the_database_holds_one_verification_per_certificate(
    client, db_session, courts, staff, forestry, family
):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    verify(client, staff.clerk, case["id"], number)
    first = db_session.scalars(select(Verification)).one()
    twin = {
        "certificate_number": number,
        "case_id": first.case_id,
        "court_id": first.court_id,
        "defendant_id": first.defendant_id,
        "mass_g": first.mass_g,
        "verified_by_id": first.verified_by_id,
        "verified_at": first.verified_at,
    }
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(insert(Verification).values(twin))


@pytest.mark.parametrize("model", [Verification, AuditEntry])
def test_verifications_and_the_audit_log_are_append_only(
    client, db_session, courts, staff, forestry, family, model
):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    number = judicial_certificate(client, family, case["defendants"][0])
    verified = verify(client, staff.clerk, case["id"], number)
    assert verified.status_code == 201, verified.get_json()
    table = model.__table__
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(update(table).values(court_id=courts.other.id))
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(delete(table))
