"""Green actions ingested per second through the partner batch endpoint on PostgreSQL
(`POST /api/v1/points/actions`, API key with `points:report` + HMAC signature), against raw Core
`INSERT`s of the same rows, batches of the same size, from the same client processes, into a copy
of `green_actions` in the same database.

Goal (issue 7, points): >= 0.5 of the raw rate.
Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt). The server runs
with RATELIMIT_ENABLED=0 (set by harness.server).

Set-up: the partner (a company organisation, its API key and signing secret) through the API as
the demo operator; the citizens as `users` rows inserted with SQL (one block of users per client
and batch size, so every batch names distinct people and no action hits a daily cap). The
baseline writes into `bench_raw` (`CREATE TABLE … (LIKE green_actions INCLUDING ALL)` plus the
two foreign keys, which LIKE does not copy), so `green_actions` and the ledger hold only what the
endpoint accepted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from harness import Client, enrol_partner, flask, pct, server, sqlalchemy_url
from sqlalchemy import Engine, MetaData, Table, create_engine, insert, text

from backend.accounts import legal
from backend.accounts.legal import Document
from backend.core.db import random_id
from backend.points.earning import CHENGDU
from backend.points.methodology import CURRENT, load
from backend.points.models import GreenAction
from backend.points.partners import HEADER, sign

# Small actions, so that a person takes ~95 of them a day before any daily cap.
UNITS = {"metro": "2.5", "bus": "2.5", "bike": "1.5", "walk": "1.5"}
REPLACES = {"walk": "bus"}  # a walk counts only as a certified motorised trip
RAW = "bench_raw"


@dataclass
class Stats:
    """What one client process saw: inside the measured window, and accepted overall."""

    window: float = 0.0
    requests: float = 0.0  # each request weighted by the share of it inside the window
    actions: float = 0.0  # accepted actions, weighted likewise
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    accepted_total: int = 0  # warm-up and the request that ends after the window included

    def merge(self, other: Stats) -> None:
        self.window = max(self.window, other.window)
        self.requests += other.requests
        self.actions += other.actions
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        for key, sample in other.samples.items():
            self.samples.setdefault(key, sample)
        self.accepted_total += other.accepted_total


@dataclass(frozen=True)
class Partner:
    organisation_id: int
    key: str
    secret: str


@dataclass(frozen=True)
class Job:
    kind: str  # "api" or "raw"
    port: int
    url: str
    partner: Partner
    batch: int
    blocks: list[list[tuple[int, str]]]  # per client thread: its people (user id, phone)
    ready: Any  # a barrier every client process waits at: the clock starts when all are up
    warmup: float
    seconds: float


class OutOfCaps(Exception):
    """The client's people have used their daily caps: the run needs more of them."""


class Actions:
    """Actions of one client's people, round-robin over them and the four types, kept under
    every (person, type, Chengdu day) cap as the methodology counts it (when `capped`: the
    baseline's rows go to a table without caps)."""

    def __init__(self, people: list[tuple[int, str]], tag: str, capped: bool = True) -> None:
        m = load()
        self.people, self.tag, self.n, self.capped = people, tag, 0, capped
        self.kinds = {k: m.types[k] for k in UNITS}
        self.points = {
            k: t.grams(Decimal(UNITS[k]), REPLACES.get(k)) // m.point_grams
            for k, t in self.kinds.items()
        }
        self.used: Counter[tuple[int, str, str]] = Counter()
        self.rng = random.Random(tag)  # noqa: S311 - spreads start times, not a secret

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        user_id, phone = self.people[self.n % len(self.people)]
        now = datetime.now(UTC)
        names = list(UNITS)
        first = (self.n // len(self.people) + self.n) % len(names)
        self.n += 1
        for kind in names[first:] + names[:first]:
            started = now - timedelta(minutes=35 + self.rng.randrange(22 * 60))
            day = started.astimezone(CHENGDU).date().isoformat()
            key = (user_id, kind, day)
            if (
                not self.capped
                or self.used[key] + self.points[kind] <= self.kinds[kind].daily_cap_g
            ):
                self.used[key] += self.points[kind]
                return {
                    "external_id": f"{self.tag}-{self.n}",
                    "phone": phone,
                    "type": kind,
                    "units": UNITS[kind],
                    **({"replaces": REPLACES[kind]} if kind in REPLACES else {}),
                    "started_at": started,
                    "ended_at": started + timedelta(minutes=30),
                    "user_id": user_id,
                    "day": day,
                    "points": self.points[kind],
                }
        raise OutOfCaps("people out of daily caps: raise --users-per-client")


def api_body(actions: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "actions": [
                {
                    "external_id": a["external_id"],
                    "phone": a["phone"],
                    "type": a["type"],
                    "units": a["units"],
                    "started_at": a["started_at"].isoformat(),
                    "ended_at": a["ended_at"].isoformat(),
                    **({"replaces": a["replaces"]} if "replaces" in a else {}),
                }
                for a in actions
            ]
        }
    ).encode()


