"""Separate consent for sensitive personal information (PIPL art. 28-29), asked and enforced
where we hold it: precise travel data reported by partners (points), and judicial records when
someone buys through a court's purchase link (courts)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import legal
from backend.accounts.legal import Document
from backend.accounts.models import Role
from backend.courts.models import CourtOrder
from backend.points.models import GreenAction
from tests import factories as f
from tests.points.conftest import Partner, metro


def kept_actions(s: Session, user_id: int) -> int:
    return int(
        s.scalar(
            select(func.count()).select_from(GreenAction).where(GreenAction.user_id == user_id)
        )
        or 0
    )


def test_partners_report_travel_only_for_people_who_consented(
    client, db_session: Session, partner: Partner
):
    consenting = f.user(db_session, "同意者")
    refusing = f.user(db_session, "未同意者", consents=False)
    token = f.sign_in(client, refusing.phone)  # accepts the terms, not the travel consent
    resp = partner.report(metro(consenting.phone, ext="a"), metro(refusing.phone, ext="b"))
    assert resp.status_code == 200, resp.get_json()
    results = resp.get_json()["results"]
    assert results[0]["status"] == "accepted"
    assert (results[1]["status"], results[1]["reason"]) == ("rejected", "no_travel_consent")
    assert kept_actions(db_session, refusing.id) == 0  # nothing of the refused report is kept

    granted = client.post(
        "/api/v1/me/consents",
        json={"accept": [{"document": "travel", "version": legal.version(Document.travel)}]},
        headers=f.bearer(token),
    )
    assert granted.status_code == 200
    again = partner.report(metro(refusing.phone, ext="b"))
    assert again.get_json()["results"][0]["status"] == "accepted"

    client.delete("/api/v1/me/consents/travel", headers=f.bearer(token))
    withdrawn = partner.report(metro(refusing.phone, ext="c", ago=300))
    assert withdrawn.get_json()["results"][0]["reason"] == "no_travel_consent"
    assert kept_actions(db_session, refusing.id) == 1


def test_buying_for_a_defendant_needs_the_judicial_consent(
    client,
    db_session: Session,
    courts,
    forestry,
):
    clerk = f.court_staff(client, db_session, courts.basic, Role.clerk)
    case = f.open_case(client, clerk, courts.basic.id, defendants=[{"name": "被告人甲"}])
    link = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
    family = f.sign_in(client, f.new_phone())  # a new account: terms and privacy only

    refused = client.post(
        f"/api/v1/court-purchases/{link}/orders", json={}, headers=f.order_headers(family)
    )
    assert refused.status_code == 403
    problem = refused.get_json()
    assert problem["type"] == "/problems/consent-required"
    assert [d["document"] for d in problem["documents"]] == ["judicial"]
    assert db_session.scalar(select(func.count()).select_from(CourtOrder)) == 0

    client.post(
        "/api/v1/me/consents",
        json={"accept": [{"document": "judicial", "version": legal.version(Document.judicial)}]},
        headers=f.bearer(family),
    )
    ordered = client.post(
        f"/api/v1/court-purchases/{link}/orders", json={}, headers=f.order_headers(family)
    )
    assert ordered.status_code == 201, ordered.get_json()
