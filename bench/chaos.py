"""Chaos: mixed traffic on gunicorn + PostgreSQL + `flask worker` while a gunicorn worker is
SIGKILLed in the middle of orders (twice) and PostgreSQL is restarted (once); then the
reconciler and every invariant check. Errors while a fault lasts are expected (a request in
flight when its worker dies, a 500/503 while the database is down); what must hold afterwards is
that nothing was lost or doubled:

- `flask orders reconcile` exits 0, then no order is `paid`: every captured payment's order is
  `retired` (with one certificate of its mass) or `refunded` (with no grams allocated);
- no gram is allocated twice (no two allocations of a unit overlap), every certificate's mass is
  its allocations', `flask credits check` exits 0;
- every wallet equals its ledger (`flask points check` exits 0), every `redeem` transfer has its
  redemption (same points) and every redemption has exactly one transfer and its certificate;
- what the clients were told holds: every order they saw `retired` is retired, every certificate
  number they got is valid, and a retried request (same Idempotency-Key) named the same object.

The traffic, from client processes on the same 2-core machine: whole sandbox flows (meeting
footprint → order with an Idempotency-Key → sandbox confirm), lone footprints, points
redemptions (the citizens are given points first, through the ledger), signed partner batches of
green actions (API key + `Diandian-Signature` HMAC), certificate JSON and PNG reads, and the
market report. A request that fails with a 5xx, a 409 `idempotency-key-in-flight` or a broken
connection is retried a few times with the same key, as a client should.

The faults: a gunicorn worker (a child of the master) is SIGKILLed at `--kill-at` seconds (the
master forks a new one), PostgreSQL is restarted at `--pg-restart-at` seconds with
`pg_ctlcluster <version> <cluster> restart` (or `--pg-restart-cmd`). The restart drops every
connection to the server, other databases' included: run it where that is acceptable.
`flask worker` is watched: if it exits, the run says so and starts it again (as a process
supervisor would).

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt) and root (or the
postgres user) for the restart. The server runs with RATELIMIT_ENABLED=0.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shlex
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import BIN, ROOT, Client, enrol_partner, free_port, prepared, sign_in, sqlalchemy_url
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind
from backend.points import ledger, sponsors
from backend.points.models import TransferKind
from backend.points.partners import HEADER, sign

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}
POINTS_EACH = 1_000_000  # given to every citizen before the run
REDEEM_POINTS = 500  # one redemption: 500 points, 500 g of CDCER
# What a client does next, and how often.
MIX = {
    "flow": 30,
    "footprint": 10,
    "redemption": 15,
    "batch": 8,
    "certificate": 15,
    "png": 12,
    "report": 5,
}
KINDS = (
    "footprint",
    "order",
    "confirm",
    "redemption",
    "batch",
    "certificate",
    "png",
    "report",
)
RETRIES = 4  # attempts after the first, for a retryable failure
RETRY_PAUSE = 1.0  # seconds between attempts


# --- the stack: gunicorn, flask worker, a probe ---------------------------------------------


@dataclass
class Stack:
    port: int
    url: str
    env: dict[str, str]
    master: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    worker_log: Path
    worker_restarts: list[tuple[float, int | None]] = field(default_factory=list)

    def flask(self, *args: str) -> tuple[int, str]:
        done = subprocess.run(
            [BIN / "flask", *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        return done.returncode, (done.stdout + done.stderr).strip()

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = self.worker_log.open("ab")
        return subprocess.Popen(
            [BIN / "flask", "worker", "--idle", "0.5"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def watch_worker(self, t0: float) -> None:
        """Start `flask worker` again if it exited (noting when and with what code)."""
        code = self.worker.poll()
        if code is not None:
            self.worker_restarts.append((time.time() - t0, code))
            self.worker = self.start_worker()


@contextmanager
def stack(workers: int, threads: int) -> Iterator[Stack]:
    """A migrated, seeded database, gunicorn on it and `flask worker` beside it."""
    tmp, url, env = prepared("dd-chaos-", workers, threads)
    port = free_port()
    master = subprocess.Popen(
        [
            BIN / "gunicorn",
            "backend.app:create_app()",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(tmp / "gunicorn.log"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    st = Stack(port, url, env, master, None, tmp / "worker.log")  # type: ignore[arg-type]
    st.worker = st.start_worker()
    try:
        for _ in range(150):
            if probe(port, "/healthz") == 200:
                break
            time.sleep(0.1)
        yield st
    finally:
        for proc in (st.worker, master):
            proc.terminate()
        for proc in (st.worker, master):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def probe(port: int, path: str) -> int | str:
    try:
        with Client(port, timeout=2) as client:
            return client.send("GET", path).status
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def pg_restart_command(url: str) -> list[str]:
    """`pg_ctlcluster <version> <name> restart` for the cluster on the URL's port."""
    port = urlsplit(url).port or 5432
    if shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster"):
        for line in subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout.splitlines():
            version, name, cluster_port, *_ = line.split()
            if int(cluster_port) == port:
                return ["pg_ctlcluster", version, name, "restart"]
    return ["service", "postgresql", "restart"]


