"""Beyond one machine: one web node and one worker, then two web nodes and two workers, as
separate processes against one PostgreSQL and one Redis; throughput, latency and the invariants
of each configuration, measured in the same run.

A web node is a gunicorn master (its own port, its own instance directory, as on its own
machine) with `--workers` × `--threads`; a worker is `flask worker` (its own instance
directory). Every process gets the same SECRET_KEY and certificate signing key (what a
multi-node deploy must share, docs/scaling.md) and REDIS_URL, so the rate limits are counted in
Redis (on, with the writes limit raised so the load is not refused; the sign-in limits as
configured).

Traffic, spread over the nodes (client i's k-th flow goes to node (i + k) mod n, each flow on a
new connection):
- `GET /healthz`, the baseline, with the same client processes;
- complete order flows as bench/orders.py (a 50-person meeting footprint, an order with a fresh
  Idempotency-Key filed under an organisation, the sandbox confirm answering `retired`). The
  organisation has a webhook endpoint (a receiver in this script, on 127.0.0.1) for
  order.paid, order.retired and certificate.issued, so every flow leaves the workers six jobs:
  three deferred event handlers and three signed deliveries (the sandbox confirm settles inline
  and writes no settle job). Each client orders for an organisation of its own: one
  organisation's orders queue on its row (the unpaid cap), by design.

After each run, when the workers have drained the queue: every job done, each leased once
(`attempts` 1) and none failed, six per flow; as many deliveries received
as made, each event received once and correctly signed; orders all retired, as many as the
flows completed, one certificate each; the certificate keys the same on every node; Redis
shared (a phone's sign-in codes counted across nodes: the 4th in a minute is a 429 whichever
node answers); no 5xx; `flask credits check` exit 0.

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt for each
configuration) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/7: that database is
flushed).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orders
from harness import (
    BIN,
    OPERATOR,
    ROOT,
    Client,
    flask,
    free_port,
    pct,
    prepared,
    sqlalchemy_url,
    wait_ready,
)
from orders import MEETING, Failed, Stats, attempt, post
from sqlalchemy import create_engine, text

BENEFICIARY = "张三"
HOOK_EVENTS = ["order.paid", "order.retired", "certificate.issued"]
JOBS_PER_FLOW = 2 * len(HOOK_EVENTS)  # a deferred handler and a delivery per event
XACTS = text(
    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
)


# --- the webhook receiver -----------------------------------------------------------------------


class Receiver:
    """An HTTP server on 127.0.0.1 counting each delivered event by its id, and checking its
    signature with the secret of the endpoint its path names (`/hooks/<organisation id>`)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.lock = threading.Lock()
        self.events: Counter[str] = Counter()
        self.bad_signatures = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received(
                    self.path,
                    self.headers.get("Diandian-Event-Id", ""),
                    self.headers.get("Diandian-Signature", ""),
                    body,
                )
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, path: str, event_id: str, signature: str, body: bytes) -> None:
        from backend.partners.webhooks import signing

        try:
            signing.verify([self.secrets.get(path, "")], signature, body)
            good = True
        except signing.InvalidSignature:
            good = False
        with self.lock:
            self.events[event_id] += 1
            self.bad_signatures += not good

    def reset(self, secrets: dict[str, str]) -> None:
        with self.lock:
            self.secrets, self.events, self.bad_signatures = secrets, Counter(), 0

    def close(self) -> None:
        self.server.shutdown()


# --- the stack: n web nodes and n workers -------------------------------------------------------


@dataclass
class Stack:
    url: str
    ports: list[int]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)


def signing_key() -> str:
    """One certificate signing key for every process (kid:base64url(seed))."""
    seed = os.urandom(32)
    kid = "bench-" + hashlib.sha256(seed).hexdigest()[:8]
    return f"{kid}:{base64.urlsafe_b64encode(seed).rstrip(b'=').decode()}"


def redis_flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


GUNICORN: list[str | Path] = [
    BIN / "gunicorn",
    "backend.app:create_app()",
    "--access-logfile",
    "/dev/null",
]
WORKER: list[str | Path] = [BIN / "flask", "worker", "--idle", "0.2"]


