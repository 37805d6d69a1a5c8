"""`/metrics`: the families a deployment scrapes, each fed by what it claims to count."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.config import Config, ConfigError
from backend.core.jobs import queue
from backend.orders.models import Order, OrderStatus
from backend.partners.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from backend.web.observability import probes
from tests import factories as f
from tests.conftest import ROOT

FAMILIES = {
    "diandian_http_request_duration_seconds",
    "diandian_database_probe_up",
    "diandian_jobs_due",
    "diandian_jobs_oldest_due_age_seconds",
    "diandian_jobs_stuck",
    "diandian_orders_paid_unsettled",
    "diandian_settlement_lag_seconds",
    "diandian_webhook_deliveries_failed",
    "diandian_webhook_attempts_failed",  # a counter: the parser drops `_total`
}


def scrape(client: FlaskClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of `/metrics`, by name and labels."""
    resp = client.get("/metrics")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for fam in text_string_to_metric_families(resp.get_data(as_text=True))
        for s in fam.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_expose_every_family(client: FlaskClient) -> None:
    client.get("/healthz")
    resp = client.get("/metrics")
    assert resp.headers["Cache-Control"] == "no-store"
    names = {fam.name for fam in text_string_to_metric_families(resp.get_data(as_text=True))}
    assert names >= FAMILIES, FAMILIES - names
    assert value(scrape(client), "diandian_database_probe_up") == 1


def test_a_request_is_timed_under_its_endpoint_not_its_path(
    app: Flask, client: FlaskClient, buyer: f.Buyer
) -> None:
    endpoint, _ = app.url_map.bind("localhost").match("/api/v1/orders/ord_one")
    key = {"endpoint": endpoint, "method": "GET", "status": "4xx"}
    before = value(scrape(client), "diandian_http_request_duration_seconds_count", **key)
    for order_id in ("ord_one", "ord_two"):
        assert client.get(f"/api/v1/orders/{order_id}", headers=f.bearer(buyer.token)).status_code
    after = scrape(client)
    assert value(after, "diandian_http_request_duration_seconds_count", **key) == before + 2
    assert not any("ord_one" in str(labels) for _name, labels in after)


def test_a_due_job_shows_in_its_queue_depth_and_age(
    client: FlaskClient, db_session: Session
) -> None:
    now = utcnow()
    queue.enqueue(db_session, "test.due", "a", run_at=now - timedelta(minutes=5), queue_name="q1")
    queue.enqueue(db_session, "test.due", "b", run_at=now - timedelta(minutes=1), queue_name="q1")
    queue.enqueue(db_session, "test.later", "c", run_at=now + timedelta(hours=1), queue_name="q1")
    queue.enqueue(db_session, "test.dead", "d", max_attempts=0, queue_name="q2")
    db_session.commit()
    samples = scrape(client)
    assert value(samples, "diandian_jobs_due", queue="q1") == 2
    assert 300 <= value(samples, "diandian_jobs_oldest_due_age_seconds", queue="q1") < 360
    assert value(samples, "diandian_jobs_stuck", queue="q2") == 1
    assert value(samples, "diandian_jobs_due", queue="q2") == 0
    assert ("diandian_jobs_due", frozenset({("queue", "default")})) in samples


def test_a_paid_order_not_yet_retired_is_settlement_lag(
    client: FlaskClient, db_session: Session, stock: f.Stock, buyer: f.Buyer
) -> None:
    order = f.place_order(client, buyer.token, mass_g=1_000_000, preferences=stock.prefs)
    db_session.execute(
        update(Order)
        .where(Order.id == order["id"])
        .values(status=OrderStatus.paid, paid_at=utcnow() - timedelta(minutes=10))
    )
    db_session.commit()
    samples = scrape(client)
    assert value(samples, "diandian_orders_paid_unsettled") == 1
    assert 600 <= value(samples, "diandian_settlement_lag_seconds") < 660


