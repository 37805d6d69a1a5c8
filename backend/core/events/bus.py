"""Domain events: how a lower domain causes something in a higher one without importing it.

A domain defines its events (frozen dataclasses of plain JSON values) and `publish`es them inside
the transaction of their cause. Each is written to the outbox in that transaction. Domains above
`subscribe` handlers when the app is assembled (`backend.wiring`):

- an *inline* handler runs at once, in the cause's transaction: what must hold whenever the cause
  holds (a retired order has its certificate; a court's purchase is linked to its order). If it
  raises, the cause is rolled back with it.
- a *deferred* handler runs later in a job of its own (its `queue`), retried with backoff: what
  may lag or may fail without undoing the cause (a partner's webhook).

Handlers are idempotent: a deferred one may run again after a crash, and replays must not act
twice (each names the event's `id` in what it writes, under a unique constraint).
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import Table, delete, exists, insert
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.events.models import OutboxEvent
from backend.core.jobs import queue
from backend.core.jobs.models import Job

OUTBOX = cast(Table, OutboxEvent.__table__)
JOB_KIND = "event"
KEEP = timedelta(days=30)  # how long the outbox remembers a handled event


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event; a publishable subclass sets `type` and declares its fields."""

    type: ClassVar[str] = ""
    id: str = field(default_factory=lambda: random_id("evt_"))
    at: datetime = field(default_factory=utcnow)

    def __init_subclass__(cls, **kw: Any) -> None:
        """Register a class that names its own `type` (a base without one is not published)."""
        super().__init_subclass__(**kw)
        if "type" in cls.__dict__ and _event_types.setdefault(cls.type, cls) is not cls:
            raise TypeError(f"event type {cls.type!r} is defined twice")

    def payload(self) -> dict[str, Any]:
        """The fields other than id and time, as plain JSON."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del data["id"], data["at"]
        json.dumps(data, allow_nan=False)  # fail in the publisher, not later in a job
        return data

    @staticmethod
    def load(row: OutboxEvent) -> Event:
        """The event an outbox row holds."""
        return _event_types[row.type](id=row.id, at=row.created_at, **row.payload)


_event_types: dict[str, type[Event]] = {}


E = TypeVar("E", bound=Event)
Handler = Callable[[Session, Any], None]


@dataclass(frozen=True)
class Subscription:
    name: str
    handler: Handler
    deferred: bool
    queue: str
    when: Callable[[Any], bool] | None


_subscriptions: dict[str, list[Subscription]] = defaultdict(list)


def subscribe(
    event: type[E],
    handler: Callable[[Session, E], None],
    *,
    deferred: bool = False,
    queue_name: str = queue.DEFAULT_QUEUE,
    when: Callable[[E], bool] | None = None,
) -> None:
    """Run `handler` for every `event` published from now on (once per handler), or only for
    those `when` accepts (decided at publication: a deferred handler's job is then not even
    written)."""
    name = f"{handler.__module__}.{handler.__qualname__}"
    subs = _subscriptions[event.type]
    if any(sub.name == name for sub in subs):
        return
    subs.append(Subscription(name, handler, deferred, queue_name, when))


def subscriptions(event: type[Event]) -> list[Subscription]:
    """Who handles `event`, in the order they subscribed."""
    return list(_subscriptions.get(event.type, ()))


def publish(s: Session, event: Event) -> None:
    """Write `event` to the outbox in the caller's transaction, run its inline handlers there,
    and enqueue a job for each deferred one."""
    s.execute(
        insert(OUTBOX).values(
            id=event.id, type=event.type, payload=event.payload(), created_at=event.at
        )
    )
    for sub in _subscriptions.get(event.type, ()):
        if sub.when is not None and not sub.when(event):
            continue
        if sub.deferred:
            queue.enqueue(s, JOB_KIND, job_ref(sub.name, event.id), queue_name=sub.queue)
        else:
            sub.handler(s, event)


def job_ref(handler_name: str, event_id: str) -> str:
    return f"{event_id} {handler_name}"


def run_deferred(s: Session, ref: str) -> None:
    """The job of a deferred handler: load its event from the outbox and handle it."""
    event_id, name = ref.split(" ", 1)
    row = s.get(OutboxEvent, event_id)
    if row is None:
        raise LookupError(f"event {event_id} is not in the outbox")
    event = Event.load(row)
    for sub in _subscriptions.get(row.type, ()):
        if sub.name == name:
            sub.handler(s, event)
            return
    raise LookupError(f"nobody named {name!r} handles {row.type!r}")


def purge(s: Session, now: datetime | None = None) -> int:
    """Forget events older than `KEEP` whose jobs are all done; returns how many."""
    waiting = exists().where(
        Job.kind == JOB_KIND, Job.done_at.is_(None), Job.ref.startswith(OUTBOX.c.id + " ")
    )
    gone = s.execute(
        delete(OUTBOX).where(OUTBOX.c.created_at < (now or utcnow()) - KEEP, ~waiting)
    ).rowcount  # type: ignore[attr-defined]
    return int(gone)
