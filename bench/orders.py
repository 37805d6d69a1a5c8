"""Complete sandbox neutralisation flows per second on PostgreSQL, through gunicorn: a meeting
footprint, an order for it (bearer token, fresh Idempotency-Key), and the sandbox payment, which
must answer `retired`. Baseline: `GET /healthz` on the same server, driven by the same client
processes (and by wrk when it is installed).

Goal (issue "Orders"): >= 300 complete flows/s on the 2-core machine.
Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt). The server runs
with RATELIMIT_ENABLED=0 (set by harness.server): sign-in and anonymous footprint limits are off.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness import Client, WrkResult, flask, pct, server, sign_in, sqlalchemy_url, wrk
from sqlalchemy import create_engine, text

AVAILABLE = text("SELECT sum(available_g) FROM lots")
# The demo seed leaves jobs for a worker (organisations' webhooks) that no flow made: the
# invariant is no open settle job, and no open job of any kind added by the flows.
OPEN_JOBS = text("SELECT count(*) FROM jobs WHERE done_at IS NULL")
XACTS = text(
    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
)
MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}
BENEFICIARY = "张三"
STEPS = ("footprint", "order", "confirm")
LABELS = {
    "footprint": "POST /api/v1/footprints (meeting)",
    "order": "POST /api/v1/orders",
    "confirm": "POST /api/v1/orders/{id}/confirm",
    "flow": "complete flow (3 requests)",
    "healthz": "GET /healthz",
}


@dataclass
class Stats:
    """What one client process saw inside the measured window (plus flows done overall)."""

    window: float = 0.0
    done: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    samples: dict[tuple[str, str], str] = field(default_factory=dict)
    flows_total: int = 0  # every completed flow, warm-up included: each left a retired order

    def merge(self, other: Stats) -> None:
        self.window = max(self.window, other.window)
        self.done.update(other.done)
        for k, v in other.latencies.items():
            self.latencies.setdefault(k, []).extend(v)
        self.errors.update(other.errors)
        for key, sample in other.samples.items():
            self.samples.setdefault(key, sample)
        self.flows_total += other.flows_total

    def failed(self, counted: bool, key: tuple[str, str], sample: str) -> None:
        if counted:
            self.errors[key] += 1
            self.samples.setdefault(key, sample)

    def completed(self, steps: list[tuple[str, float]]) -> None:
        for name, ms in steps:
            self.done[name] += 1
            self.latencies.setdefault(name, []).append(ms)


class Failed(Exception):
    """A step answered something other than what the flow needs."""

    def __init__(self, step: str, what: str, sample: str) -> None:
        super().__init__(f"{step}: {what}")
        self.step, self.what, self.sample = step, what, sample


def post(
    client: Client,
    name: str,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> tuple[dict[str, Any], float]:
    """One POST of the flow: its JSON body and latency in ms; any non-2xx raises Failed."""
    t0 = time.perf_counter()
    answer = client.send("POST", path, body, headers)
    ms = (time.perf_counter() - t0) * 1000
    if not 200 <= answer.status < 300:
        raise Failed(name, f"{answer.status} {answer.slug()}".strip(), answer.sample())
    out: dict[str, Any] = answer.json()
    return out, ms


def flow(client: Client) -> list[tuple[str, float]]:
    """Footprint, order, confirm; the latency of each step in ms."""
    fp, fp_ms = post(client, "footprint", "/api/v1/footprints", MEETING)
    order, order_ms = post(
        client,
        "order",
        "/api/v1/orders",
        {"footprint_id": fp["id"], "beneficiary": BENEFICIARY},
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    paid, confirm_ms = post(client, "confirm", f"/api/v1/orders/{order['id']}/confirm", {})
    if paid.get("status") != "retired":
        raise Failed("confirm", f"200 but status {paid.get('status')}", json.dumps(paid)[:300])
    return [("footprint", fp_ms), ("order", order_ms), ("confirm", confirm_ms)]


def healthz(client: Client) -> list[tuple[str, float]]:
    """As many `GET /healthz` as a flow has requests, on one connection like a flow."""
    out = []
    for _ in STEPS:
        t0 = time.perf_counter()
        answer = client.send("GET", "/healthz")
        out.append(("healthz", (time.perf_counter() - t0) * 1000))
        if answer.status != 200:
            raise Failed("healthz", str(answer.status), answer.sample())
    return out


def client_loop(kind: str, port: int, token: str, t0: float, t1: float) -> Stats:
    """One client: its workload over and over until `t1`; what completes in [t0, t1] counts."""
    work, bearer = (flow, token) if kind == "flow" else (healthz, None)
    mine = Stats()
    while time.time() < t1:
        attempt(mine, kind, Client(port, bearer), work, t0, t1)
    return mine


def attempt(
    mine: Stats,
    kind: str,
    client: Client,
    work: Callable[[Client], list[tuple[str, float]]],
    t0: float,
    t1: float,
) -> None:
    """One unit of work (a flow, or its `/healthz` requests) on `client`, a new connection,
    closed after it; recorded in `mine`, its latencies when it ends within [t0, t1]."""
    now = time.time()
    # A connection per flow: gunicorn workers take connections as they come, and a few
    # long-lived ones can all land on one worker for the whole run.
    try:
        with client:
            began = time.perf_counter()
            steps = work(client)
            total = (time.perf_counter() - began) * 1000
    except Failed as exc:
        mine.failed(now >= t0, (exc.step, exc.what), exc.sample)
        return
    except (OSError, http.client.HTTPException) as exc:
        mine.failed(now >= t0, ("connection", type(exc).__name__), str(exc))
        return
    mine.flows_total += 1
    if t0 <= time.time() <= t1:
        if kind == "flow":
            steps.append(("flow", total))
        mine.completed(steps)


def run_process(job: tuple[str, int, list[str], float, float, float]) -> Stats:
    """One client process: a thread per token, looping over its workload (a flow, or as many
    `/healthz` requests, on one keep-alive connection each time) from `start_at`; what completes
    in [start_at + warmup, + seconds] counts."""
    kind, port, tokens, start_at, warmup, seconds = job
    t0 = start_at + warmup
    stats = Stats(window=seconds)
    lock = threading.Lock()

    def client(token: str) -> None:
        mine = client_loop(kind, port, token, t0, t0 + seconds)
        with lock:
            stats.merge(mine)

    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def load(
    kind: str, port: int, tokens: list[str], processes: int, warmup: float, seconds: float
) -> Stats:
    """Run `kind` on one client per token, spread over `processes` processes."""
    start_at = time.time() + 3  # time for every process to start
    jobs = [(kind, port, tokens[p::processes], start_at, warmup, seconds) for p in range(processes)]
    total = Stats()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for part in pool.map(run_process, jobs):
            total.merge(part)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=15, help="measured flow window")
    ap.add_argument("--warmup", type=float, default=3, help="flows before the window opens")
    ap.add_argument("--baseline-seconds", type=float, default=5, help="each /healthz baseline")
    ap.add_argument("--clients", type=int, default=16, help="concurrent clients, one user each")
    ap.add_argument(
        "--processes",
        type=int,
        default=4,
        help="client processes sharing the clients (Python threads share one GIL)",
    )
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    processes = min(args.processes, args.clients)

    with server(args.workers, args.threads) as (port, url):
        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as c:
            stock_g = int(c.execute(AVAILABLE).scalar_one())
        tokens = [sign_in(port, f"+86139{i:08d}") for i in range(1, args.clients + 1)]

        base = load("healthz", port, tokens, processes, 1, args.baseline_seconds)
        base_wrk: WrkResult | None = None
        if shutil.which("wrk"):
            secs = max(1, round(args.baseline_seconds))
            wrk(port, "/healthz", seconds=1, connections=args.clients)
            base_wrk = wrk(port, "/healthz", seconds=secs, connections=args.clients)
        with engine.connect() as c:
            xacts_before = int(c.execute(XACTS).scalar_one())
            open_before = int(c.execute(OPEN_JOBS).scalar_one())
        res = load("flow", port, tokens, processes, args.warmup, args.seconds)
        time.sleep(1.5)  # PostgreSQL flushes its per-backend counters about once a second
        with engine.connect() as c:
            xacts = int(c.execute(XACTS).scalar_one()) - xacts_before - 1

        with engine.connect() as c:
            statuses: dict[str, int] = dict(
                c.execute(text("SELECT status, count(*) FROM orders GROUP BY status")).all()
            )
            open_jobs = c.execute(text(f"{OPEN_JOBS.text} AND kind = 'order.settle'")).scalar()
            new_jobs = int(c.execute(OPEN_JOBS).scalar_one()) - open_before
            running_keys = c.execute(
                text("SELECT count(*) FROM idempotency_keys WHERE status <> 'done'")
            ).scalar()
            used_g = stock_g - int(c.execute(AVAILABLE).scalar_one())
        engine.dispose()
        check_rc, stdout, stderr = flask(url, "credits", "check")
        check_out = (stdout + stderr).strip()

    base_rps = base.done["healthz"] / base.window
    flows = res.done["flow"] / res.window
    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} workers × {args.threads} threads, "
        f"RATELIMIT_ENABLED=0; {args.clients} clients (one user each) in {processes} processes; "
        f"{args.seconds:g} s measured after {args.warmup:g} s warm-up; baselines "
        f"{args.baseline_seconds:g} s each\n"
    )
    print("| measured | per s | p50 ms | p99 ms | errors | req/s vs Python /healthz |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    if base_wrk is not None:
        print(
            f"| {LABELS['healthz']}, wrk {args.clients} connections | {base_wrk.rps:.0f} "
            f"| {base_wrk.p50_ms:.2f} | {base_wrk.p99_ms:.2f} | {base_wrk.errors} "
            f"| {base_wrk.rps / base_rps:.2f} |"
        )
    rows = [("healthz", base, f"{LABELS['healthz']}, same Python clients (baseline)")]
    rows += [(name, res, LABELS[name]) for name in (*STEPS, "flow")]
    for name, stats, label in rows:
        lat = stats.latencies.get(name, [])
        n_err = sum(v for (s, _), v in stats.errors.items() if s == name)
        if name == "flow":
            n_err = sum(stats.errors.values())
        per_s = stats.done[name] / stats.window
        ratio = per_s * (len(STEPS) if name == "flow" else 1) / base_rps
        print(
            f"| {label} | {per_s:.0f} | {pct(lat, 50):.2f} | {pct(lat, 99):.2f} | {n_err} "
            f"| {ratio:.2f} |"
        )
    print(
        f"\nComplete flows: {flows:.1f}/s (goal >= 300/s); their HTTP requests: {3 * flows:.0f}/s "
        f"= {3 * flows / base_rps:.2f} of /healthz with the same clients"
        + (f", {3 * flows / base_wrk.rps:.2f} of /healthz under wrk." if base_wrk else ".")
    )
    print(
        f"Database transactions per complete flow (commits + rollbacks, warm-up included): "
        f"{xacts / max(res.flows_total, 1):.1f}"
    )
    errors, samples = res.errors + base.errors, {**base.samples, **res.samples}
    if errors:
        print("\nErrors by step and status (measured windows):")
        for (name, what), n in errors.most_common():
            print(f"  {name:10} {what:40} {n:7d}  e.g. {samples[name, what][:160]}")
    retired = statuses.get("retired", 0)
    ok = (
        statuses.keys() <= {"retired"}
        and retired == res.flows_total
        and open_jobs == 0
        and new_jobs == 0
        and running_keys == 0
    )
    print(
        f"\nInvariants: orders by status {statuses or '{}'}; flows completed by clients "
        f"(warm-up included) {res.flows_total}; unfinished settle jobs {open_jobs}, open jobs "
        f"added by the flows {new_jobs}; idempotency "
        f"keys not done {running_keys}; {used_g / 1e6:.1f} t taken of {stock_g / 1e6:.0f} t "
        f"in stock -> {'OK' if ok else 'VIOLATED'}"
    )
    print(f"flask credits check: exit {check_rc}: {check_out}")
    if not ok or check_rc != 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
