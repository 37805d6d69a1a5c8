"""The 碳中和声明 and the accounting report (issue 19): PDFs whose text carries the totals, the
registry serials, the certificate number and Chinese (a real font, never tofu); the owner reads
both, the public with the check code only the statement, and nobody a report for a certificate
without an event, meeting, venue or hearing footprint."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlalchemy import select, update

from backend.certificates.models import Certificate
from backend.certificates.view import mass_label
from backend.footprint.models import Footprint
from backend.imaging import fonts
from backend.orders.models import Order
from tests import factories as f
from tests.footprint.test_purpose import FORUM, MEETING, footprint


def text(resp) -> str:
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(resp.get_data()))
    return "\n".join(page.extract_text() for page in pdf.pages)


def pages(resp) -> int:
    return len(pypdf.PdfReader(io.BytesIO(resp.get_data())).pages)


@pytest.fixture
def meeting(client, stock, buyer) -> dict:
    """A neutralised meeting's certificate (JSON, as its owner reads it) and its footprint."""
    fp = client.get(
        f"/api/v1/footprints/{footprint(client, buyer.token, MEETING)}",
        headers=f.bearer(buyer.token),
    ).get_json()
    order = f.neutralise(
        client, buyer.token, footprint_id=fp["id"], preferences=stock.prefs, beneficiary="低碳协会"
    )
    number = order["certificate_number"]
    cert = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token)).get_json()
    return {"cert": cert, "footprint": fp}


def serials(cert: dict) -> list[str]:
    return [u["serial"] for c in cert["credits"] for u in c["units"]]


