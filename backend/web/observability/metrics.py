"""Prometheus metrics at `GET /metrics`: request latency, and gauges read from the database.

Each request is timed into one histogram labelled by its Flask endpoint (never the raw path, so
ids cannot multiply the series), method and status class. The gauges (`probes.py`) are read
when Prometheus scrapes. Under gunicorn with `PROMETHEUS_MULTIPROC_DIR` set, every worker
writes its samples to files there and a scrape merges them (prometheus-client's multiprocess
mode); without it, the process's own registry is served.

`/metrics` is guarded: a bearer `METRICS_TOKEN`, or a caller in `METRICS_ALLOW_FROM`; with
neither configured it is open in sandbox mode and absent (404) in live mode.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Histogram,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from backend.core.errors import Forbidden, NotFound, Unauthenticated
from backend.web.observability.probes import DatabaseCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})

# Not on prometheus-client's default registry: each app's registry (below) takes it, so many
# apps in one process (the tests) share one histogram without registering it twice.
REQUEST_SECONDS = Histogram(
    "diandian_http_request_duration_seconds",
    "Time from the start of a request to its response, by Flask endpoint.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=None,
)

blp = Blueprint("metrics", __name__)


def build_registry() -> CollectorRegistry:
    """The app's registry: the workers' merged files in multiprocess mode, else this process."""
    registry = CollectorRegistry()
    if shared := os.environ.get(MULTIPROC_ENV):
        os.makedirs(shared, exist_ok=True)  # `flask worker` may start before gunicorn makes it
        MultiProcessCollector(registry, shared)
    else:
        for collector in (REQUEST_SECONDS, PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return registry


def init_app(app: Flask) -> None:
    """Time every request and serve `/metrics`. Call it before other `before_request` hooks
    (rate limits, authentication), so requests they refuse are timed too."""
    app.extensions["metrics"] = build_registry()
    app.before_request(_start)
    app.after_request(_observe)
    app.register_blueprint(blp)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _observe(resp: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        rule = request.url_rule
        REQUEST_SECONDS.labels(
            endpoint=rule.endpoint if rule is not None else "unmatched",
            method=request.method if request.method in METHODS else "other",
            status=f"{resp.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
    return resp


@blp.get("/metrics")
def metrics() -> Response:
    """The Prometheus exposition (OpenMetrics when the scraper asks for it)."""
    _guard()
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    body = encoder(current_app.extensions["metrics"])
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _guard() -> None:
    token: str = current_app.config["METRICS_TOKEN"]
    allowed: str = current_app.config["METRICS_ALLOW_FROM"]
    if token and _bearer_matches(token):
        return
    if allowed and _address_allowed(allowed):
        return
    if token:
        raise Unauthenticated("web.metrics_token")
    if allowed:
        raise Forbidden("web.metrics_address")
    if not current_app.config["SANDBOX"]:
        raise NotFound("web.metrics_off")


def _bearer_matches(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _address_allowed(networks: str) -> bool:
    try:
        addr = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(addr in net for net in parse_networks(networks))


def parse_networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """`10.0.0.0/8, 127.0.0.1` as networks (a bare address is a network of one)."""
    return [ipaddress.ip_network(part.strip()) for part in spec.split(",") if part.strip()]
