"""Operators create courts in a hierarchy; a lower court sits in its parent's province."""

from __future__ import annotations

from tests import factories as f


def post_court(client, token, **body):
    return client.post("/api/v1/courts", json=body, headers=f.bearer(token))


def test_an_operator_builds_the_three_levels(client, db_session):
    op = f.operator_token(client, db_session)
    high = post_court(client, op, name="四川省高级人民法院", level="high", province="CN-SC")
    assert high.status_code == 201, high.get_json()
    mid = post_court(
        client,
        op,
        name="雅安中院",
        level="intermediate",
        province="CN-SC",
        parent_id=high.get_json()["id"],
    )
    assert mid.status_code == 201, mid.get_json()
    basic = post_court(
        client,
        op,
        name="宝兴县人民法院",
        level="basic",
        province="CN-SC",
        parent_id=mid.get_json()["id"],
    )
    body = basic.get_json()
    assert basic.status_code == 201
    assert body["level"] == "basic"
    assert body["parent_id"] == mid.get_json()["id"]
    assert body["province_name"] == "四川省"
    listed = client.get("/api/v1/courts", headers=f.bearer(op)).get_json()
    assert {c["id"] for c in listed} >= {high.get_json()["id"], body["id"]}


def test_the_hierarchy_is_checked_naming_the_field(client, db_session, courts):
    op = f.operator_token(client, db_session)
    skip = post_court(
        client, op, name="跳级法院", level="basic", province="CN-SC", parent_id=courts.high.id
    )
    assert skip.status_code == 422
    assert skip.get_json()["errors"][0]["field"] == "parent_id"
    elsewhere = post_court(
        client,
        op,
        name="外省中院",
        level="intermediate",
        province="CN-YN",
        parent_id=courts.high.id,
    )
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["errors"][0]["field"] == "province"
    bad = post_court(client, op, name="无省法院", level="high", province="SC")
    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert bad.get_json()["errors"][0]["field"] == "province"


def test_only_operators_create_courts(client, db_session, staff):
    resp = post_court(client, staff.judge, name="自设法院", level="high", province="CN-SC")
    assert resp.status_code == 403


def test_a_court_sees_itself_and_those_below(client, courts, staff):
    seen = client.get("/api/v1/courts", headers=f.bearer(staff.high_judge)).get_json()
    assert {c["id"] for c in seen} == {courts.high.id, courts.mid.id, courts.basic.id}
    below = client.get("/api/v1/courts", headers=f.bearer(staff.clerk)).get_json()
    assert [c["id"] for c in below] == [courts.basic.id]
    hidden = client.get(f"/api/v1/courts/{courts.high.id}", headers=f.bearer(staff.clerk))
    assert hidden.status_code == 404