def test_the_statement_states_who_what_the_totals_serials_and_certificate(
    client, buyer, meeting
) -> None:
    cert, fp = meeting["cert"], meeting["footprint"]
    url = f"/api/v1/certificates/{cert['number']}/statement.pdf"
    resp = client.get(url, headers=f.bearer(buyer.token))
    assert pages(resp) == 1
    body = text(resp)
    assert "碳中和声明" in body
    assert "Carbon-Neutrality Statement" in body
    assert "低碳协会" in body
    assert f"会议：{FORUM}" in body
    assert f"Meeting: {FORUM}" in body
    assert f"{mass_label(fp['mass_g'])} CO2e" in body
    assert f"{mass_label(cert['mass_g'])} CO2e" in body
    assert cert["number"] in body
    assert cert["check_code"] in body
    assert cert["issued_on"] in body
    assert "依据《大型活动碳中和实施指南（试行）》" in body.replace("\n", "")
    assert "合并注销" in body
    assert f"{len(fp['defaults'])} 项未填写的数据采用有来源的默认值" in body
    for serial in {c["serials"] for c in cert["credits"]}:
        assert serial in body.replace("\n", "")
    assert resp.headers["Cache-Control"] == "private, max-age=60"
    again = client.get(
        url, headers={**f.bearer(buyer.token), "If-None-Match": resp.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_report_carries_factors_sources_results_and_serials(client, buyer, meeting) -> None:
    cert, fp = meeting["cert"], meeting["footprint"]
    resp = client.get(
        f"/api/v1/certificates/{cert['number']}/report.pdf",
        headers={**f.bearer(buyer.token), "Accept-Language": "zh-CN"},
    )
    body = text(resp)
    flat = body.replace("\n", "")
    assert "碳中和核算报告" in body
    for section in ("核算边界", "排放源", "活动数据", "排放因子及来源", "核算结果", "碳信用注销"):
        assert section in body
    assert "大型活动碳中和实施指南" in body
    assert f"排放总量：{mass_label(fp['mass_g'])} CO2e" in body
    for line in fp["breakdown"]["lines"]:
        assert line["factor"]["key"] in flat
        assert line["factor"]["source"][:30] in flat
    for d in fp["defaults"]:
        assert d["field"] in flat
    assert "举办阶段" in body
    assert "kgCO2e/餐" in flat  # units in the report's language
    assert " per meal" not in flat
    assert "场馆用电" in flat  # the footprint's own words, in the report's language
    assert "本地交通（地铁）" in flat
    for serial in serials(cert):
        assert serial in flat
    assert cert["number"] in body
    english = text(
        client.get(
            f"/api/v1/certificates/{cert['number']}/report.pdf",
            headers={**f.bearer(buyer.token), "Accept-Language": "en-GB,en;q=0.9"},
        )
    )
    assert "Carbon-Neutrality Accounting Report" in english
    assert f"Total emissions: {mass_label(fp['mass_g'])} CO2e" in english
    assert "By phase" in english
    assert "Venue electricity" in english.replace("\n", " ")


def test_strangers_get_nothing_and_the_check_code_opens_the_statement_only(
    client, db_session, meeting
) -> None:
    cert = meeting["cert"]
    base = f"/api/v1/certificates/{cert['number']}"
    stranger = f.bearer(f.sign_in(client, f.user(db_session, "路人").phone))
    for path in ("statement.pdf", "report.pdf"):
        resp = client.get(f"{base}/{path}", headers=stranger)
        assert resp.status_code == 404
        assert resp.mimetype == "application/problem+json"
    assert client.get(f"{base}/statement.pdf").status_code == 404
    assert client.get(f"{base}/report.pdf?k={cert['check_code']}").status_code == 401  # sign in
    public = client.get(f"{base}/statement.pdf?k={cert['check_code']}")
    assert "低碳协会" in text(public)
    assert public.headers["Cache-Control"] == "public, max-age=60"
    refused = client.get(
        f"{base}/report.pdf?k={cert['check_code']}",
        headers={**stranger, "Accept-Language": "zh-CN"},
    )
    assert refused.status_code == 403
    assert refused.get_json()["detail"].startswith("核算报告")
    assert refused.get_json()["code"] == "certificates.report_owner_only"


def test_a_certificate_without_an_event_footprint_has_no_pdfs(client, buyer, certify) -> None:
    cert = certify()  # a mass bought outright, no footprint
    for path in ("statement.pdf", "report.pdf"):
        resp = client.get(
            f"/api/v1/certificates/{cert['number']}/{path}", headers=f.bearer(buyer.token)
        )
        assert resp.status_code == 404
        assert resp.get_json()["type"].endswith("/no-footprint")
    unknown = client.get("/api/v1/certificates/DD-2099-000001/statement.pdf")
    assert unknown.status_code == 404
    assert unknown.mimetype == "application/problem+json"


def test_a_judicial_statement_is_masked_to_the_public(client, db_session, meeting) -> None:
    cert = meeting["cert"]
    row = db_session.scalar(select(Certificate).where(Certificate.number == cert["number"]))
    db_session.execute(update(Certificate).where(Certificate.id == row.id).values(judicial=True))
    db_session.execute(update(Order).where(Order.id == row.order_id).values(judicial=True))
    db_session.commit()
    public = text(
        client.get(f"/api/v1/certificates/{cert['number']}/statement.pdf?k={cert['check_code']}")
    )
    assert "低*" in public
    assert "低碳协会" not in public
    assert FORUM not in public
    assert "司法生态修复" in public


def test_no_character_of_either_pdf_is_missing_from_the_embedded_font(
    client, buyer, meeting
) -> None:
    cert = meeting["cert"]
    for path in ("statement.pdf", "report.pdf", "report.pdf?lang=en", "statement.pdf?lang=en"):
        resp = client.get(
            f"/api/v1/certificates/{cert['number']}/{path}", headers=f.bearer(buyer.token)
        )
        assert fonts.missing_glyphs(text(resp), fonts.pdf_font()) == set(), path


def test_an_events_report_lists_its_parts_factors_and_the_claim_standard(
    client, db_session, stock, buyer
) -> None:
    hearing = footprint(
        client,
        buyer.token,
        {"kind": "hearing", "hearing": {"participants": [{"role": "judge", "count": 3}]}},
    )
    meeting = footprint(client, buyer.token, MEETING)
    event = footprint(
        client,
        buyer.token,
        {"kind": "event", "event": {"name": "2026 环境司法周", "footprints": [hearing, meeting]}},
    )
    parts = [
        client.get(f"/api/v1/footprints/{p}", headers=f.bearer(buyer.token)).get_json()
        for p in (hearing, meeting)
    ]
    # the claim standard the event was accounted under (the default, mee-2019)
    assert db_session.get(Footprint, event).content()["standard"]["id"] == "mee-2019"
    order = f.neutralise(client, buyer.token, footprint_id=event, preferences=stock.prefs)
    base = f"/api/v1/certificates/{order['certificate_number']}"
    zh = {**f.bearer(buyer.token), "Accept-Language": "zh-CN"}
    report = text(client.get(f"{base}/report.pdf", headers=zh))
    flat = report.replace("\n", "")
    for part in parts:
        for line in part["breakdown"]["lines"]:
            assert line["factor"]["key"] in flat
    assert "活动：2026 环境司法周" in report
    assert "依据《大型活动碳中和实施指南（试行）》" in flat
    statement = text(client.get(f"{base}/statement.pdf", headers=f.bearer(buyer.token)))
    assert "Accounted under the MEE Guidelines" in statement.replace("\n", " ")


def test_credits_the_standard_does_not_accept_make_no_neutrality_claim(
    client, db_session, buyer
) -> None:
    """Under mee-2019 a 碳中和 claim needs credits of a kind the MEE guide accepts: VCUs retired
    for a meeting are stated as retired, and no claim is made."""
    vcu = f.project(db_session, standard="VCU", province=None, country="US")
    f.lot(db_session, vcu, 100, price=5000)
    fp = client.get(
        f"/api/v1/footprints/{footprint(client, buyer.token, MEETING)}",
        headers=f.bearer(buyer.token),
    ).get_json()
    assert fp["standard"]["id"] == "mee-2019"
    order = f.neutralise(
        client, buyer.token, footprint_id=fp["id"], preferences={"project_ids": [vcu.id]}
    )
    url = f"/api/v1/certificates/{order['certificate_number']}/statement.pdf"
    body = text(client.get(url, headers=f.bearer(buyer.token))).replace("\n", "")
    assert "实现碳中和" not in body
    assert "故不作碳中和声明" in body
    assert "no such claim is made" in body