# --- the clients ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Citizen:
    token: str
    user_id: int
    phone: str


@dataclass(frozen=True)
class Job:
    port: int
    citizens: list[Citizen]
    partner_key: str
    partner_secret: str
    certificates: list[str]
    start_at: float
    seconds: float
    seed: int


@dataclass
class Outcome:
    """What one client process saw."""

    # (kind, start, end, status or exception name, attempt number)
    requests: list[tuple[str, float, float, int | str, int]] = field(default_factory=list)
    retired: dict[str, str] = field(default_factory=dict)  # order id -> certificate number
    paid_only: set[str] = field(default_factory=set)  # confirm answered `paid`, not `retired`
    unconfirmed: set[str] = field(default_factory=set)  # confirm never answered 2xx
    abandoned_keys: int = 0  # an order or redemption key given up on (outcome unknown)
    redemptions: dict[str, str] = field(default_factory=dict)  # redemption id -> certificate
    replays: Counter[str] = field(default_factory=Counter)  # kind -> retries that succeeded
    replay_mismatch: list[str] = field(default_factory=list)
    actions_accepted: int = 0
    samples: dict[str, str] = field(default_factory=dict)  # "kind status" -> a body

    def merge(self, other: Outcome) -> None:
        self.requests += other.requests
        self.retired.update(other.retired)
        self.paid_only |= other.paid_only
        self.unconfirmed |= other.unconfirmed
        self.abandoned_keys += other.abandoned_keys
        self.redemptions.update(other.redemptions)
        self.replays.update(other.replays)
        self.replay_mismatch += other.replay_mismatch
        self.actions_accepted += other.actions_accepted
        for k, v in other.samples.items():
            self.samples.setdefault(k, v)


def retryable(status: int | str, body: bytes) -> bool:
    if isinstance(status, str):  # a broken connection: the worker died, or timed out
        return True
    if status >= 500:
        return True
    return status == 409 and b"idempotency-key-in-flight" in body


