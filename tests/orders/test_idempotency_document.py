"""The documented Idempotency-Key schema accepts exactly the keys the server accepts.

Schemathesis sent a schema-valid key with a space and got an undocumented 400.
"""

from __future__ import annotations

import uuid

import jsonschema
import pytest

from tests import factories as f


@pytest.mark.parametrize("key", ["has space", "\t", "键", "x" * 256, "ok-key_1", str(uuid.uuid4())])
def test_documented_key_schema_matches_the_server(client, stock, buyer, key):
    spec = client.get("/api/v1/openapi.json").get_json()
    param = next(
        p
        for p in spec["paths"]["/api/v1/orders"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )
    documented_ok = jsonschema.Draft202012Validator(
        param["schema"], format_checker=jsonschema.FormatChecker()
    ).is_valid(key)
    headers = {**f.bearer(buyer.token), "Idempotency-Key": key}
    body = {"mass_g": 1_000_000, "beneficiary": "张三", "preferences": stock.prefs}
    resp = client.post("/api/v1/orders", json=body, headers=headers)
    assert (resp.status_code != 400) == documented_ok, resp.get_json()
