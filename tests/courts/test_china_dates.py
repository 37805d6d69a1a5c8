"""One date for one certificate (issue 17, finding 3): bought at 23:30 UTC, which is 07:30 the
next morning in Beijing, and verified (核销) ten minutes later, a certificate is dated that
Beijing day on its image, in its JSON (`issued_on`, the signed claim), on the verify page, in
its owner's list and in the court's case report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from backend.certificates import render, services
from backend.courts import report
from backend.courts.models import CourtCase
from tests import factories as f

PAID = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 2026-12-07 07:30 in Beijing
VERIFIED = datetime(2026, 12, 6, 23, 40, tzinfo=UTC)
BEIJING, UTC_DAY = date(2026, 12, 7), date(2026, 12, 6)


@pytest.fixture
def at_night(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("backend.orders.settlement.utcnow", lambda: PAID)
    monkeypatch.setattr("backend.courts.verification.utcnow", lambda: VERIFIED)


def test_a_certificate_bought_at_2330_utc_is_dated_the_beijing_day_everywhere(
    app, client, db_session, courts, staff, forestry, at_night
):
    case = f.open_case(client, staff.clerk, courts.basic.id, defendants=[{"name": "被告人甲"}])
    link = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
    family = f.sign_in(client, f.user(db_session, "家属").phone)
    order = client.post(
        f"/api/v1/court-purchases/{link}/orders", json={}, headers=f.order_headers(family)
    ).get_json()
    paid = client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=f.bearer(family))
    number = paid.get_json()["certificate_number"]
    verified = client.post(
        f"/api/v1/court-cases/{case['id']}/verifications",
        json={"certificate_number": number},
        headers=f.bearer(staff.clerk),
    )
    assert verified.status_code == 201, verified.get_json()

    # the JSON: the instant in UTC, the date in Beijing, the signed claim's date the same
    cert = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(family)).get_json()
    assert datetime.fromisoformat(cert["issued_at"]) == PAID
    assert cert["issued_on"] == cert["claim"]["d"] == BEIJING.isoformat()
    mine = client.get("/api/v1/certificates", headers=f.bearer(family)).get_json()["items"]
    assert [c["issued_on"] for c in mine if c["number"] == number] == [BEIJING.isoformat()]

    # the image draws that date, not the UTC one
    row = services.get(db_session, number)
    view = services.view(db_session, app.extensions["certificate_issuer"], row)
    assert view.issued_on == BEIJING
    png = client.get(f"{cert['png_url']}&size=600").get_data()
    assert png == render.render_png(view, 600)
    assert png != render.render_png(replace(view, issued_on=UTC_DAY), 600)

    # the verify page: issued and verified on the same Beijing day
    html = client.get(f"/verify/{number}?k={cert['check_code']}").get_data(as_text=True)
    assert html.count(BEIJING.isoformat()) == 2  # 签发日期, 核销日期
    assert UTC_DAY.isoformat() not in html

    # the court's case report
    lines = [
        line.text
        for line in report.lines(db_session, db_session.get(CourtCase, case["id"]), VERIFIED)
    ]
    assert any(f"签发 {BEIJING.isoformat()} 07:30" in text for text in lines)
    assert any(f"核销 Verified：{BEIJING.isoformat()} 07:40" in text for text in lines)
    assert not any(UTC_DAY.isoformat() in text for text in lines)