@contextmanager
def stack(nodes: int, workers: int, threads: int, redis_url: str) -> Iterator[Stack]:
    """A migrated, seeded database; `nodes` gunicorn masters and as many `flask worker`s, each
    with an instance directory of its own, sharing the database, Redis and the secrets."""
    tmp, url, base_env = prepared("dd-nodes-", workers, threads)
    redis_flush(redis_url)
    shared = {
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_WRITES": "1000000 per minute",
        "SECRET_KEY": os.urandom(32).hex(),
        "CERTIFICATE_SIGNING_KEYS": signing_key(),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    }
    env = {k: v for k, v in base_env.items() if k != "RATELIMIT_STORAGE_URI"} | shared
    st = Stack(url, [free_port() for _ in range(nodes)])
    commands = [
        (f"node{i}", [*GUNICORN, "--bind", f"127.0.0.1:{p}"]) for i, p in enumerate(st.ports)
    ]
    commands += [(f"worker{i}", WORKER) for i in range(nodes)]
    logs = []
    try:
        for name, cmd in commands:
            logs.append((tmp / f"{name}.log").open("wb"))
            st.procs.append(
                subprocess.Popen(
                    cmd,
                    env=env | {"INSTANCE_PATH": str(tmp / name)},  # as on a machine of its own
                    cwd=ROOT,
                    stdout=logs[-1],
                    stderr=logs[-1],
                )
            )
        for port in st.ports:
            if not wait_ready(port, 300):
                raise SystemExit(f"no web node on port {port}")
        yield st
    finally:
        stop(st.procs)
        for log in logs:
            log.close()
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"(logs kept in {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (gunicorn's workers, the render
    pools), from /proc; 0 for one that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        me, parent = int(stat.parent.name), int(fields[1])
        if me == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def database_cpu(url: str) -> float:
    """CPU seconds of the PostgreSQL backends now connected to this benchmark's database (its
    processes' titles name it), when the server runs on this machine; the pools keep their
    connections for the whole run."""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            title = (proc / "cmdline").read_bytes().decode(errors="replace")
            if not title.startswith("postgres:") or f" {name} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cpu_by_role(st: Stack) -> tuple[float, float, float]:
    """CPU seconds used so far by the web nodes (masters and workers), by the workers, and by
    the database's backends."""
    web = sum(cpu_seconds(p.pid) for p in st.procs[: len(st.ports)])
    workers = sum(cpu_seconds(p.pid) for p in st.procs[len(st.ports) :])
    return web, workers, database_cpu(st.url)


# --- set-up -------------------------------------------------------------------------------------


def set_up(
    st: Stack, clients: int, receiver_port: int
) -> tuple[list[int], list[str], dict[str, str]]:
    """The operator makes an organisation per client, each with a webhook endpoint (on node 0);
    client i's user signs in on node i mod n and is made a member of organisation i: (the
    organisations' ids, the tokens, the endpoints' secrets by path). One organisation per
    client: an organisation's orders queue on its row (the unpaid cap), by design."""
    n = len(st.ports)
    orgs, secrets = [], {}
    with Client(st.ports[0]) as op:
        op.sign_in(OPERATOR)
        for i in range(clients):
            org = op.call("POST", "/api/v1/organisations", {"name": f"公司{i}", "kind": "company"})
            path = f"/hooks/{org['id']}"
            endpoint = op.call(
                "POST",
                "/api/v1/webhook-endpoints",
                {
                    "url": f"http://127.0.0.1:{receiver_port}{path}",
                    "events": HOOK_EVENTS,
                    "organisation_id": org["id"],
                },
                expect={201},
            )
            orgs.append(int(org["id"]))
            secrets[path] = str(endpoint["secret"])
    tokens = []
    engine = create_engine(sqlalchemy_url(st.url))
    for i in range(clients):
        with Client(st.ports[i % n]) as c:
            tokens.append(c.sign_in(f"+86139{i + 1:08d}"))
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO memberships (user_id, organisation_id, role, created_at) "
                    "SELECT id, :org, 'member', now() FROM users WHERE phone = :phone"
                ),
                {"org": orgs[i], "phone": f"+86139{i + 1:08d}"},
            )
    engine.dispose()
    return orgs, tokens, secrets


def shared_limits(ports: list[int]) -> list[int]:
    """A sign-in code for one phone asked four times, alternating nodes: with the limit (3 per
    minute per phone) counted in Redis, the 4th is a 429 whichever node answers."""
    phone = "+8613700000042"
    out = []
    for k in range(4):
        with Client(ports[k % len(ports)]) as c:
            out.append(c.send("POST", "/api/v1/auth/codes", {"phone": phone}).status)
    return out


# --- load ---------------------------------------------------------------------------------------


