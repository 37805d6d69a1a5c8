"""Gauges read from the database when Prometheus scrapes: job queues, settlement, webhooks.

`web` sits below the domains, so this module names their tables (`table()` clauses of the few
columns it reads) rather than importing their models; tests/core/test_metrics.py runs every
query against the real schema on SQLite and PostgreSQL, so a renamed column fails there. The
queries are cheap: the job queries read only undone jobs (the partial index `ix_jobs_due`), the
settlement query the `paid` orders (`ix_orders_status_expires`). The two webhook counts scan
their tables; see docs/observability.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, column, func, or_, select, table
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import UTCDateTime
from backend.core.jobs.models import Job
from backend.core.jobs.queue import DEFAULT_QUEUE

log = logging.getLogger(__name__)

ORDERS = table("orders", column("status"), column("paid_at", UTCDateTime()))
DELIVERIES = table("webhook_deliveries", column("status"))
ATTEMPTS = table("webhook_attempts", column("status_code"))


Families = dict[str, GaugeMetricFamily | CounterMetricFamily]


def _families() -> Families:
    return {
        "up": GaugeMetricFamily(
            "diandian_database_probe_up", "1 when the database answered this scrape's queries."
        ),
        "due": GaugeMetricFamily(
            "diandian_jobs_due",
            "Undone jobs whose time has come (waiting or running), by queue.",
            labels=["queue"],
        ),
        "age": GaugeMetricFamily(
            "diandian_jobs_oldest_due_age_seconds",
            "How long the oldest due job has been due, by queue (0 when none is).",
            labels=["queue"],
        ),
        "stuck": GaugeMetricFamily(
            "diandian_jobs_stuck",
            "Jobs that used every attempt without succeeding, by queue (see their last_error).",
            labels=["queue"],
        ),
        "unsettled": GaugeMetricFamily(
            "diandian_orders_paid_unsettled", "Orders paid but not yet retired or refunded."
        ),
        "lag": GaugeMetricFamily(
            "diandian_settlement_lag_seconds",
            "Age of the oldest order paid but not yet retired or refunded (0 when none is).",
        ),
        "deliveries": GaugeMetricFamily(
            "diandian_webhook_deliveries_failed",
            "Webhook deliveries whose every automatic attempt failed (a manual redelivery may "
            "still succeed).",
        ),
        "attempts": CounterMetricFamily(
            "diandian_webhook_attempts_failed",
            "Webhook attempts (automatic or manual) without a 2xx answer.",
        ),
    }


class DatabaseCollector(Collector):
    """Reads the gauges at each scrape, in a read-only transaction of its own."""

    def describe(self) -> Iterator[Metric]:
        yield from _families().values()

    def collect(self) -> Iterator[Metric]:
        families = _families()
        try:
            with uow.transaction(write=False) as s:
                now = utcnow()
                _jobs(s, now, families)
                _settlement(s, now, families)
                _webhooks(s, families)
        except Exception:  # a scrape still serves the other metrics, and says so
            log.exception("metrics: the database probes failed")
            families = {"up": families["up"]}
            families["up"].add_metric([], 0)
        else:
            families["up"].add_metric([], 1)
        yield from families.values()


def _age(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else max((now - then).total_seconds(), 0.0)


def _jobs(s: Session, now: datetime, families: Families) -> None:
    live = Job.attempts < Job.max_attempts
    due = and_(live, Job.run_at <= now)
    rows = s.execute(
        select(
            Job.queue,
            func.count(case((due, 1))),
            func.min(case((due, Job.run_at))),
            func.count(case((~live, 1))),
        )
        .where(Job.done_at.is_(None))
        .group_by(Job.queue)
    ).all()
    seen = {queue: (count, oldest, stuck) for queue, count, oldest, stuck in rows}
    seen.setdefault(DEFAULT_QUEUE, (0, None, 0))
    for queue, (count, oldest, stuck) in sorted(seen.items()):
        families["due"].add_metric([queue], count)
        families["age"].add_metric([queue], _age(now, oldest))
        families["stuck"].add_metric([queue], stuck)


def _settlement(s: Session, now: datetime, families: Families) -> None:
    count, oldest = s.execute(
        select(func.count(), func.min(ORDERS.c.paid_at)).where(ORDERS.c.status == "paid")
    ).one()
    families["unsettled"].add_metric([], count)
    families["lag"].add_metric([], _age(now, oldest))


def _webhooks(s: Session, families: Families) -> None:
    failed = s.scalar(select(func.count()).where(DELIVERIES.c.status == "failed"))
    families["deliveries"].add_metric([], failed or 0)
    no_2xx = or_(ATTEMPTS.c.status_code.is_(None), ATTEMPTS.c.status_code < 200)
    attempts = s.scalar(select(func.count()).where(or_(no_2xx, ATTEMPTS.c.status_code >= 300)))
    families["attempts"].add_metric([], attempts or 0)
