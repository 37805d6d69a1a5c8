"""Every error is application/problem+json."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nothing-here", 404),
        ("put", "/api/v1/me", 405),
        ("get", "/api/v1/organisations/abc", 404),
    ],
)
def test_http_errors_are_problems(client, method, path, status):
    resp = getattr(client, method)(path)
    assert resp.status_code == status
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["request_id"] == resp.headers["X-Request-ID"]


def test_405_lists_allowed_methods(client):
    resp = client.put("/api/v1/me")
    assert set(resp.headers["Allow"].split(", ")) >= {"GET", "PATCH"}


def test_malformed_json_is_400(client):
    resp = client.post("/api/v1/auth/codes", data="{not json", content_type="application/json")
    assert resp.status_code == 400
    assert resp.content_type == "application/problem+json"
    assert "JSON" in resp.get_json()["detail"]


def test_unknown_fields_are_named(client):
    resp = client.post("/api/v1/auth/codes", json={"phone": f.new_phone(), "admin": True})
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["errors"] == [
        {
            "field": "admin",
            "code": "field.unknown",
            "params": {},
            "detail": "Unknown field.",
            "pointer": "#/admin",
        }
    ]
    assert "admin" in body["detail"]


def test_unknown_query_parameters_are_named_too(client):
    resp = client.get("/api/v1/ledger?limit=5&admin=1")
    assert resp.status_code == 422
    (error,) = resp.get_json()["errors"]
    assert (error["field"], error["detail"]) == ("admin", "Unknown field.")
    assert client.get("/api/v1/ledger?limit=5").status_code == 200


def test_a_body_over_the_limit_is_a_413_problem_and_writes_nothing(app, client, db_session):
    from sqlalchemy import func, select

    from backend.footprint.models import Footprint

    assert app.config["MAX_CONTENT_LENGTH"] == 2**20
    huge = '{"kind": "meeting", "meeting": {"attendees": 5}, "note": "' + "x" * 2**20 + '"}'
    resp = client.post(
        "/api/v1/footprints", data=huge, headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 413
    assert resp.content_type == "application/problem+json"
    assert db_session.scalar(select(func.count()).select_from(Footprint)) == 0


def test_wrong_types_are_named(client):
    resp = client.post("/api/v1/auth/codes", json={"phone": 13800138000})
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "phone"


def test_body_must_be_an_object(client):
    resp = client.post("/api/v1/auth/codes", json=["+8613800138000"])
    assert resp.status_code == 422
    assert resp.content_type == "application/problem+json"


def test_unexpected_error_is_500_problem_without_trace(database_url, tmp_path):
    from backend.app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "LOG_LEVEL": "CRITICAL",
        }
    )

    @app.route("/api/v1/_boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    resp = app.test_client().get("/api/v1/_boom")
    assert resp.status_code == 500
    assert resp.content_type == "application/problem+json"
    text = resp.get_data(as_text=True)
    assert "secret internals" not in text
    assert "Traceback" not in text
    assert "request id" in resp.get_json()["detail"]


def test_an_unreachable_database_is_a_503_problem_to_retry(tmp_path):
    from backend.app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:9/nowhere",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "LOG_LEVEL": "CRITICAL",
        }
    )
    resp = app.test_client().get("/api/v1/certificates/DD-2026-000001")
    assert resp.status_code == 503
    assert resp.content_type == "application/problem+json"
    assert resp.get_json()["type"].endswith("/temporarily-unavailable")
    assert resp.headers["Retry-After"] == "5"
    assert "nowhere" not in resp.get_data(as_text=True)


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["X-Request-ID"] != "bad id with spaces"
    assert len(made.headers["X-Request-ID"]) == 32
