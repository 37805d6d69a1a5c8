"""A judicial certificate in public (issue 17, finding 8): the defendant's name masked (被*), no
case number, on the JSON, the image and the verify page; the defendant's buyer (its owner),
the court's staff and operators read everything; a bare number finds nothing."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from backend.certificates import render, services
from backend.certificates.models import Certificate
from backend.footprint.purpose import Purpose, PurposeKind
from tests import factories as f

ZH = {"Accept-Language": "zh-CN"}  # the verify page as a phone in China asks for it

CASE = "(2023)川1827刑初12号"
T = 1_000_000


def judicial_certificate(client, db_session, courts, staff) -> tuple[str, str]:
    """A defendant's certificate, bought by a relative and verified by the court: (number,
    the buyer's token)."""
    case = f.open_case(client, staff.clerk, courts.basic.id, defendants=[{"name": "张三丰"}])
    token = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
    family = f.sign_in(client, f.user(db_session, "家属").phone)
    order = client.post(
        f"/api/v1/court-purchases/{token}/orders", json={}, headers=f.order_headers(family)
    ).get_json()
    paid = client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=f.bearer(family))
    number: str = paid.get_json()["certificate_number"]
    done = client.post(
        f"/api/v1/court-cases/{case['id']}/verifications",
        json={"certificate_number": number},
        headers=f.bearer(staff.clerk),
    )
    assert done.status_code == 201, done.get_json()
    return number, family


def test_the_public_sees_a_masked_name_and_no_case_number(
    app, client, db_session, courts, staff, forestry
):
    number, family = judicial_certificate(client, db_session, courts, staff)
    mine = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(family)).get_json()
    assert (mine["beneficiary"], mine["purpose"]) == ("张三丰", f"生态修复：{CASE}")
    assert mine["verified_for"] == CASE
    code = mine["check_code"]

    # the JSON, with the check code printed on the certificate
    public = client.get(f"/api/v1/certificates/{number}?k={code}")
    assert public.status_code == 200
    body = public.get_json()
    assert body["beneficiary"] == "张*"
    assert body["purpose"] == "司法生态修复"
    assert body["purpose_detail"]["text"]["en"] == "Judicial ecological restoration"
    assert body["verified_for"] == ""
    assert body["verified_by"] == "宝兴县人民法院"
    assert "张三丰" not in public.get_data(as_text=True)
    assert CASE not in public.get_data(as_text=True)

    # the verify page, by number and code and by the QR
    for url in (f"/verify/{number}?k={code.lower()}", mine["verify_url"].split("8000", 1)[1]):
        html = client.get(url, headers=ZH).get_data(as_text=True)
        assert "有效证书" in html
        assert "张*" in html
        assert "已由宝兴县人民法院核销" in html
        assert "张三丰" not in html
        assert CASE not in html

    # the image: drawn from the masked view, not the full one
    cert = db_session.scalar(select(Certificate).where(Certificate.number == number))
    issuer = app.extensions["certificate_issuer"]
    shown = services.view(db_session, issuer, cert)
    assert shown.beneficiary == "张*"
    png = client.get(f"/api/v1/certificates/{number}.png?k={code}&size=600")
    assert png.get_data() == render.render_png(shown, 600)
    full = services.view(db_session, issuer, cert, full=True)
    assert full == replace(
        shown, beneficiary="张三丰", purpose=Purpose(PurposeKind.restoration, CASE)
    )
    own = client.get(f"/api/v1/certificates/{number}.png?size=600", headers=f.bearer(family))
    assert own.get_data() == render.render_png(full, 600)
    assert own.headers["Cache-Control"].startswith("private")


def test_the_court_and_operators_read_everything_other_courts_do_not(
    client, db_session, courts, staff, forestry
):
    number, _ = judicial_certificate(client, db_session, courts, staff)
    op = f.bearer(f.operator_token(client, db_session))
    for token in (staff.clerk, staff.judge, staff.high_judge):
        body = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(token)).get_json()
        assert (body["beneficiary"], body["verified_for"]) == ("张三丰", CASE)
    assert client.get(f"/api/v1/certificates/{number}", headers=op).get_json()["purpose"] == (
        f"生态修复：{CASE}"
    )
    other = f.bearer(staff.other_clerk)
    assert client.get(f"/api/v1/certificates/{number}", headers=other).status_code == 404
    code = client.get(f"/api/v1/certificates/{number}", headers=op).get_json()["check_code"]
    seen = client.get(f"/api/v1/certificates/{number}?k={code}", headers=other).get_json()
    assert seen["beneficiary"] == "张*"


def test_a_bare_number_finds_nothing(client, db_session, courts, staff, forestry):
    number, _ = judicial_certificate(client, db_session, courts, staff)
    never = "DD-2099-000001"
    for path in ("/api/v1/certificates/{}", "/api/v1/certificates/{}.png", "/verify/{}"):
        issued = client.get(path.format(number))
        unknown = client.get(path.format(never))
        assert issued.status_code == unknown.status_code == 404
        assert "张" not in issued.get_data(as_text=True)
        wrong = client.get(path.format(number) + "?k=AAAAAA")
        assert wrong.status_code == 404

    def problem(n: str) -> dict:
        body: dict = client.get(f"/api/v1/certificates/{n}").get_json()
        return {k: v for k, v in body.items() if k != "request_id"}

    assert problem(number) == problem(never)
    ledger = client.get("/api/v1/ledger").get_data(as_text=True)
    assert "张" not in ledger
    assert CASE not in ledger