def raw_rows(actions: list[dict[str, Any]], partner_id: int) -> list[dict[str, Any]]:
    """The rows the endpoint writes (earning._admit), with the same column types."""
    now = datetime.now(UTC)
    return [
        {
            "id": random_id("act_"),
            "user_id": a["user_id"],
            "type": a["type"],
            "source": "partner",
            "partner_id": partner_id,
            "external_id": a["external_id"],
            "trip_key": None,
            "units_milli": int(Decimal(a["units"]) * 1000),
            "replaces": a.get("replaces"),
            "occurred_at": a["started_at"],
            "occurred_on": a["day"],
            "points": a["points"],
            "status": "pending",
            "confirm_after": now + timedelta(hours=24),
            "methodology": CURRENT,
            "created_at": now,
        }
        for a in actions
    ]


def post_batch(port: int, partner: Partner, body: bytes, size: int) -> tuple[int, str, str]:
    """One signed batch on a new connection: (accepted, error key or "", sample body)."""
    with Client(port, partner.key, timeout=300) as client:
        answer = client.send(
            "POST",
            "/api/v1/points/actions",
            body,
            {"Content-Type": "application/json", HEADER: sign(partner.secret, body)},
        )
    if answer.status != 200:
        return 0, f"HTTP {answer.status} {answer.slug()}".strip(), answer.sample()
    out = answer.json()
    accepted = int(out["accepted"])
    if accepted == size:
        return accepted, "", ""
    other = Counter(
        f"{r['status']} {r.get('reason') or ''}".strip()
        for r in out["results"]
        if r["status"] != "accepted"
    )
    key = "; ".join(f"{k} x{v}" for k, v in sorted(other.items()))
    return accepted, key, json.dumps(out["results"][:3])[:300]