def test_failed_webhook_deliveries_and_attempts_are_counted(
    client: FlaskClient, db_session: Session
) -> None:
    org = f.organisation(db_session)
    now = utcnow()
    db_session.add_all(
        [
            WebhookEndpoint(
                id="we_m",
                organisation_id=org.id,
                url="https://example.com/h",
                events=["*"],
                secret_sealed="x",
            ),
            *(
                WebhookEvent(
                    id=e, organisation_id=org.id, type="order.paid", api_version="1", data={}
                )
                for e in ("evt_1", "evt_2")
            ),
        ]
    )
    db_session.flush()
    db_session.add_all(
        [
            WebhookDelivery(
                id="wd_bad",
                event_id="evt_1",
                endpoint_id="we_m",
                status=DeliveryStatus.failed,
                attempts=8,
            ),
            WebhookDelivery(
                id="wd_ok",
                event_id="evt_2",
                endpoint_id="we_m",
                status=DeliveryStatus.succeeded,
                attempts=1,
            ),
        ]
    )
    db_session.flush()
    for delivery, code in (("wd_bad", 500), ("wd_bad", None), ("wd_bad", 302), ("wd_ok", 204)):
        db_session.add(
            WebhookAttempt(delivery_id=delivery, attempted_at=now, status_code=code, duration_ms=5)
        )
    db_session.commit()
    samples = scrape(client)
    assert value(samples, "diandian_webhook_deliveries_failed") == 1
    assert value(samples, "diandian_webhook_attempts_failed_total") == 3


def test_a_broken_probe_still_serves_the_rest(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(probes, "_settlement", broken)
    samples = scrape(client)
    assert value(samples, "diandian_database_probe_up") == 0
    assert not any(name == "diandian_jobs_due" for name, _ in samples)
    assert any(name.startswith("diandian_http_request") for name, _ in samples)


@pytest.fixture
def metrics_config(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The app's config, restored after the test."""
    for key in ("METRICS_TOKEN", "METRICS_ALLOW_FROM", "SANDBOX"):
        monkeypatch.setitem(app.config, key, app.config[key])
    return app.config


def test_a_metrics_token_is_required_once_set(client: FlaskClient, metrics_config: dict) -> None:
    metrics_config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.content_type == "application/problem+json"
    assert client.get("/metrics", headers={"Authorization": "Bearer 令牌"}).status_code == 401
    assert client.get("/metrics", headers=f.bearer("s3cret-token")).status_code == 200
    assert (
        client.get("/metrics", headers={"Authorization": "bearer s3cret-token"}).status_code == 200
    )


def test_metrics_are_off_in_live_mode_unless_configured(
    client: FlaskClient, metrics_config: dict
) -> None:
    metrics_config["SANDBOX"] = False
    assert client.get("/metrics").status_code == 404
    metrics_config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", headers=f.bearer("s3cret-token")).status_code == 200


def test_allowed_addresses_read_metrics_without_a_token(
    client: FlaskClient, metrics_config: dict
) -> None:
    metrics_config.update(SANDBOX=False, METRICS_ALLOW_FROM="10.0.0.0/8, 192.0.2.7")
    inside = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=inside).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 403


SERVE = """
import sys
from backend.app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_PATH": sys.argv[2],
                  "SECRET_KEY": "x", "LOG_LEVEL": "ERROR"})
client = app.test_client()
if sys.argv[3] == "request":
    client.get("/healthz")
else:
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_workers_share_their_samples_in_multiprocess_mode(tmp_path: Path) -> None:
    """What one gunicorn worker timed, another's scrape reports (PROMETHEUS_MULTIPROC_DIR)."""
    shared = tmp_path / "prom"  # made by the first process
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared), "PYTHONPATH": str(ROOT)}
    args = [f"sqlite:///{tmp_path / 'db.sqlite3'}", str(tmp_path)]

    def run(what: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, "-c", SERVE, *args, what],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    run("request")
    run("request")
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for fam in text_string_to_metric_families(run("scrape"))
        for s in fam.samples
    }
    key = {"endpoint": "health.healthz", "method": "GET", "status": "2xx"}
    assert value(samples, "diandian_http_request_duration_seconds_count", **key) == 2


def test_a_bad_allowed_address_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="METRICS_ALLOW_FROM"):
        Config(INSTANCE_PATH=str(tmp_path), METRICS_ALLOW_FROM="10.0.0.0/33").finalise()
