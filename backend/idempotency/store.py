"""Claiming a key, storing its response, releasing it on failure (no Flask here).

A key belongs to one caller (`scope`: a user or an API key). Its first request claims it in a
step committed before the work, so a concurrent twin sees it running (409). A 2xx response is
stored in the work's own transaction (an order and its stored response commit together) and
replayed for 24 h. A failure releases the key in a step of its own, so the same request can be
retried. These steps are listed in docs/architecture.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, DomainError, field_error
from backend.idempotency.models import IdempotencyKey, KeyStatus

KEPT_FOR = timedelta(hours=24)
# A running key older than this belongs to a request that died; a retry may take it over.
LEASE = timedelta(seconds=60)
# A request younger than this is plausibly still running: most end in tens of milliseconds,
# the slowest (a call to the payment provider) within seconds. Its twin is told to retry in
# a second; past it, the holder looks dead and the twin is told when the lease ends.
PLAUSIBLY_RUNNING = timedelta(seconds=10)
KEYS = cast(Table, IdempotencyKey.__table__)


class KeyReused(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency-Key reused"

    def __init__(self) -> None:
        super().__init__(
            "idempotency.reused",
            errors=[field_error("Idempotency-Key", "idempotency.reused_field", where="header")],
        )


class KeyInFlight(Conflict):
    slug, title = "idempotency-key-in-flight", "A request with this Idempotency-Key is running"

    def __init__(self, retry_after_s: int = 1) -> None:
        super().__init__(
            "idempotency.in_flight",
            headers={"Retry-After": str(retry_after_s)},
        )


@dataclass(frozen=True)
class Claim:
    """A key this request owns; `resource_id` is set when resuming after a crash."""

    scope: str
    key: str
    resource_id: str | None = None


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: str


def claim(
    s: Session, scope: str, key: str, fingerprint: str, now: datetime | None = None
) -> Claim | StoredResponse:
    """Own the key (committed), or get the stored response to replay; 422 or 409 otherwise."""
    now = now or utcnow()
    row = {
        "scope": scope,
        "key": key,
        "fingerprint": fingerprint,
        "status": KeyStatus.running,
        "created_at": now,
        "locked_at": now,
        "expires_at": now + KEPT_FOR,
    }
    fresh = upsert(s, KEYS).values(row).on_conflict_do_nothing().returning(KEYS.c.key)
    if s.execute(fresh).first() is not None:
        uow.step(s)
        return Claim(scope, key)
    found = s.execute(
        select(KEYS).where(KEYS.c.scope == scope, KEYS.c.key == key).with_for_update()
    ).one()
    if found.expires_at <= now:  # a day-old key starts afresh
        s.execute(
            _by(scope, key).values(
                {**row, "resource_id": None, "response_status": None, "response_body": None}
            )
        )
        uow.step(s)
        return Claim(scope, key)
    uow.abandon(s)  # nothing claimed: let the row go
    if found.fingerprint != fingerprint:
        raise KeyReused
    if found.status == KeyStatus.done:
        return StoredResponse(
            found.response_status, json.loads(found.response_headers), found.response_body
        )
    if found.locked_at > now - LEASE:  # running, or its request died: free when the lease ends
        raise KeyInFlight(retry_after(found.locked_at, now))
    taken = s.execute(
        _by(scope, key)
        .where(KEYS.c.status == KeyStatus.running, KEYS.c.locked_at == found.locked_at)
        .values(locked_at=now)
    ).rowcount  # type: ignore[attr-defined]
    uow.step(s)
    if not taken:
        raise KeyInFlight
    return Claim(scope, key, found.resource_id)


def retry_after(locked_at: datetime, now: datetime) -> int:
    """Seconds a twin of a running request should wait: 1 while the holder is plausibly
    running (it will store its response or release the key within moments); past
    PLAUSIBLY_RUNNING it looks dead, and the key is free only when its lease ends."""
    held = now - locked_at
    if held < PLAUSIBLY_RUNNING:
        return 1
    return max(1, math.ceil((LEASE - held).total_seconds()))


def _by(scope: str, key: str) -> Any:
    return update(KEYS).where(KEYS.c.scope == scope, KEYS.c.key == key)


def record_resource(s: Session, claim: Claim | None, resource_id: str) -> None:
    """Note what this request created, inside the transaction that creates it."""
    if claim is not None:
        s.execute(_by(claim.scope, claim.key).values(resource_id=resource_id))


def store(s: Session, claim: Claim, response: StoredResponse) -> None:
    """Keep a successful response for replay, in the transaction of the work that made it."""
    s.execute(
        _by(claim.scope, claim.key).values(
            status=KeyStatus.done,
            response_status=response.status,
            response_headers=json.dumps(response.headers),
            response_body=response.body,
        )
    )


def release(s: Session, claim: Claim, *, resumable: bool) -> None:
    """Free the key of a failed request so it can be retried.

    The failed work is rolled back first; the release is then a step of its own, committed
    although the request fails. A `resumable` failure (a crash, not a refusal) keeps a key that
    already created something in a committed step: after the lease, a retry resumes that object
    instead of making a second one.
    """
    uow.abandon(s)
    q = delete(KEYS).where(
        KEYS.c.scope == claim.scope, KEYS.c.key == claim.key, KEYS.c.status == KeyStatus.running
    )
    if resumable:
        q = q.where(KEYS.c.resource_id.is_(None))
    s.execute(q)
    uow.step(s)


def purge(s: Session, now: datetime | None = None) -> int:
    """Delete keys past their 24 hours; returns how many."""
    n = s.execute(delete(KEYS).where(KEYS.c.expires_at <= (now or utcnow()))).rowcount  # type: ignore[attr-defined]
    return int(n)