class Visitor:
    """One citizen's mixed traffic, a request per connection, retried as a client should."""

    def __init__(self, job: Job, citizen: Citizen, out: Outcome, rng: random.Random) -> None:
        self.job, self.citizen, self.out, self.rng = job, citizen, out, rng
        self.auth = {"Authorization": f"Bearer {citizen.token}"}
        self.batch_n = 0

    def once(
        self,
        kind: str,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        attempt: int = 0,
    ) -> tuple[int | str, bytes]:
        """One request on a new connection, recorded with its start, end and outcome."""
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        began = time.time()
        status: int | str
        try:
            with Client(self.job.port, timeout=40) as client:
                answer = client.send(method, path, body, headers)
            status, raw = answer.status, answer.body
        except (OSError, http.client.HTTPException) as exc:
            status, raw = type(exc).__name__, b""
        self.out.requests.append((kind, began, time.time(), status, attempt))
        if not ok(status):
            self.out.samples.setdefault(f"{kind} {status}", raw[:200].decode(errors="replace"))
        return status, raw

    def retrying(
        self, kind: str, method: str, path: str, headers: dict[str, str], payload: Any
    ) -> tuple[int | str, bytes, int]:
        """The request, repeated (same headers, hence the same Idempotency-Key) while its
        failure is retryable; returns the last status, body and attempt number."""
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        for attempt in range(RETRIES + 1):
            status, raw = self.once(kind, method, path, headers, body, attempt)
            if not retryable(status, raw) or attempt == RETRIES:
                return status, raw, attempt
            time.sleep(RETRY_PAUSE * (attempt + 1))
        raise AssertionError("unreachable")

    def flow(self) -> None:
        body = json.dumps(MEETING, ensure_ascii=False).encode()
        status, raw = self.once("footprint", "POST", "/api/v1/footprints", self.auth, body)
        if status != 201:
            return
        fp = json.loads(raw)
        key = {**self.auth, "Idempotency-Key": str(uuid.uuid4())}
        order_body = {"footprint_id": fp["id"], "beneficiary": "张三"}
        status, raw, attempt = self.retrying("order", "POST", "/api/v1/orders", key, order_body)
        if status != 201:
            if retryable(status, raw):
                self.out.abandoned_keys += 1
            return
        order = json.loads(raw)
        if attempt:
            self.out.replays["order"] += 1
        path = f"/api/v1/orders/{order['id']}/confirm"
        status, raw, attempt = self.retrying("confirm", "POST", path, self.auth, {})
        if status != 200:
            self.out.unconfirmed.add(order["id"])
            return
        done = json.loads(raw)
        if attempt:
            self.out.replays["confirm"] += 1
        if done["id"] != order["id"]:
            self.out.replay_mismatch.append(f"confirm {order['id']} answered {done['id']}")
        if done["status"] == "retired":
            self.out.retired[done["id"]] = done["certificate_number"]
        else:
            self.out.paid_only.add(done["id"])

    def footprint(self) -> None:
        body = json.dumps(MEETING, ensure_ascii=False).encode()
        self.once("footprint", "POST", "/api/v1/footprints", self.auth, body)

    def redemption(self) -> None:
        key = str(uuid.uuid4())
        headers = {**self.auth, "Idempotency-Key": key}
        payload = {"points": REDEEM_POINTS, "beneficiary": "市民"}
        status, raw, attempt = self.retrying(
            "redemption", "POST", "/api/v1/wallet/redemptions", headers, payload
        )
        if status != 201:
            if retryable(status, raw):
                self.out.abandoned_keys += 1
            return
        got = json.loads(raw)
        if attempt:
            self.out.replays["redemption"] += 1
        if got["id"] in self.out.redemptions:
            self.out.replay_mismatch.append(f"redemption {got['id']} answered to two keys")
        self.out.redemptions[got["id"]] = got["certificate_number"]

    def batch(self) -> None:
        """Ten green actions of this citizen, signed with the partner's secret."""
        self.batch_n += 1
        now = datetime.now(UTC)
        phone = self.citizen.phone
        actions = []
        for i in range(10):
            started = now - timedelta(hours=2, minutes=5 * i + self.batch_n % 5)
            actions.append(
                {
                    "external_id": f"chaos-{self.citizen.user_id}-{self.batch_n}-{i}",
                    "phone": phone,
                    "type": "metro",
                    "units": "1.5",
                    "started_at": started.isoformat(),
                    "ended_at": (started + timedelta(minutes=20)).isoformat(),
                }
            )
        body = json.dumps({"actions": actions}).encode()
        for attempt in range(RETRIES + 1):
            headers = {
                "Authorization": f"Bearer {self.job.partner_key}",
                HEADER: sign(self.job.partner_secret, body),
            }
            status, raw = self.once("batch", "POST", "/api/v1/points/actions", headers, body)
            if status == 200:
                self.out.actions_accepted += int(json.loads(raw)["accepted"])
                return
            if not retryable(status, raw) or attempt == RETRIES:
                return
            time.sleep(RETRY_PAUSE * (attempt + 1))

    def certificate(self, png: bool) -> None:
        mine = list(self.out.retired.values())
        pool = mine[-20:] + self.job.certificates
        number = self.rng.choice(pool)
        if png:
            self.once("png", "GET", f"/api/v1/certificates/{number}.png?size=600")
        else:
            self.once("certificate", "GET", f"/api/v1/certificates/{number}")

    def report(self) -> None:
        year = datetime.now(UTC).year
        self.once("report", "GET", f"/api/v1/stats/report?year={year}")

    def run(self, until: float) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.time() < until:
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "flow":
                self.flow()
            elif kind == "footprint":
                self.footprint()
            elif kind == "redemption":
                self.redemption()
            elif kind == "batch":
                self.batch()
            elif kind in ("certificate", "png"):
                self.certificate(kind == "png")
            else:
                self.report()


