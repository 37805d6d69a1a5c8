"""Opening, reading and closing cases: validation naming the field, default eligible credits,
visibility up the hierarchy only, and the judge's close."""

from __future__ import annotations

import pytest

from backend.accounts.models import Role
from tests import factories as f


def post_case(client, token, court_id, **overrides):
    return client.post(
        "/api/v1/court-cases", json=f.case_body(court_id, **overrides), headers=f.bearer(token)
    )


def test_a_clerk_opens_the_seed_case(client, courts, staff, forestry):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    assert case["number"] == "(2023)川1827刑初12号"  # exactly as written
    assert case["status"] == "open"
    assert case["required_g"] == 24_000_000
    assert case["eligible"] == {
        "standards": ["CCER", "CDCER"],
        "types": ["forestry"],
        "regions": ["CN-SC"],
    }
    assert [d["position"] for d in case["defendants"]] == [1, 2, 3, 4, 5, 6]
    links = {d["purchase_url"] for d in case["defendants"]}
    assert len(links) == 6
    assert all(u.startswith("http://127.0.0.1:8000/court-purchase/cp_") for u in links)


def test_without_local_stock_the_default_widens_to_all_china(client, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    assert case["eligible"]["regions"] == ["CN"]
    audit = client.get(
        f"/api/v1/court-cases/{case['id']}/audit", headers=f.bearer(staff.clerk)
    ).get_json()["items"]
    assert "no forestry carbon sinks in stock in CN-SC" in audit[0]["details"]["eligible_because"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "川1827刑初12号"}, "number"),
        ({"site": {"place": "宝兴", "province": "CN-XX"}}, "site.province"),
        ({"defendants": []}, "defendants"),
        ({"defendants": [{"name": "甲", "phone": "12345"}]}, "defendants.0.phone"),
        ({"mass_g": 1.5}, "mass_g"),
        ({"mass_basis": "each"}, "mass_basis"),
        ({"deadline": "2001-01-01"}, "deadline"),
        (
            {"eligible": {"standards": [], "types": ["forestry"], "regions": ["CN-SC"]}},
            "eligible.standards",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(client, courts, staff, overrides, field):
    resp = post_case(client, staff.clerk, courts.basic.id, **overrides)
    assert resp.status_code == 422, resp.get_json()
    assert resp.headers["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in resp.get_json()["errors"]]


def test_a_case_number_is_unique_in_its_court(client, courts, staff):
    f.open_case(client, staff.clerk, courts.basic.id)
    again = post_case(client, staff.judge, courts.basic.id)
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/case-number-taken"
    assert again.get_json()["errors"][0]["field"] == "number"


def test_only_the_courts_own_staff_open_its_cases(client, db_session, courts, staff):
    upper = post_case(client, staff.high_judge, courts.basic.id)
    assert upper.status_code == 403  # sees the court, does not act for it
    outsider = post_case(client, staff.other_clerk, courts.basic.id)
    assert outsider.status_code == 422
    assert outsider.get_json()["errors"][0]["field"] == "court_id"
    nobody = f.sign_in(client, f.user(db_session).phone)
    assert post_case(client, nobody, courts.basic.id).status_code == 422


def test_cases_are_seen_up_the_hierarchy_and_nowhere_else(client, db_session, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    path = f"/api/v1/court-cases/{case['id']}"
    assert client.get(path, headers=f.bearer(staff.high_judge)).status_code == 200
    assert client.get(path, headers=f.bearer(staff.judge)).status_code == 200
    cross = client.get(path, headers=f.bearer(staff.other_clerk))
    assert cross.status_code == 404
    assert cross.headers["Content-Type"] == "application/problem+json"
    stranger = f.sign_in(client, f.user(db_session).phone)
    assert client.get(path, headers=f.bearer(stranger)).status_code == 404
    assert client.get(path).status_code == 401
    mid_clerk = f.court_staff(client, db_session, courts.mid, Role.clerk)
    listed = client.get("/api/v1/court-cases", headers=f.bearer(mid_clerk)).get_json()
    assert [c["id"] for c in listed["items"]] == [case["id"]]
    mine = client.get("/api/v1/court-cases", headers=f.bearer(staff.other_clerk)).get_json()
    assert mine["items"] == []
    foreign = client.get(
        f"/api/v1/court-cases?court_id={courts.basic.id}", headers=f.bearer(staff.other_clerk)
    )
    assert foreign.status_code == 404


def test_listing_pages_with_a_cursor(client, courts, staff):
    ids = [
        f.open_case(client, staff.clerk, courts.basic.id, number=f"(2023)川1827刑初{n}号")["id"]
        for n in range(1, 4)
    ]
    first = client.get("/api/v1/court-cases?limit=2", headers=f.bearer(staff.judge)).get_json()
    rest = client.get(
        f"/api/v1/court-cases?limit=2&cursor={first['next_cursor']}",
        headers=f.bearer(staff.judge),
    ).get_json()
    assert [c["id"] for c in first["items"] + rest["items"]] == ids[::-1]
    assert rest["next_cursor"] is None


def test_a_judge_closes_a_case_clerks_cannot(client, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    close = f"/api/v1/court-cases/{case['id']}/close"
    assert (
        client.post(close, json={"reason": "撤诉"}, headers=f.bearer(staff.clerk)).status_code
        == 403
    )
    no_reason = client.post(close, json={}, headers=f.bearer(staff.judge))
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    closed = client.post(close, json={"reason": "被告人死亡"}, headers=f.bearer(staff.judge))
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    again = client.post(close, json={"reason": "再次"}, headers=f.bearer(staff.judge))
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/illegal-case-transition"
