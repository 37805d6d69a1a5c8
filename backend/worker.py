"""`flask worker`: runs the outbox jobs and the periodic sweeps, safely beside other workers.

Jobs are leased with SKIP LOCKED; every sweep is idempotent and locks what it changes, so two
workers (or a worker and `flask orders reconcile` from cron) never do one thing twice.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from backend.core import db
from backend.core.jobs import queue
from backend.credits import inventory
from backend.idempotency import store as idempotency
from backend.orders import context, reconcile, services, settlement
from backend.partners.webhooks import delivery as webhooks
from backend.partners.webhooks import events as webhook_events
from backend.partners.wechat import dedup as wechat_messages
from backend.points import earning, wallet

log = logging.getLogger(__name__)


def handlers() -> dict[str, queue.Handler]:
    """Job kinds and what runs them."""
    ctx = context.current()
    hooks = webhooks.Settings.from_config(current_app.config)
    return {
        settlement.SETTLE_JOB: lambda s, ref: settlement.settle(s, ref, ctx),
        webhooks.DELIVER_JOB: lambda s, ref: webhooks.deliver(s, ref, hooks),
    }


@dataclass
class Periodic:
    every_s: float
    run: Callable[[Session], object]
    last: float = field(default=0.0)


def sweeps() -> list[Periodic]:
    ctx = context.current()
    inactive_days = current_app.config["POINTS_INACTIVE_DAYS"]
    return [
        Periodic(15, services.expire_due),
        Periodic(15, inventory.expire_due),
        Periodic(60, lambda s: _log_repairs(reconcile.reconcile(s, ctx))),
        Periodic(3600, idempotency.purge),
        Periodic(3600, wechat_messages.purge),
        Periodic(3600, webhook_events.purge),
        Periodic(60, earning.confirm_due),
        Periodic(24 * 3600, lambda s: wallet.expire_inactive(s, inactive_days)),
    ]


def _log_repairs(report: reconcile.Report) -> None:
    if report.settled or report.checked or report.abandoned or report.expired or report.failed:
        log.info("reconciled: %s", report)


def tick(s: Session, jobs: dict[str, queue.Handler], periodic: list[Periodic]) -> int:
    """Run due jobs and due sweeps once; returns how many jobs ran."""
    ran = queue.run_due(s, jobs)
    now = time.monotonic()
    for task in periodic:
        if now - task.last >= task.every_s:
            task.last = now
            try:
                task.run(s)
            except Exception:
                s.rollback()
                log.exception("sweep failed; next time")
    return ran


# Errors that mean the database is out of reach (restarting, failing over, network): the worker
# waits and tries again, backing off up to this pause, instead of exiting.
DATABASE_DOWN = (OperationalError, InterfaceError)
MAX_OUTAGE_PAUSE_S = 30.0


def step(
    make_session: Callable[[], Session], jobs: dict[str, queue.Handler], periodic: list[Periodic]
) -> int | None:
    """One `tick` in a session of its own: how many jobs ran, or None when the database could
    not be reached (logged; a leased job is retried when its lease ends)."""
    s = make_session()
    try:
        return tick(s, jobs, periodic)
    except DATABASE_DOWN as exc:
        log.warning("database unreachable, waiting: %s", getattr(exc, "orig", None) or exc)
        return None
    finally:
        s.close()


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass of jobs and sweeps, then exit.")
@click.option("--idle", default=1.0, show_default=True, help="Seconds to sleep when idle.")
@with_appcontext
def worker_cmd(once: bool, idle: float) -> None:
    """Run background jobs: settlement, expiry, reconciliation, key purging."""
    stop = False

    def _stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stop
        stop = True
        log.info("worker stopping (signal %s)", signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    jobs, periodic = handlers(), sweeps()
    log.info("worker started")
    outages = 0
    while True:
        ran = step(db.database().sessionmaker, jobs, periodic)
        if once and ran is None:
            raise SystemExit(1)
        if once or stop:
            return
        outages = outages + 1 if ran is None else 0
        if outages:
            time.sleep(min(MAX_OUTAGE_PAUSE_S, idle * 2**outages))
        elif not ran:
            time.sleep(idle)
