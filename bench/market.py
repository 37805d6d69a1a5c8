"""定价点选 purchases per second on gunicorn + PostgreSQL (`POST /api/v1/market/listings/{id}/
purchases`, a fresh Idempotency-Key each, 1 t at a time), in two layouts: spread (each purchase
picks one of the listings at random) and hot (every client buys from one listing, so they queue on
its row lock). Baseline: `GET /healthz` on the same server, driven by the same client processes,
before and after.

Set-up in this process, in an app context and through the services (no raw inserts): a seller's
exchange account with one validated CDCER project, a verified report and 1,000,000 t issued, K
listings of it; C buyer companies, each with an exchange account, an admin with a bearer token
(issued as sign-in issues it), and a sandbox deposit (`SBX-{participant}-{fen}-…`). Afterwards
`flask market check` must exit 0, the trades must be the purchases the clients saw succeed, the
funds must sum to what was deposited and the issuance's holdings to what was issued.

The market must be open for the whole run: the server and the set-up run with MARKET_HOURS=
00:00-23:59 (Asia/Shanghai), but trading days still come from `chinesecalendar` (weekends and
holidays are closed, 调休 Saturdays open). The script refuses to start, naming the next opening,
when the run would reach a closed instant: a non-trading day, or the minute 23:59-24:00 in China
(15:59-16:00 UTC) that MARKET_HOURS cannot include.

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt). The server runs
with RATELIMIT_ENABLED=0 (set by harness.server).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from multiprocessing.pool import Pool

import partners
from harness import OPERATOR, Client, flask, pct, server, sqlalchemy_url
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc

from backend.accounts import consent
from backend.accounts.auth import auth_settings
from backend.accounts.legal import Document
from backend.accounts.models import OrgKind, User
from backend.accounts.principal import Principal
from backend.accounts.services import create_organisation, issue_token, principal_of_user
from backend.app import create_app
from backend.core import uow
from backend.core.clock import china, utcnow
from backend.market import banking, calendar, listings
from backend.market.rules import Rules, parse_hours
from backend.registry import issuance as registry_issuance
from backend.registry import participants as registry_participants
from backend.registry import projects as registry_projects
from backend.registry.catalogue import market_documents
from backend.registry.models import Holding, ParticipantRole

ALL_DAY = "00:00-23:59"  # the widest MARKET_HOURS the configuration accepts
ISSUED_T = 1_000_000
PRICE_FEN_PER_T = 1290  # the demo's CDCER forestry price
DEPOSIT_FEN = 10**8  # ¥1,000,000 per buyer: 77,000 t at the price, fees included
LABELS = {
    "healthz": "GET /healthz (baseline)",
    "spread": "purchase 1 t, random listing (spread)",
    "hot": "purchase 1 t, one listing (hot)",
    "healthz again": "GET /healthz again (drift check)",
}


@dataclass(frozen=True)
class Buyer:
    token: str
    participant_id: int


@dataclass(frozen=True)
class Market:
    seller_id: int
    issuance_id: int
    listing_ids: list[int]
    listed_t: int  # per listing
    buyers: list[Buyer]
    deposited_fen: int


@dataclass
class Stats(partners.Stats):
    """partners.py's, counting 201 purchases in `ok_total` (warm-up included: each is a trade),
    latencies of good answers only, and purchases whose answer never came (a trade or not)."""

    unknown: int = 0

    def merge(self, other: partners.Stats) -> None:
        super().merge(other)
        self.unknown += getattr(other, "unknown", 0)


# --- the calendar -------------------------------------------------------------------------------


def require_open_for(seconds: float) -> None:
    """Refuse to start unless the market (MARKET_HOURS=ALL_DAY) stays open from now for
    `seconds`, naming when it next opens."""
    sessions = parse_hours(ALL_DAY)
    now = utcnow()
    steps = int(seconds // 20) + 2
    for at in (now + timedelta(seconds=20 * i) for i in range(steps)):
        if calendar.is_open(at, sessions):
            continue
        day = calendar.trading_day(china(at).date())
        why = (
            f"{day.day} is not a trading day ({day.source})"
            if not day.trading
            else "MARKET_HOURS cannot include 23:59-24:00 in China"
        )
        opens = calendar.next_open(at, sessions)
        raise SystemExit(
            f"the market would be closed at {china(at):%Y-%m-%d %H:%M} China time, within the "
            f"~{seconds:.0f} s this run takes: {why}. It next opens at "
            f"{china(opens):%Y-%m-%d %H:%M} China time ({opens:%Y-%m-%d %H:%M} UTC); run it then."
        )


# --- set-up through the services ----------------------------------------------------------------


def uscc(n: int) -> str:
    """A 统一社会信用代码 with a right check character (Sichuan company codes, made up)."""
    base = f"91510100{n:09d}"
    return base + stdnum_uscc.calc_check_digit(base)


def account(s: Session, n: int, name: str, role: ParticipantRole) -> tuple[Principal, int]:
    """A new person (the texts in force accepted), admin of a new company with an exchange
    account: (their principal, the participant id)."""
    user = User(phone=f"+86137{n:08d}", display_name=f"{name}管理员")
    s.add(user)
    s.flush()
    consent.accept_current(s, user, list(Document))
    who = Principal(user=user)
    org = create_organisation(s, who, name=name, kind=OrgKind.company)
    who = principal_of_user(user)
    p = registry_participants.open_account(
        s,
        who,
        registry_participants.NewParticipant(
            organisation_id=org.id,
            uscc=uscc(n),
            legal_representative="法人",
            contact_name="联系人",
            contact_phone=user.phone,
            roles=(role,),
            accept=tuple(
                registry_participants.Acceptance(d.code, d.version)
                for d in market_documents().values()
            ),
        ),
    )
    return who, p.id


def issued(s: Session, owner: Principal, owner_id: int, tonnes: int) -> tuple[int, int]:
    """A validated CDCER project of the owner, its 2025 report verified and `tonnes` issued:
    (issuance id, holding id)."""
    op_user = s.scalars(select(User).where(User.phone == OPERATOR)).one()
    operator = principal_of_user(op_user)
    project = registry_projects.register(
        s,
        owner,
        registry_projects.NewProject(
            owner_id=owner_id,
            methodology="CDCER-LD",
            name_zh="基准绿道碳汇",
            name_en="Bench greenway",
            province="CN-SC",
            city="成都市",
            latitude=Decimal("30.62"),
            longitude=Decimal("104.08"),
            crediting_start=date(2024, 1, 1),
            crediting_end=date(2033, 12, 31),
            expected_annual_t=tonnes,
        ),
    )
    registry_projects.transition(s, owner, project.id, "submitted", None)
    registry_projects.transition(s, operator, project.id, "validated", None)
    period = registry_projects.NewReport(date(2025, 1, 1), date(2025, 12, 31), tonnes)
    report = registry_projects.submit_report(s, owner, project.id, period)
    registry_projects.review_report(
        s, operator, report.id, "verified", verified_t=tonnes, reason=None
    )
    made = registry_issuance.issue(s, operator, report.id, tonnes)
    holding = s.scalars(select(Holding).where(Holding.issuance_id == made.id)).one()
    return made.id, holding.id


def seed(n_listings: int, n_buyers: int) -> Market:
    """The seller, its listings and the buyers, in one transaction (module docstring)."""
    app = create_app()
    with app.app_context(), uow.transaction() as s:
        rules = Rules.from_config(app.config)
        seller, seller_id = account(s, 0, "龙泉山碳汇（基准）", ParticipantRole.project_owner)
        issuance_id, holding_id = issued(s, seller, seller_id, ISSUED_T)
        per = min(rules.block_min_t - 1, ISSUED_T // n_listings)
        new = listings.NewListing(seller_id, holding_id, per, PRICE_FEN_PER_T, 1)
        ids = [listings.create(s, seller, rules, new, calendar.now()).id for _ in range(n_listings)]
        buyers = []
        for i in range(1, n_buyers + 1):
            who, pid = account(s, i, f"基准买方{i}", ParticipantRole.buyer)
            assert who.user is not None  # noqa: S101 - account() made one
            reference = f"SBX-{pid}-{DEPOSIT_FEN}-bench{i}"
            banking.deposit(s, banking.current(), pid, reference, who.user.id)
            token = issue_token(s, auth_settings(), who.user).access_token
            buyers.append(Buyer(token, pid))
    return Market(seller_id, issuance_id, ids, per, buyers, n_buyers * DEPOSIT_FEN)


# --- load ---------------------------------------------------------------------------------------


def one(client: Client, mode: str, buyer: Buyer, hot_id: int, ids: list[int]) -> tuple[int, bytes]:
    """One request of `mode`: (status, body)."""
    if mode.startswith("healthz"):
        answer = client.send("GET", "/healthz")
        return answer.status, answer.body
    listing = hot_id if mode == "hot" else random.choice(ids)  # noqa: S311 - not a secret
    answer = client.send(
        "POST",
        f"/api/v1/market/listings/{listing}/purchases",
        {"buyer_id": buyer.participant_id, "quantity_t": 1},
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    return answer.status, answer.body


def client_loop(job: tuple[str, int, Buyer, list[int]], t0: float, t1: float) -> Stats:
    """One client (one buyer): 3 requests per connection until `t1`; what ends in [t0, t1]
    counts."""
    mode, port, buyer, ids = job
    healthz = mode.startswith("healthz")
    good = 200 if healthz else 201
    mine = Stats()
    while time.time() < t1:
        with Client(port, None if healthz else buyer.token) as client:
            for _ in range(3):
                began = time.perf_counter()
                try:
                    status, body = one(client, mode, buyer, ids[0], ids)
                except (OSError, http.client.HTTPException) as exc:
                    status, body = 0, f"{type(exc).__name__}: {exc}".encode()
                    mine.unknown += mode in {"spread", "hot"}
                ms = (time.perf_counter() - began) * 1000
                mine.ok_total += status == 201
                if t0 <= time.time() <= t1:
                    if status == good:
                        mine.done += 1
                        mine.latencies.append(ms)
                    else:
                        what = f"HTTP {status}" if status else "connection"
                        mine.errors[what] += 1
                        mine.samples.setdefault(what, body[:200].decode(errors="replace"))
                if status != good:
                    break
    return mine


def run_process(job: tuple[str, int, list[Buyer], list[int], float, float, float]) -> Stats:
    """One client process: a thread per buyer."""
    mode, port, buyers, ids, start_at, warmup, seconds = job
    t0, t1 = start_at + warmup, start_at + warmup + seconds
    if time.time() > t0:
        raise SystemExit(f"a client process began {time.time() - start_at:.1f} s late")
    time.sleep(max(0.0, start_at - time.time()))
    stats = Stats(window=seconds)
    with ThreadPoolExecutor(len(buyers)) as threads:
        for mine in threads.map(lambda b: client_loop((mode, port, b, ids), t0, t1), buyers):
            stats.merge(mine)
    return stats


def ready(_: int) -> None:
    """Nothing, once the process has started (and imported the backend, which takes a while)."""
    time.sleep(0.5)


def load(mode: str, pool: Pool, market: Market, args: argparse.Namespace, port: int) -> Stats:
    """`mode` from every buyer, spread over the pool's processes (started and ready)."""
    start_at = time.time() + 1
    procs = min(args.processes, len(market.buyers))
    jobs = [
        (
            mode,
            port,
            market.buyers[p::procs],
            market.listing_ids,
            start_at,
            args.warmup,
            args.seconds,
        )
        for p in range(procs)
    ]
    total = Stats()
    for part in pool.map(run_process, jobs, chunksize=1):
        total.merge(part)
    return total