def run_process(job: Job) -> Stats:
    """One client process: a thread per block of people, sending batches once every process
    is up; the requests that complete in [start + warmup, + seconds] count."""
    stats = Stats(window=job.seconds)
    lock = threading.Lock()
    table = cast(Table, GreenAction.__table__).to_metadata(MetaData(), name=RAW)
    engine = create_engine(sqlalchemy_url(job.url), pool_size=len(job.blocks), max_overflow=0)
    job.ready.wait()  # on a loaded machine, starting a process can take longer than the window
    t0 = time.time() + job.warmup
    t1 = t0 + job.seconds

    def client(i: int, people: list[tuple[int, str]]) -> None:
        mine = Stats()
        tag = f"{job.kind}{job.batch}-{os.getpid()}-{i}"
        actions = Actions(people, tag, capped=job.kind == "api")
        while time.time() < t1:
            try:
                batch = [next(actions) for _ in range(job.batch)]
            except OutOfCaps as exc:
                mine.errors[str(exc)] += 1
                mine.samples.setdefault(str(exc), "")
                break
            began, wall = time.perf_counter(), time.time()
            try:
                if job.kind == "api":
                    body = api_body(batch)
                    accepted, err, sample = post_batch(job.port, job.partner, body, job.batch)
                else:
                    rows = raw_rows(batch, job.partner.organisation_id)
                    with engine.begin() as c:
                        c.execute(insert(table), rows)
                    accepted, err, sample = len(rows), "", ""
            except Exception as exc:  # a failed request is counted, not fatal
                accepted, err, sample = 0, type(exc).__name__, str(exc)[:300]
            ms = (time.perf_counter() - began) * 1000
            end = time.time()
            mine.accepted_total += accepted
            # A 1000-action request can take longer than the window: count the share of each
            # request that falls inside it, not whole requests by when they end.
            inside = max(0.0, min(end, t1) - max(wall, t0)) / max(end - wall, 1e-9)
            mine.requests += inside
            mine.actions += accepted * inside
            if inside > 0:  # latencies and errors: every request that overlaps the window
                mine.latencies.append(ms)
                if err:
                    mine.errors[err] += 1
                    mine.samples.setdefault(err, sample)
        with lock:
            stats.merge(mine)

    threads = [threading.Thread(target=client, args=(i, b)) for i, b in enumerate(job.blocks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return stats


def load_run(kind: str, jobs_args: dict[str, Any], per_process: list[list[list[Any]]]) -> Stats:
    context = multiprocessing.get_context("spawn")
    total = Stats()
    with context.Manager() as manager, context.Pool(len(per_process)) as pool:
        ready = manager.Barrier(len(per_process))
        jobs = [Job(kind=kind, blocks=b, ready=ready, **jobs_args) for b in per_process]
        for part in pool.map(run_process, jobs):
            total.merge(part)
    return total


def partner_through_api(port: int) -> Partner:
    """Operator sign-in, a company, its `points:report` key, and its enrolment as a partner."""
    return Partner(*enrol_partner(port, "bench"))


def share(value: float, base: float | None) -> float:
    return value / base if base else float("nan")


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batches", default="100,1000", help="batch sizes, comma-separated")
    ap.add_argument("--seconds", type=float, default=20, help="measured window per row")
    ap.add_argument("--warmup", type=float, default=3, help="requests before the window opens")
    ap.add_argument("--processes", type=int, default=4, help="client processes")
    ap.add_argument("--clients", type=int, default=2, help="client threads per process")
    ap.add_argument("--users-per-client", type=int, default=1000, help="people per client")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    args.batch_sizes = [int(b) for b in args.batches.split(",")]
    if max(args.batch_sizes) > 1000:
        raise SystemExit("the endpoint takes at most 1000 actions per request")
    args.all_clients = args.processes * args.clients
    args.per_block = max(args.users_per_client, max(args.batch_sizes))
    args.n_users = len(args.batch_sizes) * args.all_clients * args.per_block
    return args


def people_and_raw_table(engine: Engine, n_users: int) -> list[tuple[int, str]]:
    """`n_users` citizens inserted with SQL, and the baseline's table: (user id, phone)."""
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO users (phone, display_name, created_at) "
                "SELECT '+86139' || lpad(i::text, 8, '0'), '市民' || i, now() "
                "FROM generate_series(1, :n) AS i"
            ),
            {"n": n_users},
        )
        # the separate consent to partners' travel data (PIPL), without which nothing is kept
        c.execute(
            text(
                "INSERT INTO consents (user_id, document, version, accepted, at) "
                "SELECT id, 'travel', :version, true, now() FROM users "
                "WHERE phone LIKE '+86139%'"
            ),
            {"version": legal.version(Document.travel)},
        )
        c.execute(text(f"CREATE TABLE {RAW} (LIKE green_actions INCLUDING ALL)"))
        c.execute(
            text(
                f"ALTER TABLE {RAW} ADD FOREIGN KEY (user_id) REFERENCES users (id), "
                "ADD FOREIGN KEY (partner_id) REFERENCES organisations (id)"
            )
        )
        return [
            (int(uid), phone)
            for uid, phone in c.execute(
                text("SELECT id, phone FROM users WHERE phone LIKE '+86139%' ORDER BY phone")
            ).all()
        ]


def measure(
    args: argparse.Namespace, common: dict[str, Any], people: list[tuple[int, str]]
) -> list[tuple[int, str, Stats]]:
    """Each batch size, the raw baseline then the endpoint, each client with people of its own."""
    results: list[tuple[int, str, Stats]] = []
    clients, per_block = args.all_clients, args.per_block
    for b_index, batch in enumerate(args.batch_sizes):
        blocks = [
            people[(b_index * clients + k) * per_block : (b_index * clients + k + 1) * per_block]
            for k in range(clients)
        ]
        per_process = [blocks[p :: args.processes] for p in range(args.processes)]
        for kind in ("raw", "api"):
            stats = load_run(kind, {**common, "batch": batch}, per_process)
            results.append((batch, kind, stats))
            print(f"batch {batch} {kind}: {stats.actions / stats.window:.0f} actions/s")
    return results


@dataclass
class Counts:
    """The database after the runs."""

    by_status: dict[str, int]
    from_endpoint: int
    action_points: int
    earned: int
    raw_rows: int


