"""Who sees an order: its owner, their organisation's admins and API key, operators."""

from __future__ import annotations

from backend.accounts.models import Role
from tests import factories as f

T = 1_000_000


def test_other_peoples_orders_do_not_exist_for_them(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    stranger = f.sign_in(client, f.user(db_session).phone)
    h = f.bearer(stranger)
    assert client.get(f"/api/v1/orders/{order['id']}", headers=h).status_code == 404
    assert client.post(f"/api/v1/orders/{order['id']}/cancel", headers=h).status_code == 404
    assert (
        client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=h).status_code == 404
    )
    assert client.get("/api/v1/orders", headers=h).get_json()["items"] == []
    assert client.get(f"/api/v1/orders/{order['id']}").status_code == 401


def test_an_organisations_admins_and_key_see_its_orders_members_do_not(client, db_session, stock):
    admin, member = f.user(db_session), f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    f.grant(db_session, member, org, Role.member)
    member_token = f.sign_in(client, member.phone)
    admin_token = f.sign_in(client, admin.phone)
    order = f.place_order(
        client, member_token, mass_g=T, preferences=stock.prefs, organisation_id=org.id
    )
    seen = client.get(f"/api/v1/orders/{order['id']}", headers=f.bearer(admin_token))
    assert seen.status_code == 200
    listed = client.get(f"/api/v1/orders?organisation_id={org.id}", headers=f.bearer(admin_token))
    assert [o["id"] for o in listed.get_json()["items"]] == [order["id"]]
    refused = client.get(f"/api/v1/orders?organisation_id={org.id}", headers=f.bearer(member_token))
    assert refused.status_code == 403
    key = f.api_key(client, admin_token, org.id, ["orders:read"])
    by_key = client.get("/api/v1/orders", headers=f.bearer(key)).get_json()["items"]
    assert [o["id"] for o in by_key] == [order["id"]]
    unscoped = f.api_key(client, admin_token, org.id, ["footprints:read"])
    assert (
        client.get(f"/api/v1/orders/{order['id']}", headers=f.bearer(unscoped)).status_code == 403
    )
    outsider = f.user(db_session)
    f.organisation(db_session, admin=outsider)  # an admin, but of another organisation
    h = f.bearer(f.sign_in(client, outsider.phone))
    assert client.get(f"/api/v1/orders?organisation_id={org.id}", headers=h).status_code == 404


def test_operators_see_any_order(client, db_session, stock, buyer):
    order = f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)
    op = f.operator_token(client, db_session)
    assert client.get(f"/api/v1/orders/{order['id']}", headers=f.bearer(op)).status_code == 200


def test_orders_are_listed_newest_first_a_page_at_a_time(client, stock, buyer):
    made = [
        f.place_order(client, buyer.token, mass_g=T, preferences=stock.prefs)["id"]
        for _ in range(5)
    ]
    h = f.bearer(buyer.token)
    page = client.get("/api/v1/orders?limit=2", headers=h).get_json()
    seen = [o["id"] for o in page["items"]]
    while page["next_cursor"]:
        page = client.get(
            f"/api/v1/orders?limit=2&cursor={page['next_cursor']}", headers=h
        ).get_json()
        seen += [o["id"] for o in page["items"]]
    assert seen == list(reversed(made))
    only = client.get("/api/v1/orders?status=retired", headers=h).get_json()["items"]
    assert only == []
    bad = client.get("/api/v1/orders?cursor=%%%", headers=h)
    assert bad.status_code == 422
    assert client.get("/api/v1/orders?limit=0", headers=h).status_code == 422
