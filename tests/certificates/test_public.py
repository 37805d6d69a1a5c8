"""The public ledger and statistics: traceable to serial units, no names, no sign-in; a
certificate read by its owner, or by anyone with its check code."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.certificates import services
from tests import factories as f

ZH = {"Accept-Language": "zh-CN"}  # the verify page as a phone in China asks for it


def test_the_ledger_traces_each_certificate_to_its_units(client, certify, stock):
    made = [certify(mass_g=1_500_000, beneficiary=f"受益人{i}")["number"] for i in range(3)]
    page = client.get("/api/v1/ledger?limit=2").get_json()
    seen = page["items"]
    while page["next_cursor"]:
        page = client.get(f"/api/v1/ledger?limit=2&cursor={page['next_cursor']}").get_json()
        seen += page["items"]
    ours = [e for e in seen if e["certificate_number"] in made]
    assert [e["certificate_number"] for e in ours] == list(reversed(made))
    entry = ours[0]
    assert sum(u["gram_end"] - u["gram_start"] for u in entry["units"]) == 1_500_000
    assert {u["lot_id"] for u in entry["units"]} == {stock.lot.id}
    assert all(stock.lot.first_unit <= u["serial"] <= stock.lot.last_unit for u in entry["units"])
    assert "受益人" not in str(seen)
    assert client.get("/api/v1/ledger?cursor=!!").status_code == 422


def test_stats_count_valid_neutralisations_by_standard_type_province_and_month(
    client, db_session, certify, buyer
):
    before = client.get("/api/v1/stats").get_json()
    p = f.project(db_session, standard="CDCER", ptype="linpan", province="CN-SC")
    f.lot(db_session, p, 10, price=1290)
    certify(mass_g=2_000_000)
    f.neutralise(
        client, buyer.token, mass_g=500_000, beneficiary="x", preferences={"project_ids": [p.id]}
    )
    revoked = certify(mass_g=7_000_000)["number"]
    op = f.bearer(f.operator_token(client, db_session))
    client.post(
        f"/api/v1/certificates/{revoked}/revocation", json={"reason": "测试撤销"}, headers=op
    )
    after = client.get("/api/v1/stats").get_json()

    def grams(stats, table, key):
        return next((r["mass_g"] for r in stats[table] if r["key"] == key), 0)

    assert after["neutralisations"] == before["neutralisations"] + 2
    assert after["mass_g"] == before["mass_g"] + 2_500_000
    assert grams(after, "by_standard", "CDCER") - grams(before, "by_standard", "CDCER") == 500_000
    assert grams(after, "by_standard", "CCER") - grams(before, "by_standard", "CCER") == 2_000_000
    assert (
        grams(after, "by_project_type", "linpan") - grams(before, "by_project_type", "linpan")
        == 500_000
    )
    assert sum(r["mass_g"] for r in after["by_month"]) == after["mass_g"]
    assert sum(r["count"] for r in after["neutralisations_by_month"]) == after["neutralisations"]


def test_stats_are_served_from_the_workers_snapshot_until_its_next_refresh(
    client, db_session, certify
):
    certify(mass_g=1_000_000)
    live = client.get("/api/v1/stats").get_json()  # no snapshot yet: computed
    services.refresh_stats(db_session)
    db_session.commit()
    assert client.get("/api/v1/stats").get_json() == live  # the snapshot, the same figures
    certify(mass_g=3_000_000)
    assert client.get("/api/v1/stats").get_json() == live  # not yet refreshed
    services.refresh_stats(db_session)
    db_session.commit()
    fresh = client.get("/api/v1/stats").get_json()
    assert fresh["neutralisations"] == live["neutralisations"] + 1
    assert fresh["mass_g"] == live["mass_g"] + 3_000_000
    assert sum(r["count"] for r in fresh["neutralisations_by_month"]) == fresh["neutralisations"]


def test_a_certificate_is_read_by_its_owner_or_with_its_check_code(
    client, db_session, certify, buyer
):
    cert = certify(beneficiary="熊猫保护协会")
    number, code = cert["number"], cert["check_code"]
    assert cert["png_url"] == f"/api/v1/certificates/{number}.png?k={code}"
    someone = f.bearer(f.sign_in(client, f.user(db_session).phone))
    for headers in ({}, someone):
        assert client.get(f"/api/v1/certificates/{number}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/certificates/{number}.png", headers=headers).status_code == 404
        shown = client.get(f"/api/v1/certificates/{number}?k={code.lower()}", headers=headers)
        assert shown.get_json()["beneficiary"] == "熊猫保护协会"  # not judicial: public as is
    assert client.get(f"/verify/{number}").status_code == 404
    assert "熊猫保护协会" not in client.get(f"/verify/{number}").get_data(as_text=True)
    assert client.get(f"/verify/{number}?k={code}").status_code == 200
    mine = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token))
    assert mine.get_json()["check_code"] == code


def test_a_revocation_is_dated_in_china(client, db_session, certify, monkeypatch):
    cert = certify()
    night = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 2026-12-07 07:30 in Beijing
    monkeypatch.setattr("backend.certificates.services.utcnow", lambda: night)
    op = f.bearer(f.operator_token(client, db_session))
    url = f"/api/v1/certificates/{cert['number']}/revocation"
    assert client.post(url, json={"reason": "重复申报"}, headers=op).status_code == 200
    html = client.get(f"/verify/{cert['number']}?k={cert['check_code']}", headers=ZH).get_data(
        as_text=True
    )
    assert "撤销时间：2026-12-07" in html