# --- afterwards ---------------------------------------------------------------------------------


def sums(url: str, market: Market) -> dict[str, int]:
    """What the rows say after the run."""
    engine = create_engine(sqlalchemy_url(url))
    q = {
        "trades": "SELECT count(*) FROM market_trades",
        "traded_t": "SELECT coalesce(sum(quantity_t), 0) FROM market_trades",
        "hot_traded_t": "SELECT coalesce(sum(quantity_t), 0) FROM market_trades "
        "WHERE listing_id = :hot",
        "paid_fen": "SELECT coalesce(sum(amount_fen + buyer_fee_fen), 0) FROM market_trades",
        "fees_fen": "SELECT coalesce(sum(buyer_fee_fen + seller_fee_fen), 0) FROM market_trades",
        "balances_fen": "SELECT coalesce(sum(balance_fen), 0) FROM market_funds_accounts",
        # every account's money in and out, the demo's own accounts (点点's) included
        "net_deposits_fen": "SELECT coalesce(sum(balance_delta_fen), 0) FROM market_funds_entries "
        "WHERE kind IN ('deposit', 'withdrawal')",
        "buyers_fen": "SELECT coalesce(sum(balance_fen), 0) FROM market_funds_accounts "
        "WHERE participant_id = ANY(:buyers)",
        "frozen_fen": "SELECT coalesce(sum(frozen_fen), 0) FROM market_funds_accounts",
        "held_t": "SELECT coalesce(sum(last_unit - first_unit + 1), 0) FROM registry_holdings "
        "WHERE issuance_id = :issuance",
        "buyers_held_t": "SELECT coalesce(sum(last_unit - first_unit + 1), 0) "
        "FROM registry_holdings WHERE issuance_id = :issuance AND participant_id = ANY(:buyers)",
        "keys_not_done": "SELECT count(*) FROM idempotency_keys WHERE status <> 'done'",
    }
    params = {
        "hot": market.listing_ids[0],
        "issuance": market.issuance_id,
        "buyers": [b.participant_id for b in market.buyers],
    }
    with engine.connect() as c:
        out = {k: int(c.execute(text(sql), params).scalar_one()) for k, sql in q.items()}
    engine.dispose()
    return out


