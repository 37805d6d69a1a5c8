"""The courts' problems in Chinese (issue 20): a clerk in zh-CN reads refusals and field
messages in Chinese; a verification refusal keeps its slug (the staff PWA words it by slug)
and the audit keeps its code, not English words."""

from __future__ import annotations

import re
from datetime import date

from backend.courts.models import CourtCase
from tests import factories as f
from tests.courts.test_purchase_flow import token_of, verify

ZH = {"Accept-Language": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(words: str) -> bool:
    """Chinese, with no Latin words but codes (CN-SC)."""
    english = [w for w in re.findall(r"[A-Za-z]{3,}", words) if not w.isupper()]
    return bool(CJK.search(words)) and not english


def test_a_refusal_is_in_chinese_and_keeps_its_slug(client, courts, staff, stock, buyer):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    plain = f.neutralise(client, buyer.token, mass_g=1_000_000, preferences=stock.prefs)
    resp = client.post(
        f"/api/v1/court-cases/{case['id']}/verifications",
        json={"certificate_number": plain["certificate_number"]},
        headers={**f.bearer(staff.clerk), **ZH},
    )
    assert resp.status_code == 422
    problem = resp.get_json()
    assert problem["type"] == "/problems/certificate-not-judicial"
    assert problem["code"] == "courts.certificate_not_judicial"
    assert chinese(problem["title"])
    assert chinese(problem["detail"])
    assert problem["detail"].startswith("这不是司法生态修复证书")
    assert problem["errors"][0]["field"] == "certificate_number"
    assert problem["errors"][0]["detail"] == problem["detail"]
    unknown = verify(client, staff.clerk, case["id"], "DD-1999-000001").get_json()
    assert unknown["detail"] == "No certificate has this number."  # English when asked
    audit = client.get(
        f"/api/v1/court-cases/{case['id']}/audit", headers=f.bearer(staff.judge)
    ).get_json()["items"]
    refused = [e["details"] for e in audit if e["action"] == "verification.refused"]
    assert [(d["reason"], d["code"]) for d in refused] == [
        ("certificate-not-judicial", "courts.certificate_not_judicial"),
        ("certificate-unknown", "courts.certificate_unknown"),
    ]


def test_a_case_numbers_shape_is_told_in_chinese(client, courts, staff):
    resp = client.post(
        "/api/v1/court-cases",
        json=f.case_body(courts.basic.id, number="川1827刑初12号"),
        headers={**f.bearer(staff.clerk), **ZH},
    )
    assert resp.status_code == 422
    (error,) = resp.get_json()["errors"]
    assert (error["field"], error["code"]) == ("number", "courts.case_number_format")
    assert chinese(error["detail"].replace("(2023)川1827刑初12号", ""))


def test_an_upper_court_is_refused_in_chinese(client, courts, staff):
    resp = client.post(
        "/api/v1/court-cases",
        json=f.case_body(courts.basic.id),
        headers={**f.bearer(staff.high_judge), **ZH},
    )
    assert resp.status_code == 403
    assert resp.get_json()["detail"] == "只有本院法官或书记员可以进行此操作。"


def test_a_closed_link_says_why_in_the_readers_language(
    client, db_session, courts, staff, forestry
):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    db_session.get_one(CourtCase, case["id"]).deadline = date(2020, 1, 1)
    db_session.commit()
    link = f"/api/v1/court-purchases/{token_of(case['defendants'][0])}"
    zh = client.get(link, headers=ZH).get_json()
    assert zh["closed_because"] == "购买期限（2020-01-01）已过，请联系法院。"
    en = client.get(link).get_json()
    assert en["closed_because"] == "The deadline, 2020-01-01, has passed; ask the court."
    buyer = f.sign_in(client, f.user(db_session).phone)
    late = client.post(f"{link}/orders", json={}, headers={**f.order_headers(buyer), **ZH})
    assert late.status_code == 409
    assert late.get_json()["detail"] == zh["closed_because"]
    assert chinese(late.get_json()["title"])
