"""`flask worker`: runs the outbox jobs and the periodic sweeps, safely beside other workers.

Jobs are leased with SKIP LOCKED; every sweep is idempotent and locks what it changes, so two
workers (or a worker and `flask orders reconcile` from cron) never do one thing twice.

Each job queue is a lane with threads of its own: the default lane (settlement, deferred event
handlers, and the sweeps between its ticks) never waits behind the webhook lane, whose jobs talk
to other people's servers.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from backend.accounts import memberships
from backend.certificates import services as certificates
from backend.core import db, uow
from backend.core.events import bus
from backend.core.jobs import queue
from backend.credits import inventory
from backend.idempotency import store as idempotency
from backend.orders import reconcile, services, settlement
from backend.partners.webhooks import delivery as webhooks
from backend.partners.webhooks import events as webhook_events
from backend.partners.wechat import dedup as wechat_messages
from backend.payments import providers
from backend.points import earning, wallet

log = logging.getLogger(__name__)


def handlers() -> dict[str, queue.Handler]:
    """Job kinds and what runs them."""
    rails = providers.rails()
    hooks = webhooks.Settings.from_config(current_app.config)
    return {
        settlement.SETTLE_JOB: lambda s, ref: settlement.settle(
            s, ref, services.rail_of(s, ref, rails)
        ),
        webhooks.DELIVER_JOB: lambda s, ref: webhooks.deliver(s, ref, hooks),
        bus.JOB_KIND: bus.run_deferred,
    }


@dataclass
class Periodic:
    every_s: float
    run: Callable[[Session], object]
    last: float = field(default=0.0)


def sweeps() -> list[Periodic]:
    rails = providers.rails()
    inactive_days = current_app.config["POINTS_INACTIVE_DAYS"]
    return [
        Periodic(15, services.expire_due),
        Periodic(15, inventory.expire_due),
        Periodic(60, lambda s: _log_repairs(reconcile.reconcile(s, rails))),
        Periodic(3600, idempotency.purge),
        Periodic(3600, memberships.purge_invitations),
        Periodic(3600, wechat_messages.purge),
        Periodic(3600, webhook_events.purge),
        Periodic(3600, bus.purge),
        Periodic(60, earning.confirm_due),
        Periodic(24 * 3600, lambda s: wallet.expire_inactive(s, inactive_days)),
        Periodic(current_app.config["STATS_REFRESH_S"], certificates.refresh_stats),
    ]


BATCH = 20  # jobs the default lane leases at once


def lanes(cfg: Mapping[str, Any]) -> dict[str, int]:
    """The queues besides the default one, and how many threads each gets."""
    return {webhook_events.QUEUE: int(cfg["WORKER_WEBHOOK_THREADS"])}


def _log_repairs(report: reconcile.Report) -> None:
    if report.settled or report.checked or report.abandoned or report.expired or report.failed:
        log.info("reconciled: %s", report)


def tick(
    s: Session,
    jobs: dict[str, queue.Handler],
    periodic: list[Periodic],
    queue_name: str = queue.DEFAULT_QUEUE,
) -> int:
    """Run a queue's due jobs and the due sweeps once, each in a transaction of its own;
    returns how many jobs ran. The default lane leases a batch; every thread of another lane
    leases one job at a time, so one slow receiver holds up no other delivery."""
    batch = BATCH if queue_name == queue.DEFAULT_QUEUE else 1
    ran = queue.run_due(s, jobs, queue_name=queue_name, limit=batch)
    now = time.monotonic()
    for task in periodic:
        if now - task.last >= task.every_s:
            task.last = now
            try:
                with uow.transaction(s):
                    task.run(s)
            except Exception:
                log.exception("sweep failed; next time")
    return ran


# Errors that mean the database is out of reach (restarting, failing over, network): the worker
# waits and tries again, backing off up to this pause, instead of exiting.
DATABASE_DOWN = (OperationalError, InterfaceError)
MAX_OUTAGE_PAUSE_S = 30.0


def step(
    make_session: Callable[[], Session],
    jobs: dict[str, queue.Handler],
    periodic: list[Periodic],
    queue_name: str = queue.DEFAULT_QUEUE,
) -> int | None:
    """One `tick` in a session of its own: how many jobs ran, or None when the database could
    not be reached (logged; a leased job is retried when its lease ends)."""
    s = make_session()
    try:
        return tick(s, jobs, periodic, queue_name)
    except DATABASE_DOWN as exc:
        log.warning("database unreachable, waiting: %s", getattr(exc, "orig", None) or exc)
        return None
    finally:
        s.close()


def lane(
    make_session: Callable[[], Session],
    jobs: dict[str, queue.Handler],
    periodic: list[Periodic],
    queue_name: str,
    idle: float,
    stopping: threading.Event,
) -> None:
    """Run one queue (and `periodic`) until `stopping` is set, backing off while the database
    is out of reach."""
    outages = 0
    while not stopping.is_set():
        ran = step(make_session, jobs, periodic, queue_name)
        outages = outages + 1 if ran is None else 0
        if outages:
            stopping.wait(min(MAX_OUTAGE_PAUSE_S, idle * 2**outages))
        elif not ran:
            stopping.wait(idle)


def lane_in_app(app: Flask, *args: Any) -> None:
    """`lane(*args)` in a thread of its own, inside the app's context: deferred handlers read
    the app's configuration (the certificate issuer, for instance) as they do in the main one."""
    with app.app_context():
        lane(*args)


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass of every queue and the sweeps, then exit.")
@click.option("--idle", default=1.0, show_default=True, help="Seconds to sleep when idle.")
@with_appcontext
def worker_cmd(once: bool, idle: float) -> None:
    """Run background jobs: settlement, expiry, reconciliation, webhooks, purging."""
    jobs, periodic = handlers(), sweeps()
    make_session = functools.partial(db.database().session, write=True)
    others = lanes(current_app.config)
    if once:
        passes = [step(make_session, jobs, periodic)]
        passes += [step(make_session, jobs, [], name) for name in others]
        if None in passes:
            raise SystemExit(1)
        return
    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        log.info("worker stopping (signal %s)", signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threads = [
        threading.Thread(
            target=lane_in_app,
            args=(app, make_session, jobs, [], name, idle, stopping),
            name=f"lane-{name}-{n}",
            daemon=True,
        )
        for name, count in others.items()
        for n in range(count)
    ]
    for t in threads:
        t.start()
    log.info("worker started: the default lane and %s threads for %s", len(threads), list(others))
    lane(make_session, jobs, periodic, queue.DEFAULT_QUEUE, idle, stopping)
    for t in threads:
        t.join()
