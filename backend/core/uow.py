"""Units of work: who owns a transaction.

Services flush and never commit or roll back. The caller owns the transaction, through this
module only:
- a route: `in_transaction` wraps every view (see `init_app`), so a request is one transaction,
  committed when the view returns and rolled back when it raises;
- a CLI command or a job: `transaction()` around the work.

A use case that truly needs several transactions marks each boundary with `step`, and
`docs/architecture.md` lists it with its reason (a test keeps the two in agreement). A service
that must undo part of its own work without losing the rest uses `savepoint`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, g
from sqlalchemy.orm import Session, SessionTransaction

from backend.core import db

F = TypeVar("F", bound=Callable[..., Any])


def in_transaction(view: F) -> F:
    """Run a view as one unit of work on the request's session."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            resp = view(*args, **kwargs)
            s: Session | None = g.get("db_session")
            if s is not None:
                _commit(s)
        except BaseException:
            _rollback()
            raise
        return resp

    return wrapper  # type: ignore[return-value]


def _rollback() -> None:
    s: Session | None = g.get("db_session")
    if s is not None:
        abandon(s)


ON_COMMIT = "uow_on_commit"
ON_ROLLBACK = "uow_on_rollback"


def on_commit(s: Session, callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit of work has committed (never if it rolls back):
    for effects outside the database, such as forgetting a cached image."""
    s.info.setdefault(ON_COMMIT, []).append(callback)


def on_rollback(s: Session, callback: Callable[[], object]) -> None:
    """Run `callback` if the current unit of work rolls back (or fails to commit), never once
    it has committed: to undo an effect outside the database, such as a stored file."""
    s.info.setdefault(ON_ROLLBACK, []).append(callback)


def _commit(s: Session) -> None:
    s.commit()
    s.info.pop(ON_ROLLBACK, None)
    for callback in s.info.pop(ON_COMMIT, []):
        callback()


def init_app(app: Flask) -> None:
    """Make every view of the app (API, pages) its own unit of work."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and not getattr(view, "_in_transaction", False):
            wrapped: Any = in_transaction(view)
            wrapped._in_transaction = True
            app.view_functions[endpoint] = wrapped


@contextmanager
def transaction(s: Session | None = None, *, write: bool = True) -> Iterator[Session]:
    """One unit of work for a command or a job: committed at the end of the block, rolled back
    if it raises. Without `s`, a session of its own (closed afterwards)."""
    own = s is None
    session = db.database().session(write=write) if s is None else s
    try:
        yield session
        _commit(session)
    except BaseException:
        abandon(session)
        raise
    finally:
        if own:
            session.close()


def step(s: Session) -> None:
    """Commit a step of a multi-transaction use case (listed in docs/architecture.md); what
    follows begins a new transaction."""
    _commit(s)


def abandon(s: Session) -> None:
    """Roll back the current step of a multi-transaction use case: what it did is discarded,
    the steps committed before it stay."""
    s.rollback()
    s.info.pop(ON_COMMIT, None)
    for callback in s.info.pop(ON_ROLLBACK, []):
        callback()


def savepoint(s: Session) -> SessionTransaction:
    """A nested transaction (`with savepoint(s):`): rolled back alone if its block raises."""
    return s.begin_nested()
