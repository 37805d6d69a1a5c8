"""Enqueue in the caller's transaction; lease, run and retire due jobs, safely from many workers.

A lease is a committed `locked_until`, taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL (BEGIN
IMMEDIATE serialises it on SQLite), so two workers never run one job at once, and a worker that
dies only delays its jobs until the lease ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.jobs.models import Job

log = logging.getLogger(__name__)
JOBS = cast(Table, Job.__table__)
LEASE = timedelta(minutes=2)
# Jobs run in lanes: the worker gives each queue its own threads, so slow outbound deliveries
# (their own queue) can never hold up settlement, expiry or reconciliation (the default one).
DEFAULT_QUEUE = "default"
Handler = Callable[[Session, str], None]


@dataclass(frozen=True)
class Leased:
    id: int
    kind: str
    ref: str
    attempts: int
    max_attempts: int


def backoff(attempts: int) -> timedelta:
    """15 s, 1 min, 4 min, 16 min, ... capped at 6 h: eight attempts span about 18 h."""
    return min(timedelta(seconds=15 * 4 ** max(attempts - 1, 0)), timedelta(hours=6))


def enqueue(
    s: Session,
    kind: str,
    ref: str,
    *,
    run_at: datetime | None = None,
    max_attempts: int = 8,
    queue_name: str = DEFAULT_QUEUE,
) -> None:
    """Add a job in the caller's transaction (the outbox): it exists iff its cause committed."""
    now = utcnow()
    s.execute(
        insert(JOBS).values(
            queue=queue_name,
            kind=kind,
            ref=ref,
            run_at=run_at or now,
            attempts=0,
            max_attempts=max_attempts,
            last_error="",
            created_at=now,
        )
    )


def finish(s: Session, kind: str, ref: str, now: datetime | None = None) -> None:
    """Mark a cause's open jobs done in the caller's transaction (the work was done inline)."""
    s.execute(
        update(JOBS)
        .where(JOBS.c.kind == kind, JOBS.c.ref == ref, JOBS.c.done_at.is_(None))
        .values(done_at=now or utcnow(), locked_until=None)
    )


def lease(
    s: Session, now: datetime | None = None, limit: int = 20, queue_name: str = DEFAULT_QUEUE
) -> list[Leased]:
    """Take up to `limit` due jobs of a queue for this worker, committed."""
    now = now or utcnow()
    due = (
        select(JOBS.c.id)
        .where(
            JOBS.c.queue == queue_name,
            JOBS.c.done_at.is_(None),
            JOBS.c.run_at <= now,
            JOBS.c.attempts < JOBS.c.max_attempts,
            or_(JOBS.c.locked_until.is_(None), JOBS.c.locked_until < now),
        )
        .order_by(JOBS.c.run_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = s.execute(
        update(JOBS)
        .where(JOBS.c.id.in_(due.scalar_subquery()))
        .values(locked_until=now + LEASE, attempts=JOBS.c.attempts + 1)
        .returning(JOBS.c.id, JOBS.c.kind, JOBS.c.ref, JOBS.c.attempts, JOBS.c.max_attempts)
    ).all()
    uow.step(s)
    return [Leased(*row) for row in rows]


def run_due(
    s: Session,
    handlers: Mapping[str, Handler],
    now: datetime | None = None,
    limit: int = 20,
    queue_name: str = DEFAULT_QUEUE,
) -> int:
    """Run a queue's due jobs once, each in its own transaction; a failure is recorded and
    retried later. Returns how many ran."""
    jobs = lease(s, now, limit, queue_name)
    for job in jobs:
        handler = handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            handler(s, job.ref)
        except Exception as exc:  # a job's failure must not stop the others
            uow.abandon(s)
            log.exception(
                "job %s (%s %s) failed, attempt %s", job.id, job.kind, job.ref, job.attempts
            )
            s.execute(
                update(JOBS)
                .where(JOBS.c.id == job.id)
                .values(
                    locked_until=None,
                    run_at=utcnow() + backoff(job.attempts),
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                )
            )
        else:
            s.execute(
                update(JOBS)
                .where(JOBS.c.id == job.id, JOBS.c.done_at.is_(None))
                .values(done_at=utcnow(), locked_until=None)
            )
        uow.step(s)
    return len(jobs)


def stuck(s: Session) -> list[Job]:
    """Jobs that used every attempt without succeeding (for operators)."""
    return list(
        s.scalars(
            select(Job)
            .where(Job.done_at.is_(None), Job.attempts >= Job.max_attempts)
            .order_by(Job.id)
        )
    )
