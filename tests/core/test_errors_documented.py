"""Every documented error is problem+json, and the Problem schema admits extension members.

Both were Schemathesis finds: 409s with `requested_g`/`available_g` violated
`additionalProperties: false`, and description-only `alt_response`s said nothing of the body.
"""

from __future__ import annotations

import jsonschema

from tests import factories


def test_every_error_response_documents_a_problem_body(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    bare = [
        f"{method.upper()} {path} {status}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if isinstance(op, dict)
        for status, response in op.get("responses", {}).items()
        if status[0] in "45"
        and "$ref" not in response
        and "application/problem+json" not in response.get("content", {})
    ]
    assert bare == []


def test_a_conflict_with_extension_members_matches_the_problem_schema(client, db_session, stock):
    spec = client.get("/api/v1/openapi.json").get_json()
    token = factories.sign_in(client, factories.user(db_session).phone)
    resp = client.post(
        "/api/v1/credits/quote",
        json={"mass_g": 10**12, "preferences": stock.prefs},
        headers=factories.bearer(token),
    )
    assert resp.status_code == 409, resp.get_json()
    body = resp.get_json()
    assert {"requested_g", "available_g"} <= body.keys()
    problem = {"$ref": "#/components/schemas/Problem", "components": spec["components"]}
    jsonschema.Draft202012Validator(problem).validate(body)


def test_signed_partner_operations_list_their_rejections(client, db_session):
    """A call without a valid signature is rejected with a status the operation lists."""
    spec = client.get("/api/v1/openapi.json").get_json()
    token = factories.sign_in(client, factories.user(db_session).phone)
    resp = client.post("/api/v1/points/actions", json={}, headers=factories.bearer(token))
    assert resp.status_code == 403
    assert "403" in spec["paths"]["/api/v1/points/actions"]["post"]["responses"]
    resp = client.post("/api/v1/partners/wechat/nobody?signature=x&timestamp=1&nonce=n", data="")
    assert resp.status_code == 404
    assert "404" in spec["paths"]["/api/v1/partners/wechat/{account}"]["post"]["responses"]
