"""Routing answers for API paths: 405 with an honest Allow, 404 for ids the database cannot hold.

Both were found by Schemathesis (tests/fuzz).
"""

from __future__ import annotations

import pytest

from backend.web.openapi import MAX_ID
from tests import factories


def test_options_on_a_post_only_operation_does_not_advertise_get(client):
    resp = client.options("/api/v1/auth/codes")
    assert set(resp.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_get_on_a_post_only_operation_is_405_problem(client):
    resp = client.get("/api/v1/orders/abc/confirm")
    assert resp.status_code == 405
    assert resp.mimetype == "application/problem+json"
    assert "GET" not in resp.headers["Allow"]


def test_unknown_api_path_is_still_a_404_problem(client):
    resp = client.get("/api/v1/no-such-thing/deeper")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_app_routes_still_fall_back_to_the_pwa(client):
    assert client.get("/wallet/history").status_code == 200
    assert client.get("/apiary").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects/{n}",
        "/api/v1/courts/{n}",
        "/api/v1/organisations/{n}",
        "/api/v1/organisations/1/api-keys/{n}",
    ],
)
@pytest.mark.parametrize("n", [MAX_ID + 1, 2**63, 17811022150026366287872])
def test_an_id_beyond_the_database_range_is_404_not_500(client, db_session, path, n):
    token = factories.sign_in(client, factories.user(db_session).phone)
    resp = client.get(path.format(n=n), headers=factories.bearer(token))
    if path.endswith("api-keys/{n}"):
        resp = client.delete(path.format(n=n), headers=factories.bearer(token))
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_the_largest_id_is_a_plain_not_found(client):
    resp = client.get(f"/api/v1/projects/{MAX_ID}")
    assert resp.status_code == 404
    assert resp.get_json()["type"] == "/problems/not-found"
