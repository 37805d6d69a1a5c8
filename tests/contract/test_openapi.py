"""The committed OpenAPI document is the served one, and every route is in it."""

from __future__ import annotations

import json
import re

from tests.conftest import ROOT

COMMITTED = ROOT / "shared" / "schemas" / "openapi.json"
# Not JSON API operations: the docs themselves, the PWA, the HTML verify page and the
# Prometheus exposition (docs/observability.md).
UNDOCUMENTED_OK = {
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "metrics.metrics",
    "pwa.serve",
    "static",
    "verify.verify_page",
}


def test_committed_document_matches_served(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served.get_json() == committed, (
        "run `make openapi` and commit shared/schemas/openapi.json"
    )


def test_document_is_openapi_3_1_with_problem_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    not_found = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in not_found["content"]


def test_every_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDOCUMENTED_OK:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        documented = spec["paths"].get(path, {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method.lower() not in documented:
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    bare = [
        f"{m.upper()} {p}"
        for p, ops in spec["paths"].items()
        for m, op in ops.items()
        if isinstance(op, dict) and not op.get("summary")
    ]
    assert bare == []


def test_docs_page_is_served_with_local_assets(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/api/v1/openapi.json" in html