def counts(engine: Engine, partner: Partner) -> Counts:
    """What the runs left, read before the baseline's table is dropped."""
    with engine.connect() as c:

        def one(sql: str, **params: Any) -> int:
            return int(c.execute(text(sql), params).scalar_one())

        found = Counts(
            dict(
                c.execute(
                    text("SELECT source || '/' || status, count(*) FROM green_actions GROUP BY 1")
                ).all()
            ),
            one(
                "SELECT count(*) FROM green_actions WHERE partner_id = :p",
                p=partner.organisation_id,
            ),
            one("SELECT coalesce(sum(points), 0) FROM green_actions"),
            one(
                "SELECT coalesce(sum(amount), 0) FROM point_transfers WHERE kind = 'earn' "
                "AND reference <> 'demo'"
            ),  # the demo citizen's opening points are not actions
            one(f"SELECT count(*) FROM {RAW}"),
        )
    with engine.begin() as c:
        c.execute(text(f"DROP TABLE {RAW}"))
    return found


def report_rows(results: list[tuple[int, str, Stats]]) -> tuple[Counter[str], dict[int, float]]:
    """The table, one row per (batch, kind); returns the errors and the baseline rates."""
    print("| batch | measured | actions/s | requests/s | p50 ms | p99 ms | errors | vs raw |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base: dict[int, float] = {}
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    for batch, kind, st in results:
        per_s = st.actions / st.window
        if kind == "raw":
            base[batch] = per_s
        label = (
            "raw Core INSERT (executemany), committed per batch (baseline)"
            if kind == "raw"
            else "POST /api/v1/points/actions"
        )
        errors.update(st.errors)
        for key, sample in st.samples.items():
            samples.setdefault(key, sample)
        print(
            f"| {batch} | {label} | {per_s:.0f} | {st.requests / st.window:.1f} "
            f"| {pct(st.latencies, 50):.1f} | {pct(st.latencies, 99):.1f} "
            f"| {sum(st.errors.values())} | {share(per_s, base.get(batch)):.2f} |"
        )
    if errors:
        print("\nErrors by outcome (a request whose `accepted` is not its batch size is one):")
        for key, n in errors.most_common():
            print(f"  {n:6d}  {key[:120]}  e.g. {samples[key][:160]}")
    return errors, base


def main() -> None:
    args = arguments()
    with server(args.workers, args.threads) as (port, url):
        partner = partner_through_api(port)
        engine = create_engine(sqlalchemy_url(url))
        people = people_and_raw_table(engine, args.n_users)
        common = {
            "port": port,
            "url": url,
            "partner": partner,
            "warmup": args.warmup,
            "seconds": args.seconds,
        }
        results = measure(args, common, people)
        found = counts(engine, partner)
        engine.dispose()
        check_rc, stdout, stderr = flask(url, "points", "check")
        check_out = (stdout if check_rc == 0 else stdout + stderr).strip()

    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} workers × {args.threads} threads, "
        f"RATELIMIT_ENABLED=0; {args.all_clients} clients ({args.processes} processes × "
        f"{args.clients} threads), each with its own {args.per_block} people ({args.n_users} "
        f"users inserted with SQL); {args.seconds:g} s measured after {args.warmup:g} s warm-up "
        "per row\n"
    )
    errors, base = report_rows(results)
    accepted = sum(st.accepted_total for _, kind, st in results if kind == "api")
    inserted = sum(st.accepted_total for _, kind, st in results if kind == "raw")
    ok = (
        found.from_endpoint == accepted
        and found.action_points == found.earned
        and found.raw_rows == inserted
    )
    short = any("daily caps" in k for k in errors)  # the run ran out of people: not valid
    print(
        f"\nInvariants: green_actions by source/status {found.by_status}; from the partner "
        f"{found.from_endpoint}, accepted by the endpoint (warm-up included) {accepted}; points "
        f"on the actions {found.action_points}, earn transfers {found.earned}; baseline rows in "
        f"{RAW} {found.raw_rows} of {inserted} inserted (table dropped) -> "
        f"{'OK' if ok else 'VIOLATED'}"
    )
    print(f"flask points check: exit {check_rc}: {check_out}")
    ratios = ", ".join(
        f"batch {b}: {share(st.actions / st.window, base.get(b)):.2f}"
        for b, k, st in results
        if k == "api"
    )
    print(f"Endpoint / raw INSERT (goal >= 0.5): {ratios}")
    if not ok or check_rc != 0 or short:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