def invariants(market: Market, got: dict[str, int], purchases: int, unknown: int) -> bool:
    """Print the money and units after the run; True when they add up."""
    checks = {
        "trades = purchases answered 201 (warm-up included; + unanswered at most)": (
            purchases <= got["trades"] <= purchases + unknown
        ),
        "tonnes traded = trades (1 t each)": got["traded_t"] == got["trades"],
        "all balances = deposits less withdrawals": got["balances_fen"] == got["net_deposits_fen"],
        "buyers' balances = deposited - amounts - buyers' fees": (
            got["buyers_fen"] == market.deposited_fen - got["paid_fen"]
        ),
        "nothing frozen": got["frozen_fen"] == 0,
        "the issuance's holdings (seller, escrow, buyers) = issued": got["held_t"] == ISSUED_T,
        "buyers hold what they bought": got["buyers_held_t"] == got["traded_t"],
        "no idempotency key left unfinished": got["keys_not_done"] == 0,
    }
    print(
        f"\nAfter the run: {got['trades']} trades, {got['traded_t']} t (hot listing "
        f"{got['hot_traded_t']} of {market.listed_t} t); clients saw {purchases} purchases "
        f"succeed, {unknown} unanswered; deposited {market.deposited_fen / 100:,.2f} CNY, "
        f"balances {got['balances_fen'] / 100:,.2f} CNY (fees {got['fees_fen'] / 100:,.2f}); "
        f"issued {ISSUED_T:,} t, held {got['held_t']:,} t"
    )
    for label, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {label}")
    return all(checks.values())


