"""Liveness, readiness, and the PWA at `/`."""

from __future__ import annotations

from sqlalchemy import text


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_readyz_when_current(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json()["database"] == "ok"


def test_readyz_when_migrations_behind(client, engine):
    with engine.begin() as conn:
        (rev,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        resp = client.get("/readyz")
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": rev})
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["migration"] == "behind"
    assert resp.content_type == "application/problem+json"


def test_readyz_when_database_unreachable(tmp_path):
    from backend.app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "LOG_LEVEL": "CRITICAL",
        }
    )
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["database"] == "unreachable"


def test_pwa_index_and_app_routes(client):
    root = client.get("/")
    assert root.status_code == 200
    assert "点点" in root.get_data(as_text=True)
    deep = client.get("/wallet/history")
    assert deep.status_code == 200
    assert client.get("/missing.js").status_code == 404


def test_api_paths_are_never_the_pwa(client):
    resp = client.get("/api/v2/anything")
    assert resp.status_code == 404
    assert resp.content_type == "application/problem+json"


def test_pwa_not_built_is_503(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path))
    resp = client.get("/")
    assert resp.status_code == 503
    assert resp.get_json()["type"] == "/problems/pwa-not-built"
