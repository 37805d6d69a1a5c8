"""`flask worker` outlives a database outage (found by bench/chaos.py: a PostgreSQL restart made
the worker exit with OperationalError): a tick that cannot reach the database is logged and
retried; the next tick with the database back runs the jobs."""

from __future__ import annotations

import logging

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from backend.core.jobs import queue
from backend.worker import Periodic, step


def test_a_tick_without_the_database_is_logged_not_fatal(db_session, caplog):
    # nothing listens on port 1: connecting fails as it does while PostgreSQL restarts
    down = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    swept: list[str] = []
    periodic = [Periodic(0, lambda s: swept.append("swept"))]
    ran: list[str] = []
    jobs = {"test.job": lambda s, ref: ran.append(ref)}
    with caplog.at_level(logging.WARNING, logger="backend.worker"):
        assert step(sessionmaker(down), jobs, periodic) is None
    assert "database unreachable" in caplog.text
    assert ran == []
    down.dispose()

    # the database is back: the same handlers run the job that waited
    queue.enqueue(db_session, "test.job", "ref-1")
    db_session.commit()
    assert step(lambda: db_session, jobs, periodic) == 1
    assert ran == ["ref-1"]
    assert swept == ["swept"]