def report(
    args: argparse.Namespace,
    market: Market,
    results: dict[str, Stats],
    loadavg: tuple[float, float],
) -> None:
    base = results["healthz"].done / results["healthz"].window or float("nan")
    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} workers × {args.threads} threads, "
        f"RATELIMIT_ENABLED=0, MARKET_HOURS={ALL_DAY}; {len(market.buyers)} clients (one buyer "
        f"each) in {min(args.processes, len(market.buyers))} processes, 3 requests per "
        f"connection; {len(market.listing_ids)} listings of {market.listed_t:,} t; "
        f"{args.seconds:g} s measured after {args.warmup:g} s warm-up per row; load average "
        f"before {loadavg[0]:.2f}, after {loadavg[1]:.2f}\n"
    )
    print("| measured | per s | p50 ms | p99 ms | errors | vs /healthz |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row, stats in results.items():
        per_s = stats.done / stats.window
        errors = ", ".join(f"{n} × {what}" for what, n in stats.errors.most_common()) or "0"
        print(
            f"| {LABELS[row]} | {per_s:.0f} | {pct(stats.latencies, 50):.2f} "
            f"| {pct(stats.latencies, 99):.2f} | {errors} | {per_s / base:.2f} |"
        )
    for row, stats in results.items():
        for what, sample in stats.samples.items():
            print(f"  {row}: {what} e.g. {sample[:160]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=10, help="measured window per row")
    ap.add_argument("--warmup", type=float, default=2, help="requests before the window opens")
    ap.add_argument("--clients", type=int, default=32, help="concurrent clients, one buyer each")
    ap.add_argument("--listings", type=int, default=20, help="listings for the spread layout")
    ap.add_argument("--processes", type=int, default=4, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    if not 1 <= args.listings <= ISSUED_T or args.clients < 1:
        raise SystemExit("--listings and --clients must be at least 1")
    require_open_for(90 + 4 * (args.warmup + args.seconds + 6))
    os.environ["MARKET_HOURS"] = ALL_DAY  # the server's and the set-up's

    load_before = os.getloadavg()[0]
    with server(args.workers, args.threads) as (port, url):
        os.environ |= {
            "DATABASE_URL": url,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="dd-bench-market-"),
            "SECRET_KEY": os.urandom(16).hex(),
            "LOG_LEVEL": "WARNING",
        }
        market = seed(args.listings, args.clients)
        procs = min(args.processes, args.clients)
        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            pool.map(ready, range(procs), chunksize=1)
            results = {
                row: load(row, pool, market, args, port)
                for row in ("healthz", "spread", "hot", "healthz again")
            }
        got = sums(url, market)
        check_rc, stdout, stderr = flask(url, "market", "check")

    report(args, market, results, (load_before, os.getloadavg()[0]))
    purchases = results["spread"].ok_total + results["hot"].ok_total
    unknown = results["spread"].unknown + results["hot"].unknown
    ok = invariants(market, got, purchases, unknown)
    print(f"flask market check: exit {check_rc}: {(stdout + stderr).strip()[:2000]}")
    if not ok or check_rc != 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