def flow(client: Client, org: int) -> list[tuple[str, float]]:
    """Footprint, an organisation's order, confirm; the latency of each step in ms."""
    fp, fp_ms = post(client, "footprint", "/api/v1/footprints", MEETING)
    order, order_ms = post(
        client,
        "order",
        "/api/v1/orders",
        {"footprint_id": fp["id"], "beneficiary": BENEFICIARY, "organisation_id": org},
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    paid, confirm_ms = post(client, "confirm", f"/api/v1/orders/{order['id']}/confirm", {})
    if paid.get("status") != "retired":
        raise Failed("confirm", f"200 but status {paid.get('status')}", str(paid)[:300])
    return [("footprint", fp_ms), ("order", order_ms), ("confirm", confirm_ms)]


def healthz(client: Client, _org: int) -> list[tuple[str, float]]:
    """As orders.py's baseline: as many `GET /healthz` as a flow has requests."""
    return orders.healthz(client)


Job = tuple[str, list[int], list[tuple[int, str, int]], float, float, float]


def client_loop(
    kind: str, ports: list[int], index: int, token: str, org: int, t0: float, t1: float
) -> Stats:
    work, bearer = (flow, token) if kind == "flow" else (healthz, None)
    mine = Stats()
    k = 0
    while time.time() < t1:
        port = ports[(index + k) % len(ports)]
        k += 1
        attempt(mine, kind, Client(port, bearer), lambda c: work(c, org), t0, t1)
    return mine


def run_process(job: Job) -> Stats:
    """One client process: a thread per client from `start_at`; what completes in
    [start_at + warmup, + seconds] counts."""
    kind, ports, clients, start_at, warmup, seconds = job
    t0 = start_at + warmup
    stats = Stats(window=seconds)
    time.sleep(max(0.0, start_at - time.time()))
    with ThreadPoolExecutor(len(clients)) as pool:
        for mine in pool.map(
            lambda c: client_loop(kind, ports, c[0], c[1], c[2], t0, t0 + seconds), clients
        ):
            stats.merge(mine)
    return stats


def load(
    kind: str,
    ports: list[int],
    orgs: list[int],
    tokens: list[str],
    processes: int,
    warmup: float,
    seconds: float,
) -> Stats:
    start_at = time.time() + 3
    indexed = [(i, token, orgs[i]) for i, token in enumerate(tokens)]
    jobs: list[Job] = [
        (kind, ports, indexed[p::processes], start_at, warmup, seconds) for p in range(processes)
    ]
    total = Stats()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for part in pool.map(run_process, jobs):
            total.merge(part)
    return total


# --- one configuration --------------------------------------------------------------------------


@dataclass
class Result:
    nodes: int
    base: Stats
    res: Stats
    window: tuple[float, float]  # the flows' measured window, epoch seconds
    xacts_per_flow: float
    drain_s: float
    jobs_in_window: int
    job_ms: list[float]
    checks: dict[str, tuple[bool, str]]
    cpu_ms_per_flow: tuple[float, float, float]  # web, workers (less idle polling), PostgreSQL
    idle_ms_per_s: float  # the workers' CPU while idle


def run_config(args: argparse.Namespace, nodes: int, receiver: Receiver) -> Result:
    with stack(nodes, args.workers, args.threads, args.redis) as st:
        orgs, tokens, secrets = set_up(st, args.clients, receiver.port)
        receiver.reset(secrets)
        limits = shared_limits(st.ports)
        keys = set()
        for port in st.ports:
            with Client(port) as reader:
                keys.add(str(reader.call("GET", "/api/v1/certificates/keys")))
        processes = min(args.processes, args.clients)
        idle_from, idle_cpu = time.time(), cpu_by_role(st)[1]
        base = load("healthz", st.ports, orgs, tokens, processes, 1, args.baseline_seconds)
        # the workers poll their queues while idle (as during the baseline): that rate of CPU is
        # taken off what the flows' jobs cost them
        idle_rate = (cpu_by_role(st)[1] - idle_cpu) / (time.time() - idle_from)
        engine = create_engine(sqlalchemy_url(st.url))
        with engine.connect() as c:  # what the seed and the set-up made, left out below
            before = c.execute(
                text(
                    "SELECT (SELECT coalesce(max(id), 0) FROM jobs), "
                    "(SELECT count(*) FROM certificates), (SELECT count(*) FROM orders)"
                )
            ).one()
            xacts_before = int(c.execute(XACTS).scalar_one())
        cpu_before = cpu_by_role(st)
        began = time.time()
        res = load("flow", st.ports, orgs, tokens, processes, args.warmup, args.seconds)
        ended = time.time()
        web_cpu = cpu_by_role(st)[0] - cpu_before[0]
        window = (began + 3 + args.warmup, began + 3 + args.warmup + args.seconds)
        # the workers drain what the flows left
        drained_at = None
        while time.time() - ended < args.drain_timeout:
            with engine.connect() as c:
                undone = c.execute(text("SELECT count(*) FROM jobs WHERE done_at IS NULL"))
                if undone.scalar_one() == 0:
                    drained_at = time.time()
                    break
            time.sleep(0.2)
        cpu_after = cpu_by_role(st)
        worker_cpu = cpu_after[1] - cpu_before[1] - idle_rate * (time.time() - began)
        db_cpu = cpu_after[2] - cpu_before[2]  # a backend that closed meanwhile is left out
        time.sleep(1.5)  # pg_stat_database lags about a second
        with engine.connect() as c:
            xacts = int(c.execute(XACTS).scalar_one()) - xacts_before - 1
            q = lambda sql, **kw: c.execute(text(sql), kw)  # noqa: E731
            by_kind = {
                (kind, attempts, bool(err), done): n
                for kind, attempts, err, done, n in q(
                    "SELECT kind, attempts, last_error <> '', done_at IS NOT NULL, count(*) "
                    "FROM jobs WHERE id > :j GROUP BY 1, 2, 3, 4",
                    j=before[0],
                ).all()
            }
            job_ms = [
                float(ms)
                for (ms,) in q(
                    "SELECT extract(epoch FROM done_at - created_at) * 1000 FROM jobs "
                    "WHERE id > :j AND created_at BETWEEN to_timestamp(:a) AND to_timestamp(:b)",
                    a=window[0],
                    b=window[1],
                    j=before[0],
                ).all()
            ]
            jobs_in_window = int(
                q(
                    "SELECT count(*) FROM jobs WHERE done_at "
                    "BETWEEN to_timestamp(:a) AND to_timestamp(:b)",
                    a=window[0],
                    b=window[1],
                ).scalar_one()
            )
            if before[2]:
                raise SystemExit("the seed made orders: count them apart")
            statuses: dict[str, int] = dict(
                q("SELECT status, count(*) FROM orders GROUP BY status").all()
            )
            certificates = int(q("SELECT count(*) FROM certificates").scalar_one()) - before[1]
            deliveries: dict[str, int] = dict(
                q("SELECT status, count(*) FROM webhook_deliveries GROUP BY status").all()
            )
            events = int(q("SELECT count(*) FROM webhook_events").scalar_one())
            event_ids = {r for (r,) in q("SELECT id FROM webhook_events").all()}
        engine.dispose()
        check_rc, out, err = flask(st.url, "credits", "check")

    retired = statuses.get("retired", 0)
    kinds: Counter[str] = Counter()
    for (kind, *_), n in by_kind.items():
        kinds[kind] += n
    jobs_total = sum(by_kind.values())
    undone = sum(n for (_, _, _, done), n in by_kind.items() if not done)
    failed = sum(n for (_, _, e, _), n in by_kind.items() if e)
    leased_wrong = sum(n for (kind, attempts, _, _), n in by_kind.items() if attempts != 1)
    twice = sum(1 for n in receiver.events.values() if n > 1)
    unknown = len(set(receiver.events) - event_ids)
    fives = sum(
        n for stats in (base, res) for (_, what), n in stats.errors.items() if what[:1] == "5"
    )
    errors = sum(base.errors.values()) + sum(res.errors.values())
    checks: dict[str, tuple[bool, str]] = {
        "jobs done once": (
            undone == 0 and failed == 0 and leased_wrong == 0,
            f"{jobs_total} jobs: {undone} undone, {failed} failed, {leased_wrong} leased other "
            f"than once; by kind {dict(kinds)}",
        ),
        "jobs per flow": (
            jobs_total == JOBS_PER_FLOW * retired,
            f"{jobs_total} jobs for {retired} orders (expected {JOBS_PER_FLOW} each: a "
            f"deferred handler and a delivery per event)",
        ),
        "deliveries once": (
            deliveries.keys() <= {"succeeded"}
            and deliveries.get("succeeded", 0) == events == len(receiver.events)
            and twice == 0
            and unknown == 0
            and receiver.bad_signatures == 0
            and events == len(HOOK_EVENTS) * retired,
            f"{events} webhook events, deliveries {deliveries}; received {len(receiver.events)} "
            f"distinct, {twice} twice, {unknown} unknown, {receiver.bad_signatures} badly signed",
        ),
        "orders retired = certificates": (
            statuses.keys() <= {"retired"} and retired == res.flows_total == certificates,
            f"orders {statuses}; flows completed {res.flows_total}; certificates {certificates}",
        ),
        "no errors, no 5xx": (errors == 0, f"{errors} errors, {fives} of them 5xx"),
        "flask credits check": (
            check_rc == 0,
            f"exit {check_rc}: {(out.strip() or err.strip())[:200]}",
        ),
        "limits shared (Redis)": (
            limits == [202, 202, 202, 429],
            f"one phone's codes, alternating nodes: {limits}",
        ),
        "same certificate keys on every node": (len(keys) == 1, f"{len(keys)} distinct"),
    }
    return Result(
        nodes,
        base,
        res,
        window,
        xacts / max(res.flows_total, 1),
        (drained_at - ended) if drained_at else float("nan"),
        jobs_in_window,
        job_ms,
        checks,
        (
            1000 * web_cpu / max(res.flows_total, 1),
            1000 * worker_cpu / max(res.flows_total, 1),
            1000 * db_cpu / max(res.flows_total, 1),
        ),
        1000 * idle_rate,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=15, help="measured flow window")
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--baseline-seconds", type=float, default=5)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    ap.add_argument("--nodes", default="1,2", help="the configurations: web nodes (= workers)")
    ap.add_argument("--drain-timeout", type=float, default=120)
    ap.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    receiver = Receiver()
    results = []
    for n in (int(x) for x in args.nodes.split(",")):
        results.append(run_config(args, n, receiver))
    receiver.close()

    print(
        f"\nPostgreSQL and Redis on this machine; each web node gunicorn gthread {args.workers} × "
        f"{args.threads}; {args.clients} clients in {args.processes} processes, spread over the "
        f"nodes; flows {args.seconds:g} s after {args.warmup:g} s warm-up; /healthz "
        f"{args.baseline_seconds:g} s; load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        "| web nodes + workers | /healthz req/s | flows/s | flow p50 ms | flow p99 ms "
        "| flow req/s ÷ /healthz | xacts/flow | jobs/s in window | job p50 / p99 ms "
        "| drain s after load | CPU ms per flow: web / workers / PostgreSQL "
        "| workers idle CPU ms/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: |")
    for r in results:
        base_rps = r.base.done["healthz"] / r.base.window
        flows = r.res.done["flow"] / r.res.window
        lat = r.res.latencies.get("flow", [])
        print(
            f"| {r.nodes} + {r.nodes} | {base_rps:.0f} | {flows:.1f} | {pct(lat, 50):.1f} "
            f"| {pct(lat, 99):.1f} | {3 * flows / base_rps:.2f} | {r.xacts_per_flow:.1f} "
            f"| {r.jobs_in_window / args.seconds:.0f} "
            f"| {pct(r.job_ms, 50):.0f} / {pct(r.job_ms, 99):.0f} | {r.drain_s:.1f} "
            f"| {r.cpu_ms_per_flow[0]:.0f} / {r.cpu_ms_per_flow[1]:.0f} "
            f"/ {r.cpu_ms_per_flow[2]:.0f} "
            f"| {r.idle_ms_per_s:.0f} |"
        )
    print("\nPer step (p50 / p99 ms):")
    for r in results:
        cells = [
            f"{name} {pct(r.res.latencies.get(name, []), 50):.1f} / "
            f"{pct(r.res.latencies.get(name, []), 99):.1f}"
            for name in ("footprint", "order", "confirm")
        ]
        h = r.base.latencies.get("healthz", [])
        print(
            f"  {r.nodes} node(s): {'; '.join(cells)}; /healthz {pct(h, 50):.1f} / {pct(h, 99):.1f}"
        )
    ok = True
    for r in results:
        print(f"\nInvariants, {r.nodes} web node(s) + {r.nodes} worker(s):")
        for name, (good, detail) in r.checks.items():
            ok &= good
            print(f"  {'OK  ' if good else 'FAIL'} {name}: {detail}")
        errors = r.base.errors + r.res.errors
        samples = {**r.base.samples, **r.res.samples}
        for (step, what), n in errors.most_common(8):
            print(f"       {step:10} {what:30} {n:6d}  e.g. {samples[step, what][:140]}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    tempfile.tempdir = tempfile.gettempdir()
    main()
