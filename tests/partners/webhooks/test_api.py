"""The endpoints API: who may manage an organisation's endpoints, what is validated, and that
a secret is shown once and never again."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.accounts.models import Role
from backend.core.clock import utcnow
from backend.partners.webhooks.events import emit
from tests import factories as f
from tests.partners.webhooks.conftest import create_endpoint

URL = "https://hooks.example.com/diandian"
BASE = "/api/v1/webhook-endpoints"


def test_the_secret_is_shown_at_creation_and_rotation_only(client, company):
    created = create_endpoint(client, company.token, URL, ["order.retired", "order.paid"])
    assert created["secret"].startswith("whsec_")
    assert created["id"].startswith("we_")
    assert created["events"] == ["order.paid", "order.retired"]  # documented order
    one = client.get(f"{BASE}/{created['id']}", headers=company.headers).get_json()
    listed = client.get(BASE, headers=company.headers).get_json()["items"]
    assert [e["id"] for e in listed] == [created["id"]]
    for shown in (one, listed[0]):
        assert "secret" not in shown
        assert created["secret"] not in str(shown)
    rotated = client.post(f"{BASE}/{created['id']}/rotate-secret", json={}, headers=company.headers)
    body = rotated.get_json()
    assert body["secret"] != created["secret"]
    expires = datetime.fromisoformat(body["previous_secret_expires_at"])
    assert abs(utcnow() + timedelta(hours=24) - expires) < timedelta(minutes=1)  # the default
    again = client.get(f"{BASE}/{created['id']}", headers=company.headers).get_json()
    assert "secret" not in again


def test_another_organisations_endpoint_does_not_exist_for_you(client, db_session, company):
    endpoint = create_endpoint(client, company.token, URL)
    other_admin = f.user(db_session)
    other = f.organisation(db_session, name="别家", admin=other_admin)
    other_token = f.sign_in(client, other_admin.phone)
    other_key = f.api_key(client, other_token, other.id, ["webhooks:manage"])
    member = f.user(db_session)
    f.grant(db_session, member, company.org, Role.member)
    member_token = f.sign_in(client, member.phone)
    path = f"{BASE}/{endpoint['id']}"
    for token in (other_token, other_key, member_token):
        h = f.bearer(token)
        assert client.get(path, headers=h).status_code == 404
        assert client.patch(path, json={"enabled": False}, headers=h).status_code == 404
        assert client.delete(path, headers=h).status_code == 404
        assert client.post(f"{path}/rotate-secret", json={}, headers=h).status_code == 404
        assert client.get(f"{path}/deliveries", headers=h).status_code == 404
        assert client.get(BASE, headers=h).get_json()["items"] == []
    refused = client.post(
        BASE,
        json={"url": URL, "events": ["order.paid"], "organisation_id": company.org.id},
        headers=f.bearer(other_token),
    )
    assert refused.status_code == 404
    assert client.get(path).status_code == 401


def test_a_key_without_the_scope_is_refused_and_one_with_it_manages(client, company):
    unscoped = f.api_key(client, company.token, company.org.id, ["orders:read"])
    resp = client.post(
        BASE, json={"url": URL, "events": ["order.paid"]}, headers=f.bearer(unscoped)
    )
    assert resp.status_code == 403
    assert resp.mimetype == "application/problem+json"
    assert "webhooks:manage" in resp.get_json()["detail"]
    key = f.api_key(client, company.token, company.org.id, ["webhooks:manage"])
    endpoint = create_endpoint(client, key, URL, ["order.paid"])
    path = f"{BASE}/{endpoint['id']}"
    assert client.get(path, headers=f.bearer(unscoped)).status_code == 403
    patched = client.patch(
        path, json={"description": "ERP", "events": ["certificate.issued"]}, headers=f.bearer(key)
    )
    assert patched.get_json()["description"] == "ERP"
    assert patched.get_json()["events"] == ["certificate.issued"]
    assert client.delete(path, headers=f.bearer(key)).status_code == 204
    assert client.get(path, headers=f.bearer(key)).status_code == 404


def test_operators_manage_any_organisations_endpoints(client, db_session, company):
    endpoint = create_endpoint(client, company.token, URL)
    op = f.bearer(f.operator_token(client, db_session))
    assert client.get(f"{BASE}/{endpoint['id']}", headers=op).status_code == 200
    listed = client.get(f"{BASE}?organisation_id={company.org.id}", headers=op).get_json()
    assert [e["id"] for e in listed["items"]] == [endpoint["id"]]
    unnamed = client.get(BASE, headers=op)
    assert unnamed.status_code == 422
    assert unnamed.get_json()["errors"][0]["field"] == "organisation_id"


def test_an_admin_of_several_organisations_names_one(client, db_session, company):
    second = f.organisation(db_session, name="第二家", admin=company.admin)
    resp = client.post(BASE, json={"url": URL, "events": ["order.paid"]}, headers=company.headers)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "organisation_id"
    named = create_endpoint(client, company.token, URL, organisation_id=second.id)
    assert named["organisation_id"] == second.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": URL, "events": ["order.refunded"]}, "events"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL}, "events"),
        ({"url": URL, "events": "order.paid"}, "events"),
        ({"events": ["order.paid"]}, "url"),
        ({"url": "https://example.com/" + "a" * 2048, "events": ["order.paid"]}, "url"),
        ({"url": "ftp://example.com/x", "events": ["order.paid"]}, "url"),
        ({"url": "not a url", "events": ["order.paid"]}, "url"),
        ({"url": "https://user:pw@example.com/", "events": ["order.paid"]}, "url"),
        ({"url": "https://example.com:99999/", "events": ["order.paid"]}, "url"),
        ({"url": URL, "events": ["order.paid"], "description": "x" * 201}, "description"),
        ({"url": URL, "events": ["order.paid"], "organisation_id": "1"}, "organisation_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, company, body, field):
    resp = client.post(BASE, json=body, headers=company.headers)
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert field in {e["field"] for e in resp.get_json()["errors"]}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {"url": "gopher://x"}, "url"),
        ("", {"events": ["nope"]}, "events"),
        ("", {"enabled": "perhaps"}, "enabled"),
        ("/rotate-secret", {"previous_valid_hours": 169}, "previous_valid_hours"),
        ("/rotate-secret", {"previous_valid_hours": -1}, "previous_valid_hours"),
    ],
)
def test_bad_changes_are_422_naming_the_field(client, company, path, body, field):
    endpoint = create_endpoint(client, company.token, URL)
    method = client.patch if not path else client.post
    resp = method(f"{BASE}/{endpoint['id']}{path}", json=body, headers=company.headers)
    assert resp.status_code == 422, resp.get_json()
    assert field in {e["field"] for e in resp.get_json()["errors"]}


def test_a_rotation_with_no_overlap_drops_the_old_secret_at_once(client, company):
    endpoint = create_endpoint(client, company.token, URL)
    rotated = client.post(
        f"{BASE}/{endpoint['id']}/rotate-secret",
        json={"previous_valid_hours": 0},
        headers=company.headers,
    ).get_json()
    assert rotated["previous_secret_expires_at"] is None


def test_deliveries_page_newest_first_and_bad_cursors_are_422(client, db_session, company):
    endpoint = create_endpoint(client, company.token, URL, ["order.paid"])
    for n in range(3):
        emit(db_session, company.org.id, "order.paid", {"n": n})
        db_session.commit()
    path = f"{BASE}/{endpoint['id']}/deliveries"
    first = client.get(f"{path}?limit=2", headers=company.headers).get_json()
    assert len(first["items"]) == 2
    rest = client.get(
        f"{path}?limit=2&cursor={first['next_cursor']}", headers=company.headers
    ).get_json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    ids = [d["id"] for d in first["items"] + rest["items"]]
    assert len(set(ids)) == 3
    assert all(d["status"] == "pending" and d["attempts"] == [] for d in first["items"])
    bad = client.get(f"{path}?cursor=nonsense", headers=company.headers)
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "cursor"
    other = create_endpoint(client, company.token, URL)
    wrong = client.post(
        f"{BASE}/{other['id']}/deliveries/{ids[0]}/redeliver", headers=company.headers
    )
    assert wrong.status_code == 404


def test_an_organisation_has_at_most_sixteen_endpoints(client, company):
    for _ in range(16):
        create_endpoint(client, company.token, URL)
    resp = client.post(BASE, json={"url": URL, "events": ["order.paid"]}, headers=company.headers)
    assert resp.status_code == 409
    assert resp.get_json()["type"] == "/problems/too-many-endpoints"