def run_process(job: Job) -> Outcome:
    total = Outcome()
    lock = threading.Lock()

    def one(i: int, citizen: Citizen) -> None:
        out = Outcome()
        Visitor(job, citizen, out, random.Random(job.seed * 1000 + i)).run(  # noqa: S311
            job.start_at + job.seconds
        )
        with lock:
            total.merge(out)

    time.sleep(max(0.0, job.start_at - time.time()))
    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(job.citizens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total


# --- set-up ---------------------------------------------------------------------------------


def partner(port: int) -> tuple[str, str]:
    """A company enrolled as a points partner by the operator: its API key and secret."""
    _, key, secret = enrol_partner(port, "chaos")
    return key, secret


def fund(s: Session, points: int) -> None:
    """A sponsor funds the citizens' points (the first user records it, 1 point a fen)."""
    org = Organisation(name="混沌赞助方 Chaos sponsor", kind=OrgKind.company)
    s.add(org)
    s.flush()
    by = int(s.execute(text("SELECT min(id) FROM users")).scalar_one())
    sponsors.enrol(s, org.id, by)
    sponsors.fund(s, org.id, sponsors.FundingRequest(amount_fen=points), by, 1)


def given_points(url: str, tokens: list[str]) -> list[Citizen]:
    """The signed-in citizens, each given POINTS_EACH through the ledger."""
    engine = create_engine(sqlalchemy_url(url))
    with Session(engine) as s:
        ids: dict[str, int] = dict(
            s.execute(text("SELECT phone, id FROM users WHERE phone LIKE '+86139%'")).all()
        )
        phones = [f"+86139{i:08d}" for i in range(1, len(tokens) + 1)]
        citizens = [Citizen(t, int(ids[p]), p) for t, p in zip(tokens, phones, strict=True)]
        fund(s, POINTS_EACH * len(citizens))
        for c in citizens:
            ledger.transfer(s, TransferKind.earn, c.user_id, POINTS_EACH, reference="chaos")
            ledger.transfer(s, TransferKind.confirm, c.user_id, POINTS_EACH, reference="chaos")
        s.commit()
    engine.dispose()
    return citizens


def set_up(st: Stack, n: int) -> tuple[list[Citizen], tuple[str, str], list[str]]:
    """Citizens with points, a points partner, and a few certificates to read."""
    key_and_secret = partner(st.port)
    tokens = [sign_in(st.port, f"+86139{i:08d}") for i in range(1, n + 1)]
    citizens = given_points(st.url, tokens)
    numbers = []
    with Client(st.port, tokens[0]) as client:
        for _ in range(4):
            fp = client.call("POST", "/api/v1/footprints", MEETING)
            order = client.call(
                "POST",
                "/api/v1/orders",
                {"footprint_id": fp["id"], "beneficiary": "熊猫保护协会"},
                {"Idempotency-Key": str(uuid.uuid4())},
            )
            done = client.call("POST", f"/api/v1/orders/{order['id']}/confirm", {})
            numbers.append(done["certificate_number"])
    return citizens, key_and_secret, numbers


# --- the faults -----------------------------------------------------------------------------


@dataclass
class Faults:
    kills: list[tuple[float, int, float | None]] = field(default_factory=list)  # at, pid, back
    pg_started: float | None = None
    pg_command_s: float | None = None
    pg_command: str = ""
    pg_rc: int | None = None
    ready_lost: float | None = None  # first /readyz failure after the restart began
    ready_back: float | None = None  # first /readyz 200 after that
    probes: list[tuple[float, int | str]] = field(default_factory=list)


def kill_worker(st: Stack, t0: float, faults: Faults) -> None:
    """SIGKILL one gunicorn worker; note when the master had forked its replacement."""
    before = children(st.master.pid)
    if not before:
        faults.kills.append((time.time() - t0, -1, None))
        return
    victim = before[0]
    at = time.time()
    os.kill(victim, signal.SIGKILL)
    back = None
    for _ in range(300):
        now = children(st.master.pid)
        if victim not in now and len(now) >= len(before):
            back = time.time() - at
            break
        time.sleep(0.05)
    faults.kills.append((at - t0, victim, back))


def restart_postgres(cmd: list[str], t0: float, faults: Faults) -> None:
    faults.pg_command = shlex.join(cmd)
    faults.pg_started = time.time() - t0
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    faults.pg_command_s = time.perf_counter() - began
    faults.pg_rc = done.returncode
    if done.returncode != 0:
        print(f"{faults.pg_command} -> {done.returncode}: {done.stdout}{done.stderr}")


def controller(
    st: Stack, t0: float, args: argparse.Namespace, faults: Faults, stop: threading.Event
) -> None:
    """Runs the faults on schedule, probes /readyz every 100 ms, watches `flask worker`."""
    plan: list[tuple[float, str]] = [(float(t), "kill") for t in args.kill_at.split(",") if t]
    if args.pg_restart_at >= 0:
        plan.append((args.pg_restart_at, "pg"))
    plan.sort()
    cmd = shlex.split(args.pg_restart_cmd) if args.pg_restart_cmd else pg_restart_command(st.url)
    pg_thread: threading.Thread | None = None
    while not stop.is_set():
        now = time.time() - t0
        while plan and plan[0][0] <= now:
            _, what = plan.pop(0)
            if what == "kill":
                threading.Thread(target=kill_worker, args=(st, t0, faults)).start()
            else:
                pg_thread = threading.Thread(target=restart_postgres, args=(cmd, t0, faults))
                pg_thread.start()
        status = probe(st.port, "/readyz")
        at = time.time() - t0
        faults.probes.append((at, status))
        if faults.pg_started is not None and at >= faults.pg_started:
            if status != 200 and faults.ready_lost is None:
                faults.ready_lost = at
            if status == 200 and faults.ready_lost is not None and faults.ready_back is None:
                faults.ready_back = at
        st.watch_worker(t0)
        time.sleep(0.1)
    if pg_thread is not None:
        pg_thread.join()


# --- afterwards -----------------------------------------------------------------------------

CHECKS = {
    "orders still `paid` (captured, neither retired nor refunded)": (
        "SELECT count(*) FROM orders WHERE status = 'paid'"
    ),
    "captured payments whose order is not retired or refunded": (
        "SELECT count(*) FROM orders o JOIN payments p ON p.order_id = o.id "
        "WHERE p.status = 'succeeded' AND o.status NOT IN ('retired', 'refunded')"
    ),
    "retired orders without exactly one certificate of their mass": (
        "SELECT count(*) FROM orders o WHERE o.status = 'retired' AND (SELECT count(*) "
        "FROM certificates c WHERE c.order_id = o.id AND c.mass_g = o.mass_g) <> 1"
    ),
    "refunded orders with grams allocated": (
        "SELECT count(*) FROM orders o JOIN allocations a ON a.reservation_id = o.reservation_id "
        "WHERE o.status = 'refunded'"
    ),
    "grams allocated twice (overlapping allocations of a unit)": (
        "SELECT count(*) FROM allocations a JOIN allocations b ON a.unit_id = b.unit_id "
        "AND a.id < b.id AND a.gram_start < b.gram_end AND b.gram_start < a.gram_end"
    ),
    "certificates whose mass is not their allocations'": (
        "SELECT count(*) FROM certificates c WHERE c.mass_g <> (SELECT coalesce(sum(a.gram_end "
        "- a.gram_start), 0) FROM allocations a WHERE a.reservation_id = c.reservation_id)"
    ),
    "lots whose allocated grams are not their allocations'": (
        "SELECT count(*) FROM lots l WHERE l.allocated_g <> (SELECT coalesce(sum(a.gram_end "
        "- a.gram_start), 0) FROM allocations a JOIN units u ON u.id = a.unit_id "
        "WHERE u.lot_id = l.id)"
    ),
    "`redeem` transfers without their redemption (same points)": (
        "SELECT count(*) FROM point_transfers t LEFT JOIN point_redemptions r "
        "ON r.id = t.reference WHERE t.kind = 'redeem' AND (r.id IS NULL OR r.points <> t.amount)"
    ),
    "redemptions without exactly one `redeem` transfer": (
        "SELECT count(*) FROM point_redemptions r WHERE (SELECT count(*) FROM point_transfers t "
        "WHERE t.kind = 'redeem' AND t.reference = r.id) <> 1"
    ),
    "redemptions without their valid certificate of their mass": (
        "SELECT count(*) FROM point_redemptions r LEFT JOIN certificates c "
        "ON c.number = r.certificate_number AND c.reservation_id = r.reservation_id "
        "WHERE c.id IS NULL OR c.mass_g <> r.mass_g OR c.status <> 'valid'"
    ),
    "wallets whose balance is not their transfers'": (
        "SELECT count(*) FROM point_accounts a WHERE a.user_id IS NOT NULL AND a.balance <> "
        "(SELECT coalesce(sum(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount "
        "END), 0) FROM point_transfers t WHERE a.id IN (t.credit_account_id, t.debit_account_id))"
    ),
    "settle jobs not done": (
        "SELECT count(*) FROM jobs WHERE kind = 'order.settle' AND done_at IS NULL"
    ),
}


def client_checks(url: str, out: Outcome) -> dict[str, int]:
    """What the clients were told, against the database."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as c:
        statuses: dict[str, str] = dict(c.execute(text("SELECT id, status FROM orders")).all())
        certs: dict[str, str] = dict(
            c.execute(text("SELECT number, status FROM certificates")).all()
        )
        cert_orders: dict[str, str] = dict(
            c.execute(
                text("SELECT number, order_id FROM certificates WHERE order_id IS NOT NULL")
            ).all()
        )
        redemptions: dict[str, str] = dict(
            c.execute(text("SELECT id, certificate_number FROM point_redemptions")).all()
        )
    engine.dispose()
    return {
        "orders told `retired` that are not retired": sum(
            statuses.get(o) != "retired" for o in out.retired
        ),
        "certificate numbers told that are not valid, or of another order": sum(
            certs.get(n) != "valid" or cert_orders.get(n) != o for o, n in out.retired.items()
        ),
        "orders told `paid` that are not retired or refunded": sum(
            statuses.get(o) not in ("retired", "refunded") for o in out.paid_only
        ),
        "redemptions told that are missing or have another certificate": sum(
            redemptions.get(r) != n for r, n in out.redemptions.items()
        ),
        "retried requests that named another object": len(out.replay_mismatch),
    }


def query_checks(url: str) -> dict[str, int]:
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as c:
        found = {name: int(c.execute(text(sql)).scalar_one()) for name, sql in CHECKS.items()}
    engine.dispose()
    return found


def db_counts(url: str) -> dict[str, Any]:
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as c:
        out = {
            "orders": dict(c.execute(text("SELECT status, count(*) FROM orders GROUP BY 1")).all()),
            "certificates": c.execute(text("SELECT count(*) FROM certificates")).scalar_one(),
            "redemptions": c.execute(text("SELECT count(*) FROM point_redemptions")).scalar_one(),
            "actions": c.execute(text("SELECT count(*) FROM green_actions")).scalar_one(),
            "running keys": c.execute(
                text("SELECT count(*) FROM idempotency_keys WHERE status <> 'done'")
            ).scalar_one(),
        }
    engine.dispose()
    return out


# --- the report -----------------------------------------------------------------------------


def phase_of(start: float, end: float, t0: float, faults: Faults) -> str:
    """Which fault a request overlapped: a kill (in flight at that instant), or the database
    outage (from the restart until /readyz answered 200 again); else `steady`."""
    for at, _, _ in faults.kills:
        if start - t0 <= at <= end - t0:
            return "worker kill"
    if faults.pg_started is not None:
        back = faults.ready_back if faults.ready_back is not None else float("inf")
        if start - t0 <= back and end - t0 >= faults.pg_started:
            return "PostgreSQL restart"
    return "steady"


def ok(status: int | str) -> bool:
    return isinstance(status, int) and 200 <= status < 400


@dataclass
class Afterwards:
    """What the checks after the traffic found."""

    worker_alive: bool
    before: dict[str, Any]
    after: dict[str, Any]
    reconcile: tuple[int, str]
    credits: tuple[int, str]
    points: tuple[int, str]
    found: dict[str, int]
    told: dict[str, int]
    worker_log: str

    @property
    def failed(self) -> bool:
        codes = (self.reconcile[0], self.credits[0], self.points[0])
        return any(codes) or any(self.found.values()) or any(self.told.values())


def traffic(
    st: Stack, args: argparse.Namespace, faults: Faults, set_up_done: tuple[Any, ...]
) -> tuple[Outcome, float, float]:
    """The clients' traffic with the faults on schedule: (outcome, start, wall seconds)."""
    citizens, (key, secret), numbers = set_up_done
    start_at = time.time() + 3
    jobs = [
        Job(st.port, citizens[p :: args.processes], key, secret, numbers, start_at, args.seconds, p)
        for p in range(args.processes)
    ]
    stop = threading.Event()
    ctl = threading.Thread(target=controller, args=(st, start_at, args, faults, stop))
    out = Outcome()
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        pending = pool.map_async(run_process, jobs)
        time.sleep(max(0.0, start_at - time.time()))
        ctl.start()
        for part in pending.get():
            out.merge(part)
    wall = time.time() - start_at
    time.sleep(2)  # let the worker pick up what the last requests left
    stop.set()
    ctl.join()
    st.watch_worker(start_at)
    return out, start_at, wall


def check_afterwards(st: Stack, out: Outcome) -> Afterwards:
    worker_alive = st.worker.poll() is None
    before = db_counts(st.url)
    reconcile = st.flask("orders", "reconcile")
    credits = st.flask("credits", "check")
    points = st.flask("points", "check")
    found = query_checks(st.url)
    told = client_checks(st.url, out)
    return Afterwards(
        worker_alive,
        before,
        db_counts(st.url),
        reconcile,
        credits,
        points,
        found,
        told,
        st.worker_log.read_text(errors="replace"),
    )


def errors_by(bad: Counter[str]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in bad.most_common()) or "–"


def report_load(out: Outcome, window: float) -> None:
    print("| request | ok | ok per s | errors | errors by status |")
    print("| --- | ---: | ---: | ---: | --- |")
    for kind in KINDS:
        mine = [r for r in out.requests if r[0] == kind]
        good = sum(ok(r[3]) for r in mine)
        bad = Counter(str(r[3]) for r in mine if not ok(r[3]))
        print(f"| {kind} | {good} | {good / window:.1f} | {sum(bad.values())} | {errors_by(bad)} |")
    total_ok = sum(ok(r[3]) for r in out.requests)
    print(f"| all | {total_ok} | {total_ok / window:.1f} | {len(out.requests) - total_ok} | |")


def report_phases(out: Outcome, start_at: float, faults: Faults) -> None:
    print("\n| phase | requests | ok | errors by status |")
    print("| --- | ---: | ---: | --- |")
    by_phase: dict[str, list[tuple[str, float, float, int | str, int]]] = {}
    for r in out.requests:
        by_phase.setdefault(phase_of(r[1], r[2], start_at, faults), []).append(r)
    for phase in ("steady", "worker kill", "PostgreSQL restart"):
        rows = by_phase.get(phase, [])
        bad = Counter(f"{r[0]} {r[3]}" for r in rows if not ok(r[3]))
        print(f"| {phase} | {len(rows)} | {sum(ok(r[3]) for r in rows)} | {errors_by(bad)} |")


def report_faults(out: Outcome, start_at: float, faults: Faults, st: Stack) -> None:
    print("\n| fault | at s | effect |")
    print("| --- | ---: | --- |")
    for at, pid, back in faults.kills:
        in_flight = sum(1 for r in out.requests if r[1] - start_at <= at <= r[2] - start_at)
        effect = (
            f"pid {pid}; {in_flight} requests in flight; master forked a new worker in {back:.2f} s"
            if back is not None
            else f"pid {pid}; no replacement seen"
        )
        print(f"| SIGKILL gunicorn worker | {at:.1f} | {effect} |")
    if faults.pg_started is not None:
        outage = (
            f"{faults.ready_back - faults.ready_lost:.2f} s of /readyz failures "
            f"({faults.ready_lost - faults.pg_started:.2f} s after the command began)"
            if faults.ready_lost is not None and faults.ready_back is not None
            else "no /readyz failure seen"
        )
        print(
            f"| `{faults.pg_command}` | {faults.pg_started:.1f} | exit {faults.pg_rc} in "
            f"{faults.pg_command_s or 0:.2f} s; {outage}; back at "
            f"{faults.ready_back if faults.ready_back is not None else float('nan'):.1f} s |"
        )
    for at, code in st.worker_restarts:
        print(f"| `flask worker` exited (code {code}), started again | {at:.1f} | see its log |")


def report_afterwards(out: Outcome, done: Afterwards, st: Stack) -> None:
    print(
        f"\nClients: {len(out.retired)} orders retired, {len(out.paid_only)} answered `paid`, "
        f"{len(out.unconfirmed)} never confirmed; {len(out.redemptions)} redemptions; "
        f"{out.actions_accepted} green actions accepted; retries that then succeeded: "
        f"{dict(out.replays) or 0}; keys given up on (outcome unknown to the client): "
        f"{out.abandoned_keys}"
    )
    print(f"Database before reconcile: {done.before}")
    print(f"Database after: {done.after}")
    waits = done.worker_log.count("database unreachable")
    print(
        f"`flask worker` alive at the end: {done.worker_alive}; exits: "
        f"{len(st.worker_restarts)}; ticks that found the database unreachable and waited: "
        f"{waits}"
    )
    for name, (rc, text_out) in (
        ("orders reconcile", done.reconcile),
        ("credits check", done.credits),
        ("points check", done.points),
    ):
        print(f"flask {name}: exit {rc}: {text_out}")
    print("\n| invariant after the faults | violations |")
    print("| --- | ---: |")
    for name, n in {**done.found, **done.told}.items():
        print(f"| {name} | {n} |")
    if out.samples:
        print("\nA sample body per error:")
        for k, v in sorted(out.samples.items()):
            print(f"  {k}: {v or '(none)'}")
    if st.worker_restarts:
        print(f"\n`flask worker` log (tail):\n{done.worker_log[-3000:]}")
    print("\nResult:", "VIOLATED" if done.failed else "nothing lost or doubled")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=60, help="traffic window")
    ap.add_argument("--clients", type=int, default=12, help="client threads (a citizen each)")
    ap.add_argument("--processes", type=int, default=3, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    ap.add_argument("--kill-at", default="15,42", help="seconds at which to SIGKILL a worker")
    ap.add_argument("--pg-restart-at", type=float, default=28, help="seconds; negative: no restart")
    ap.add_argument("--pg-restart-cmd", default="", help="default: pg_ctlcluster … restart")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")

    faults = Faults()
    with stack(args.workers, args.threads) as st:
        out, start_at, wall = traffic(st, args, faults, set_up(st, args.clients))
        done = check_afterwards(st, out)

    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} workers × {args.threads} threads and "
        f"`flask worker`; {args.clients} clients (a citizen each) in {args.processes} processes; "
        f"{args.seconds:g} s of traffic ({wall:.1f} s until the last client stopped); "
        "RATELIMIT off\n"
    )
    report_load(out, args.seconds)
    report_phases(out, start_at, faults)
    report_faults(out, start_at, faults, st)
    report_afterwards(out, done, st)
    if done.failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
