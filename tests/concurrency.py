"""What concurrency tests share: they commit for real (a rolled-back test transaction cannot
show what two transactions do to each other), so `leaving_no_trace` takes back every row they
committed, in every table, whatever the test made; no test lists its own tables to clean."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, delete, select, text, tuple_

from backend.models import metadata

CHUNK = 500


def _keys(conn: Any) -> dict[str, set[tuple[Any, ...]]]:
    return {
        t.name: {tuple(row) for row in conn.execute(select(*t.primary_key.columns))}
        for t in metadata.sorted_tables
    }


@contextmanager
def leaving_no_trace(engine: Engine) -> Iterator[None]:
    """Delete afterwards every row committed meanwhile (rows that existed before stay), and
    put the points pool (one row its triggers keep) back at what it held."""
    with engine.connect() as conn:
        before = _keys(conn)
        pool = conn.execute(text("SELECT balance FROM point_pool WHERE id = 1")).scalar_one()
    try:
        yield
    finally:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # past the append-only triggers and the foreign keys, for this transaction only
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            now = _keys(conn)
            for table in reversed(metadata.sorted_tables):
                key = tuple_(*table.primary_key.columns)
                added = sorted(now[table.name] - before[table.name])
                for i in range(0, len(added), CHUNK):
                    conn.execute(delete(table).where(key.in_(added[i : i + CHUNK])))
            conn.execute(text("UPDATE point_pool SET balance = :b WHERE id = 1"), {"b": pool})


def together(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run fn(i) in n threads released at once; exceptions are returned, not raised."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = fn(i)
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out
