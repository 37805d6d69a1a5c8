"""Which transaction each part of an Idempotency-Key request is in.

The claim is committed before the work (a concurrent twin must see it); the 2xx response is
stored in the work's own transaction, so the work and its stored response commit, or roll
back, together; a failed request releases its key although its transaction rolls back.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.core import db, uow
from backend.core.jobs.models import Job
from backend.idempotency import store
from backend.idempotency.http import idempotent
from backend.idempotency.models import IdempotencyKey
from tests import factories as f

REF = "idempotent-work"


def jobs(s) -> int:
    return s.scalar(select(func.count()).select_from(Job).where(Job.ref == REF))


def work() -> tuple[dict[str, str], int]:
    db.session().add(Job(kind="test", ref=REF, max_attempts=1))
    db.session().flush()
    return {"done": "yes"}, 201


def fails() -> None:
    work()
    raise RuntimeError("the use case failed after writing")


def run(app: Flask, token: str, view, then=None):
    """The view as an idempotent request; `then(session)` stands for what the request's unit
    of work does next (default: `uow.in_transaction`, commit or roll back)."""
    headers = {**f.bearer(token), "Idempotency-Key": "k1"}
    with app.test_request_context("/api/v1/x", method="POST", json={}, headers=headers):
        if then is None:
            return uow.in_transaction(idempotent(view))()
        resp = idempotent(view)()
        then(db.session())
        return resp


def test_the_stored_response_commits_or_rolls_back_with_the_work(app, db_session, buyer):
    resp = run(app, buyer.token, work, then=lambda s: s.rollback())  # the commit failed
    assert resp.status_code == 201
    assert jobs(db_session) == 0
    key = db_session.scalars(select(IdempotencyKey)).one()
    assert key.status == store.KeyStatus.running  # the claim stays; the response went with the work
    assert key.response_body is None


def test_a_successful_request_commits_the_work_and_its_response_at_once(app, db_session, buyer):
    assert run(app, buyer.token, work).status_code == 201
    assert jobs(db_session) == 1
    key = db_session.scalars(select(IdempotencyKey)).one()
    assert (key.status, key.response_status) == (store.KeyStatus.done, 201)


def test_a_failed_request_releases_its_key_and_leaves_no_work(app, db_session, buyer):
    with pytest.raises(RuntimeError):
        run(app, buyer.token, fails)
    assert jobs(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
