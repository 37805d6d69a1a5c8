"""The sandbox neutralisation flow (footprint → order → confirm → retired) in process, through
the WSGI app and Flask's test client: statements and transactions per request and per flow
(SQLAlchemy engine events), then a cProfile of many flows. No HTTP server, no timing goal: it
says where a flow's time and round trips go, for `bench/orders.py` to measure.

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt, then migrated
and seeded as for the other benchmarks). Options: `--flows` (profiled, 300), `--top` (30).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
import uuid
from collections import Counter
from typing import Any

from harness import ROOT, prepared
from sqlalchemy import event

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}


class Counts:
    """Statements and transaction ends seen by the engine, by the step that caused them."""

    def __init__(self) -> None:
        self.step = "setup"
        self.statements: Counter[str] = Counter()
        self.commits: Counter[str] = Counter()
        self.rollbacks: Counter[str] = Counter()
        self.checkouts: Counter[str] = Counter()
        self.resets: Counter[str] = Counter()
        self.kinds: Counter[tuple[str, str]] = Counter()

    def attach(self, engine: Any) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _stmt(_c: Any, _cur: Any, sql: str, _p: Any, _ctx: Any, many: bool) -> None:
            self.statements[self.step] += 1
            head = re.sub(r"\s+", " ", sql.strip())[:70]
            self.kinds[self.step, head] += 1

        @event.listens_for(engine, "commit")
        def _commit(_c: Any) -> None:
            self.commits[self.step] += 1

        @event.listens_for(engine, "rollback")
        def _rollback(_c: Any) -> None:
            self.rollbacks[self.step] += 1

        @event.listens_for(engine.pool, "checkout")
        def _checkout(*_a: Any) -> None:
            self.checkouts[self.step] += 1

        @event.listens_for(engine.pool, "reset")
        def _reset(*_a: Any) -> None:
            # the pool's rollback of a connection given back: a transaction to PostgreSQL when
            # the session read something and did not commit (the engine's "rollback" misses it)
            self.resets[self.step] += 1


def flow(client: Any, token: str, counts: Counts | None = None) -> None:
    auth = {"Authorization": f"Bearer {token}"}

    def post(
        step: str, path: str, body: dict[str, Any], extra: dict[str, str] | None = None
    ) -> Any:
        if counts is not None:
            counts.step = step
        r = client.post(path, json=body, headers={**auth, **(extra or {})})
        if not 200 <= r.status_code < 300:
            raise SystemExit(f"{step}: {r.status_code} {r.get_data(as_text=True)[:300]}")
        return r.get_json()

    fp = post("footprint", "/api/v1/footprints", MEETING)
    order = post(
        "order",
        "/api/v1/orders",
        {"footprint_id": fp["id"], "beneficiary": "张三"},
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    paid = post("confirm", f"/api/v1/orders/{order['id']}/confirm", {})
    if paid["status"] != "retired":
        raise SystemExit(f"confirm: status {paid['status']}")
    if counts is not None:
        counts.step = "after"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flows", type=int, default=300)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--counted", type=int, default=20, help="flows whose statements are counted")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    _tmp, _url, env = prepared("dd-prof-", 1, 1)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))  # this checkout's backend, not the one the venv installed

    from backend.app import create_app
    from backend.core import db

    app = create_app()
    client = app.test_client()
    from backend.accounts import legal

    phone = "+8613900000001"
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    accept = [{"document": d.value, "version": legal.version(d)} for d in legal.REQUIRED]
    token = client.post(
        "/api/v1/auth/tokens", json={"phone": phone, "code": code, "accept": accept}
    ).get_json()["access_token"]

    with app.app_context():
        engine = db.database().engine
    for _ in range(20):  # warm caches (compiled statements, factor sets)
        flow(client, token)

    counts = Counts()
    counts.attach(engine)
    for _ in range(args.counted):
        flow(client, token, counts)
    n = args.counted
    print(f"Per flow, mean of {n} flows (PostgreSQL, in process, warm):\n")
    print("| step | statements | commits | rollbacks | pool checkouts | pool resets |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for step in ("footprint", "order", "confirm"):
        print(
            f"| {step} | {counts.statements[step] / n:.1f} | {counts.commits[step] / n:.1f} "
            f"| {counts.rollbacks[step] / n:.1f} | {counts.checkouts[step] / n:.1f} "
            f"| {counts.resets[step] / n:.1f} |"
        )
    total = sum(counts.statements[s] for s in ("footprint", "order", "confirm")) / n
    tx = sum(counts.commits[s] + counts.rollbacks[s] for s in ("footprint", "order", "confirm"))
    print(f"| flow | {total:.1f} | transactions {tx / n:.1f} | |\n")
    print("Statements per flow by step and text:")
    for (step, head), k in sorted(counts.kinds.items()):
        if step in ("footprint", "order", "confirm"):
            print(f"  {step:9} {k / n:5.1f}  {head}")

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(args.flows):
        flow(client, token)
    prof.disable()
    secs = time.perf_counter() - t0
    print(
        f"\n{args.flows} flows in {secs:.2f} s in process: {secs / args.flows * 1000:.1f} ms a flow"
    )
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(args.top)
    print(out.getvalue())
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("tottime")
    stats.print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
