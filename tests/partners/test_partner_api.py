"""The partner REST API: a company's own system neutralises for its staff and customers with an
organisation API key, lists its orders and fetches its certificates."""

from __future__ import annotations

from backend.certificates import claims
from tests import factories as f
from tests.points.test_redemption import give_points, redeem

MEETING = {"kind": "meeting", "meeting": {"attendees": 30, "days": 1, "city": "成都"}}
SCOPES = ["footprints:write", "footprints:read", "orders:write", "orders:read", "certificates:read"]


def company(client, db_session, scopes=SCOPES):
    admin = f.user(db_session)
    org = f.organisation(db_session, name="成都某科技有限公司", admin=admin)
    token = f.sign_in(client, admin.phone)
    return org, token, f.api_key(client, token, org.id, scopes)


def test_a_company_system_neutralises_a_customers_meeting_and_fetches_the_certificate(
    client, db_session, stock
):
    org, _, key = company(client, db_session)
    fp = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(key))
    assert fp.status_code == 201, fp.get_json()
    order = f.neutralise(
        client,
        key,
        footprint_id=fp.get_json()["id"],
        beneficiary="客户 王五",
        purpose="年度客户大会碳中和",
        preferences=stock.prefs,
    )
    assert order["organisation_id"] == org.id
    listed = client.get("/api/v1/orders", headers=f.bearer(key)).get_json()["items"]
    assert [(o["id"], o["certificate_number"]) for o in listed] == [
        (order["id"], order["certificate_number"])
    ]
    page = client.get("/api/v1/certificates", headers=f.bearer(key)).get_json()
    (cert,) = page["items"]
    assert cert["number"] == order["certificate_number"]
    assert (cert["beneficiary"], cert["order_id"]) == ("客户 王五", order["id"])
    assert cert["mass_g"] == fp.get_json()["mass_g"]
    assert claims.decode(cert["verify_url"].rsplit("/", 1)[1])[0].number == cert["number"]
    assert client.get(cert["png_url"]).headers["Content-Type"] == "image/png"
    assert page["next_cursor"] is None


def test_certificates_need_the_read_scope_and_stay_within_the_organisation(
    client, db_session, stock
):
    _, _, key = company(client, db_session)
    f.neutralise(client, key, mass_g=1_000_000, beneficiary="员工 李四", preferences=stock.prefs)
    _, _, other_key = company(client, db_session)
    assert client.get("/api/v1/certificates", headers=f.bearer(other_key)).get_json()["items"] == []
    _, _, writer = company(client, db_session, ["orders:write"])
    refused = client.get("/api/v1/certificates", headers=f.bearer(writer))
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/certificates").status_code == 401


def test_my_certificates_hold_my_orders_and_redemptions_newest_first_a_page_at_a_time(
    client, db_session, stock, buyer
):
    p = f.project(db_session, standard="CDCER")
    f.lot(db_session, p, 1, price=1290)
    give_points(db_session, buyer.user.id, 2000)
    bought = f.neutralise(client, buyer.token, mass_g=1_000_000, preferences=stock.prefs)
    redeemed = redeem(client, buyer.token, points=1500).get_json()
    f.neutralise(client, f.sign_in(client, f.user(db_session).phone), mass_g=500_000)
    first = client.get("/api/v1/certificates?limit=1", headers=f.bearer(buyer.token)).get_json()
    rest = client.get(
        f"/api/v1/certificates?limit=1&cursor={first['next_cursor']}",
        headers=f.bearer(buyer.token),
    ).get_json()
    numbers = [c["number"] for c in first["items"] + rest["items"]]
    assert numbers == [redeemed["certificate_number"], bought["certificate_number"]]
    assert rest["next_cursor"] is None


def test_an_organisations_certificates_are_for_its_admins_only(client, db_session, stock):
    org, admin_token, _ = company(client, db_session)
    member = f.user(db_session)
    f.grant(db_session, member, org, f.Role.member)
    url = f"/api/v1/certificates?organisation_id={org.id}"
    assert client.get(url, headers=f.bearer(admin_token)).status_code == 200
    denied = client.get(url, headers=f.bearer(f.sign_in(client, member.phone)))
    assert denied.status_code == 403
    stranger = client.get(url, headers=f.bearer(f.sign_in(client, f.user(db_session).phone)))
    assert stranger.status_code == 404
