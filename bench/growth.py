"""How read and write latencies grow with the data, on PostgreSQL, through gunicorn.

At each size N (default 10^4, 10^5, 10^6; `--sizes 10000,...,10000000` for 10^7) the benchmark
database is rebuilt (migrated, demo-seeded) and filled with set-based SQL (INSERT … SELECT
generate_series, in one transaction, no API and no per-row Python) with:

- about N points-ledger transfers: `earn` (issued -> pending) for every green action and
  `confirm` (pending -> wallet) for nine in ten of those more than a week old, over two years,
  between N/10 people picked Zipf-like (P(rank k) ~ 1/k: a few very active people, many small
  wallets); balances are the sums of their transfers, an opening funding covers every point
  earned (the pool's trigger takes the earns);
- N orders over the same two years by the same Zipf-like people, log-uniform masses from 1 kg
  to 1 t, 95 % retired, 3 % expired, 2 % cancelled, each with its reservation and line; 60 % of
  them on 3 hot lots, the rest spread over 37 others (40 CDCER lots made for the run, the hot
  one the cheapest of the inventory, so the measured order flow takes it too); the retired
  ones hold their lots' next contiguous grams (allocations and units opened, exactly as
  `inventory.allocate` does) and a certificate each (numbered per China year, after the demo's);
  units opened more than 20 days ago are retired at their registry in monthly batches.

`flask credits check` and `flask points check` must pass on the filled data (and again after
the measurements). Then, one client at a time on the same server, p50 and p99 of:

- `GET /healthz` (baseline) and a raw SQL primary-key read of an order (baseline);
- `GET /api/v1/wallet` of a typical person (Zipf rank N/20, a few dozen transfers) and of the
  most active one;
- a complete order flow (footprint -> order -> sandbox confirm, as bench/orders.py);
- `GET /api/v1/ledger` page 1 and page 100 (50 a page, following `next_cursor`);
- `GET /api/v1/stats`;
- and the wall time of `flask credits check` (a process: its start-up is in the figure).

Each read is repeated `--samples` times or for `--budget` seconds, whichever ends first (at least
5 samples: when a read takes seconds, its p99 is the slowest of a few). Prints one table, writes
it as JSON (`--json`), and a PNG plot when matplotlib is importable (it is not a dependency).

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt at each size).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness import ROOT, Client, flask, pct, server, sign_in, sqlalchemy_url
from orders import flow
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

LOTS = 40  # lots made for the run
HOT_LOTS = 3  # of them, taking HOT_SHARE of the orders
HOT_SHARE = 0.6
LOT_SPARE_T = 100_000  # tonnes left available on every lot after the fill
SERIAL_BASE = 100_000_000  # the made lots' units: far from the demo's CDCER serials
FLOW_USER = "+8613900000001"
PEOPLE_PHONE = "+86170"  # + 8 digits: the filled people's phones


@dataclass
class Row:
    """One measurement at one size."""

    p50: float
    p99: float
    n: int


@dataclass
class SizeResult:
    size: int
    fill_s: float
    counts: dict[str, int]
    rows: dict[str, Row] = field(default_factory=dict)
    checks: dict[str, tuple[int, str]] = field(default_factory=dict)


MEASURES = (
    ("healthz", "GET /healthz (baseline)"),
    ("sql_pk", "raw SQL: an order by primary key (baseline)"),
    ("wallet", "GET /wallet, a typical person"),
    ("wallet_hot", "GET /wallet, the most active person"),
    ("flow", "order flow (footprint, order, confirm)"),
    ("ledger_1", "GET /ledger page 1"),
    ("ledger_100", "GET /ledger page 100"),
    ("stats", "GET /stats"),
    ("credits_check", "flask credits check (its queries, one run)"),
    ("points_check", "flask points check (its queries, one run)"),
    ("stats_refresh", "/stats snapshot refresh (the worker's job, one run)"),
)


# --- the fill -----------------------------------------------------------------------------------

FILL = [
    # people, Zipf-ranked: rank k is the k-th most active
    """
    INSERT INTO users (phone, display_name, created_at)
    SELECT :phone || lpad(k::text, 8, '0'), '用户' || k, :t0 FROM generate_series(1, :people) k
    """,
    """
    CREATE TEMP TABLE gu ON COMMIT DROP AS
    SELECT substr(phone, 7)::int AS k, id AS user_id FROM users WHERE phone LIKE :phone || '%'
    """,
    """
    INSERT INTO point_accounts (user_id, kind, balance)
    SELECT user_id, kind, 0 FROM gu, (VALUES ('pending'), ('wallet')) AS v(kind)
    """,
    """
    CREATE TEMP TABLE pa ON COMMIT DROP AS
    SELECT gu.k, p.id AS pending_id, w.id AS wallet_id FROM gu
    JOIN point_accounts p ON p.user_id = gu.user_id AND p.kind = 'pending'
    JOIN point_accounts w ON w.user_id = gu.user_id AND w.kind = 'wallet'
    """,
    "CREATE UNIQUE INDEX ON pa (k)",
    # green actions' points: Zipf-like person, 1-50 points (most small), over two years
    """
    CREATE TEMP TABLE acts ON COMMIT DROP AS
    SELECT a, least(:people, floor(exp(random() * ln(:people + 1)))::int) AS k,
           1 + floor(random() * random() * 50)::int AS amount,
           :t0 + (:t1 - :t0) * (a::float8 / :actions) AS at
    FROM generate_series(1, :actions) a
    """,
    """
    INSERT INTO point_fundings (kind, points, funded_at, memo)
    SELECT 'opening', sum(amount), :t0, 'growth benchmark' FROM acts
    """,
    """
    INSERT INTO point_transfers (kind, debit_account_id, credit_account_id, amount, reference,
                                 memo, created_at)
    SELECT kind, debit, credit, amount, 'growth:' || a, '', at FROM (
        SELECT a, 0 AS step, 'earn' AS kind, :issued AS debit, pa.pending_id AS credit, amount, at
        FROM acts JOIN pa USING (k)
        UNION ALL
        SELECT a, 1, 'confirm', pa.pending_id, pa.wallet_id, amount, at + interval '7 days'
        FROM acts JOIN pa USING (k)
        WHERE a % 10 <> 0 AND at + interval '7 days' < :t1
    ) x ORDER BY at, a, step
    """,
    """
    UPDATE point_accounts p SET balance = x.g FROM (
        SELECT acc, sum(g) AS g FROM (
            SELECT credit_account_id AS acc, amount AS g FROM point_transfers
            UNION ALL SELECT debit_account_id, -amount FROM point_transfers
        ) y GROUP BY acc
    ) x WHERE p.id = x.acc AND p.user_id IN (SELECT user_id FROM gu)
    """,
    # orders: Zipf-like person, a hot lot 60 % of the time, 1 kg .. 1 t log-uniform
    """
    CREATE TEMP TABLE o ON COMMIT DROP AS
    SELECT i, least(:people, floor(exp(r0 * ln(:people + 1)))::int) AS k,
           CASE WHEN r1 < :hot_share THEN 1 + floor(r2 * :hot)::int
                ELSE 1 + :hot + floor(r2 * (:lots - :hot))::int END AS lot_k,
           floor(exp(ln(1000) + random() * ln(1000)))::bigint AS mass_g,
           :t0 + (:t1 - :t0) * (i::float8 / :orders) AS at,
           CASE WHEN r3 < 0.95 THEN 'retired' WHEN r3 < 0.98 THEN 'expired'
                ELSE 'cancelled' END AS status
    FROM (SELECT i, random() AS r0, random() AS r1, random() AS r2, random() AS r3
          FROM generate_series(1, :orders) i) s
    """,
    """
    CREATE TEMP TABLE og ON COMMIT DROP AS
    SELECT o.*, (sum(mass_g) OVER w)::bigint AS g1, (sum(mass_g) OVER w)::bigint - mass_g AS g0
    FROM o WHERE status = 'retired'
    WINDOW w AS (PARTITION BY lot_k ORDER BY i)
    """,
    # the lots: sized to what they gave plus a spare; hot lot 1 the cheapest of the inventory
    """
    CREATE TEMP TABLE lk ON COMMIT DROP AS
    SELECT k, p.id AS project_id, coalesce(u.g, 0) AS allocated_g,
           coalesce(u.g, 0) / 1000000 + 1 + :spare AS tonnes,
           CASE WHEN k = 1 THEN (SELECT min(price_fen_per_t) - 1 FROM lots)
                ELSE 1300 + k * 10 END AS price
    FROM generate_series(1, :lots) k
    JOIN LATERAL (
        SELECT id FROM projects WHERE standard = 'CDCER' ORDER BY id
        OFFSET (k - 1) % (SELECT count(*) FROM projects WHERE standard = 'CDCER') LIMIT 1
    ) p ON true
    LEFT JOIN (SELECT lot_k, sum(mass_g)::bigint AS g FROM og GROUP BY lot_k) u ON u.lot_k = k
    """,
    """
    CREATE TEMP TABLE lk2 ON COMMIT DROP AS
    SELECT lk.*, :base + (sum(tonnes) OVER (ORDER BY k))::bigint - tonnes AS first_unit FROM lk
    """,
    """
    INSERT INTO lots (project_id, standard, vintage, serial_range, first_unit, last_unit,
                      acquisition_cost_fen, price_fen_per_t, available_g, reserved_g,
                      allocated_g, held_g, created_at)
    SELECT project_id, 'CDCER', 2023,
           'CDCER-2023-GR' || lpad(k::text, 3, '0') || '-' || first_unit || '-'
               || (first_unit + tonnes - 1),
           first_unit, first_unit + tonnes - 1, 0, price,
           tonnes * 1000000 - allocated_g, 0, allocated_g, 0, :t0
    FROM lk2 ORDER BY k
    """,
    """
    CREATE TEMP TABLE lots_made ON COMMIT DROP AS
    SELECT lk2.k, l.id AS lot_id, l.first_unit, l.price_fen_per_t AS price
    FROM lk2 JOIN lots l ON l.standard = 'CDCER' AND l.first_unit = lk2.first_unit
    """,
    # every unit a retired order touched, opened by its first allocation; those opened more
    # than 20 days ago retired at their registry in a batch per month
    """
    CREATE TEMP TABLE us ON COMMIT DROP AS
    SELECT lot_k, idx, min(at) AS opened_at
    FROM og, generate_series(g0 / 1000000, (g1 - 1) / 1000000) AS idx
    GROUP BY lot_k, idx
    """,
    """
    INSERT INTO registry_retirements (standard, registry_ref, retired_on, note, created_at)
    SELECT 'CDCER', 'GROWTH-' || m, max(opened_at) + interval '20 days', 'growth benchmark',
           max(opened_at) + interval '20 days'
    FROM (SELECT to_char(opened_at, 'YYYY-MM') AS m, opened_at FROM us
          WHERE opened_at < :t1 - interval '20 days') x
    GROUP BY m
    """,
    """
    INSERT INTO units (lot_id, unit_index, serial, opened_at, retirement_id)
    SELECT m.lot_id, us.idx, m.first_unit + us.idx, us.opened_at, r.id
    FROM us JOIN lots_made m ON m.k = us.lot_k
    LEFT JOIN registry_retirements r ON us.opened_at < :t1 - interval '20 days'
        AND r.standard = 'CDCER' AND r.registry_ref = 'GROWTH-' || to_char(us.opened_at, 'YYYY-MM')
    ORDER BY us.opened_at, m.lot_id, us.idx
    """,
    # reservations and their lines, one per order, ids after the demo's
    "CREATE TEMP TABLE rbase ON COMMIT DROP AS SELECT coalesce(max(id), 0) AS b FROM reservations",
    """
    INSERT INTO reservations (id, mass_g, status, reference, created_at, expires_at, closed_at)
    SELECT b + i, mass_g, status, 'ord_growth' || i, at, at + interval '15 minutes',
           at + CASE status WHEN 'retired' THEN interval '1 minute'
                            WHEN 'cancelled' THEN interval '5 minutes'
                            ELSE interval '15 minutes' END
    FROM o, rbase ORDER BY i
    """,
    "SELECT setval('reservations_id_seq', (SELECT max(id) FROM reservations))",
    """
    INSERT INTO reservation_lines (reservation_id, lot_id, mass_g, price_fen_per_t)
    SELECT b + i, m.lot_id, o.mass_g, m.price FROM o JOIN lots_made m ON m.k = o.lot_k, rbase
    ORDER BY i
    """,
    """
    INSERT INTO allocations (reservation_id, unit_id, gram_start, gram_end, created_at)
    SELECT b + og.i, u.id,
           greatest(og.g0, idx * 1000000) - idx * 1000000,
           least(og.g1, (idx + 1) * 1000000) - idx * 1000000,
           og.at + interval '1 minute'
    FROM og JOIN lots_made m ON m.k = og.lot_k, rbase,
         generate_series(og.g0 / 1000000, (og.g1 - 1) / 1000000) AS idx,
         LATERAL (SELECT id FROM units WHERE lot_id = m.lot_id AND unit_index = idx) u
    ORDER BY og.i, idx
    """,
    # the orders, priced at their lot's price (fen, rounded up), and their certificates
    """
    INSERT INTO orders (id, status, user_id, mass_g, credits_amount, fee_amount, amount, currency,
                        lines, preferences, beneficiary, purpose, note, reservation_id, provider,
                        refund_reason, created_at, updated_at, expires_at, paid_at, retired_at,
                        judicial)
    SELECT 'ord_growth' || i, o.status, gu.user_id, o.mass_g, x.fen, 0, x.fen, 'CNY',
           json_build_array(json_build_object('lot_id', m.lot_id, 'mass_g', o.mass_g,
                                              'price_fen_per_t', m.price))::text,
           '{}', '用户' || o.k, '', '', b + i, 'sandbox', '', at,
           at + interval '1 minute', at + interval '15 minutes',
           CASE WHEN o.status = 'retired' THEN at + interval '1 minute' END,
           CASE WHEN o.status = 'retired' THEN at + interval '1 minute' END, false
    FROM o JOIN gu USING (k) JOIN lots_made m ON m.k = o.lot_k, rbase,
         LATERAL (SELECT (o.mass_g * m.price + 999999) / 1000000 AS fen) x
    ORDER BY i
    """,
    """
    CREATE TEMP TABLE cs ON COMMIT DROP AS
    SELECT og.i, og.mass_g, og.at + interval '1 minute' AS issued_at, gu.user_id, y.year,
           coalesce((SELECT last FROM certificate_counters c WHERE c.year = y.year), 0)
             + row_number() OVER (PARTITION BY y.year ORDER BY og.i) AS seq
    FROM og JOIN gu USING (k),
         LATERAL (SELECT extract(year FROM (og.at + interval '1 minute')
                                 AT TIME ZONE 'Asia/Shanghai')::int AS year) y
    """,
    """
    INSERT INTO certificates (number, year, seq, order_id, reservation_id, beneficiary, purpose,
                              mass_g, issued_at, document, key_id, signature, judicial, status,
                              revoked_reason, revoked_code, user_id, verified_by, verified_for)
    SELECT 'DD-' || year || '-' || lpad(seq::text, 6, '0'), year, seq, 'ord_growth' || i, b + i,
           '用户', '', mass_g, issued_at, '{}', 'growth', 'unsigned (growth benchmark)', false,
           'valid', '', '', user_id, '', ''
    FROM cs, rbase ORDER BY issued_at, i
    """,
    """
    UPDATE orders o SET certificate_number = c.number
    FROM certificates c WHERE c.order_id = o.id AND o.id LIKE 'ord_growth%'
    """,
    """
    INSERT INTO certificate_counters (year, last)
    SELECT year, max(seq) FROM cs GROUP BY year
    ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last
    """,
]


def fill(c: Connection, size: int, seed: float) -> None:
    """N transfers and N orders, set-based, in the caller's transaction."""
    c.execute(text("SET LOCAL work_mem = '256MB'"))
    c.execute(text("SET LOCAL synchronous_commit = off"))
    c.execute(text("SELECT setseed(:s)"), {"s": seed})
    issued = c.execute(
        text("SELECT id FROM point_accounts WHERE kind = 'issued' AND user_id IS NULL")
    ).scalar_one()
    t1 = c.execute(text("SELECT now() - interval '1 hour'")).scalar_one()
    params = {
        "people": max(100, size // 10),
        "actions": math.ceil(size / 1.9),  # earns plus nine in ten confirmed: about N transfers
        "orders": size,
        "issued": issued,
        "phone": PEOPLE_PHONE,
        "t1": t1,
        "t0": c.execute(
            text("SELECT CAST(:t AS timestamptz) - interval '730 days'"), {"t": t1}
        ).scalar_one(),
        "hot": HOT_LOTS,
        "hot_share": HOT_SHARE,
        "lots": LOTS,
        "spare": LOT_SPARE_T,
        "base": SERIAL_BASE,
    }
    for statement in FILL:
        stmt = text(statement)
        c.execute(stmt, {k: v for k, v in params.items() if f":{k}" in statement})


COUNTS = {
    "transfers": "SELECT count(*) FROM point_transfers",
    "orders": "SELECT count(*) FROM orders",
    "allocations": "SELECT count(*) FROM allocations",
    "units": "SELECT count(*) FROM units",
    "certificates": "SELECT count(*) FROM certificates",
    "people": "SELECT count(*) FROM users",
}


# --- measuring ----------------------------------------------------------------------------------


def timed(work: Callable[[], None], samples: int, budget: float) -> Row:
    """`work` repeated `samples` times or until `budget` seconds have passed (at least 5)."""
    work()  # warm: the first call pays for imports, caches and plans
    out: list[float] = []
    began = time.perf_counter()
    while len(out) < samples and (len(out) < 5 or time.perf_counter() - began < budget):
        t0 = time.perf_counter()
        work()
        out.append((time.perf_counter() - t0) * 1000)
    return Row(pct(out, 50), pct(out, 99), len(out))


def get(port: int, path: str, token: str | None = None) -> Callable[[], None]:
    def run() -> None:
        with Client(port, token) as client:
            answer = client.send("GET", path)
        if answer.status != 200:
            raise SystemExit(f"GET {path} -> {answer.status}: {answer.sample()}")

    return run


def page_cursor(port: int, page: int) -> str:
    """The cursor of `/ledger` page `page` (50 a page), following next_cursor from page 1."""
    cursor = ""
    with Client(port) as client:
        for _ in range(page - 1):
            path = "/api/v1/ledger" + (f"?cursor={cursor}" if cursor else "")
            nxt = client.call("GET", path)["next_cursor"]
            if nxt is None:
                raise SystemExit(f"/ledger has fewer than {page} pages")
            cursor = nxt
    return cursor


def last_line(output: str) -> str:
    """The command's last line that is not a log record."""
    lines = [x for x in output.strip().splitlines() if " WARNING " not in x]
    return lines[-1][:300] if lines else ""


def check_times(url: str) -> dict[str, Row]:
    """The database work of `flask credits check` and `flask points check`, timed in this process
    (the commands' own start-up, seconds on a loaded machine, left out): one run each; and, where
    the code has it, the worker's refresh of the `/stats` snapshot, which the server then reads."""
    os.environ.update(DATABASE_URL=url, SECRET_KEY=os.urandom(16).hex(), LOG_LEVEL="WARNING")
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="dd-growth-"))
    if str(ROOT) not in sys.path:  # this checkout's backend, as the server (cwd) runs it
        sys.path.insert(0, str(ROOT))
    from backend.app import create_app
    from backend.core import uow
    from backend.core.clock import utcnow
    from backend.credits import checks
    from backend.points import ledger

    app = create_app()
    out = {}
    with app.app_context():
        days = app.config["REGISTRY_RETIREMENT_DAYS"]

        def credits_check(s: Session) -> tuple[list[str], list[str]]:
            return checks.violations(s), checks.overdue(s, days=days, now=utcnow())

        for key, run in (("credits_check", credits_check), ("points_check", ledger.violations)):
            with uow.transaction(write=False) as s:
                began = time.perf_counter()
                found = run(s)
                out[key] = Row((time.perf_counter() - began) * 1000, math.nan, 1)
            if any(found):
                raise SystemExit(f"{key}: {found}")
        from backend.certificates import services

        if hasattr(services, "refresh_stats"):  # the worker's job (after issue 25's growth part)
            with uow.transaction() as s:
                began = time.perf_counter()
                services.refresh_stats(s)
                out["stats_refresh"] = Row((time.perf_counter() - began) * 1000, math.nan, 1)
    return out


def measure(size: int, args: argparse.Namespace) -> SizeResult:
    with server(args.workers, args.threads) as (port, url):
        engine = create_engine(sqlalchemy_url(url))
        t0 = time.perf_counter()
        with engine.begin() as c:
            fill(c, size, args.seed)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
        fill_s = time.perf_counter() - t0
        with engine.connect() as c:
            counts = {k: int(c.execute(text(q)).scalar_one()) for k, q in COUNTS.items()}
        res = SizeResult(size, fill_s, counts)
        print(f"\n{size:,}: filled in {fill_s:.0f} s: {counts}", flush=True)
        for name in ("credits", "points"):
            rc, out, err = flask(url, name, "check")
            res.checks[f"{name} check (filled)"] = (rc, last_line(out + err))
            print(f"  flask {name} check: exit {rc}", flush=True)
        res.rows.update(check_times(url))

        people = max(100, size // 10)
        typical = sign_in(port, f"{PEOPLE_PHONE}{max(1, people // 2):08d}")
        hot = sign_in(port, f"{PEOPLE_PHONE}{1:08d}")
        buyer = sign_in(port, FLOW_USER)
        with engine.connect() as c:
            ids = list(
                c.execute(
                    text("SELECT id FROM orders ORDER BY random() LIMIT :n"), {"n": args.samples}
                ).scalars()
            )
        raw = engine.raw_connection()
        cur = raw.cursor()
        picks = iter(ids * 3)

        def sql_pk() -> None:
            cur.execute("SELECT * FROM orders WHERE id = %s", (next(picks),))
            cur.fetchall()

        def one_flow() -> None:
            with Client(port, buyer) as client:
                flow(client)

        cursor100 = page_cursor(port, 100)
        s, b = args.samples, args.budget
        res.rows["healthz"] = timed(get(port, "/healthz"), s, b)
        res.rows["sql_pk"] = timed(sql_pk, s, b)
        res.rows["wallet"] = timed(get(port, "/api/v1/wallet", typical), s, b)
        res.rows["wallet_hot"] = timed(get(port, "/api/v1/wallet", hot), s, b)
        res.rows["flow"] = timed(one_flow, args.flows, b)
        res.rows["ledger_1"] = timed(get(port, "/api/v1/ledger"), s, b)
        res.rows["ledger_100"] = timed(get(port, f"/api/v1/ledger?cursor={cursor100}"), s, b)
        res.rows["stats"] = timed(get(port, "/api/v1/stats"), s, b)
        raw.close()
        for key, row in res.rows.items():
            print(f"  {key:14} p50 {row.p50:9.2f} ms  p99 {row.p99:9.2f} ms  ({row.n})", flush=True)
        for name in ("credits", "points"):
            rc, out, err = flask(url, name, "check")
            res.checks[f"{name} check (after)"] = (rc, last_line(out + err))
        engine.dispose()
    return res


# --- output -------------------------------------------------------------------------------------


def table(results: list[SizeResult]) -> str:
    head = "| measured | " + " | ".join(f"{r.size:,} p50 / p99 ms" for r in results)
    lines = [head + " | p50 largest ÷ smallest |", "| --- |" + " ---: |" * (len(results) + 1)]
    for key, label in MEASURES:
        cells = []
        for r in results:
            row = r.rows.get(key)
            if row is None:
                cells.append("")
            elif math.isnan(row.p99):
                cells.append(f"{row.p50:,.0f}")
            else:
                cells.append(f"{row.p50:,.2f} / {row.p99:,.2f}")
        first, last = results[0].rows.get(key), results[-1].rows.get(key)
        ratio = f"{last.p50 / first.p50:.2f}" if first and last and first.p50 else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(lines)


def plot(results: list[SizeResult], path: Path) -> str:
    try:
        import matplotlib  # type: ignore[import-not-found,unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "matplotlib is not importable in this virtualenv: no plot (the table is above)"
    sizes = [r.size for r in results]
    fig, ax = plt.subplots(figsize=(9, 6))
    for key, label in MEASURES:
        ys = [r.rows[key].p50 if key in r.rows else math.nan for r in results]
        ax.plot(sizes, ys, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ledger transfers and orders")
    ax.set_ylabel("p50 ms")
    ax.legend(fontsize=7)
    fig.savefig(path, dpi=100)
    return f"plot: {path}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated N")
    ap.add_argument("--samples", type=int, default=200, help="requests per read")
    ap.add_argument("--flows", type=int, default=60, help="order flows per size")
    ap.add_argument("--budget", type=float, default=20, help="seconds per read at most")
    ap.add_argument("--seed", type=float, default=0.25, help="PostgreSQL setseed for the fill")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    ap.add_argument("--json", default="growth.json", help="where to write the results")
    ap.add_argument("--png", default="growth.png", help="where to write the plot")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    random.seed(args.seed)
    sizes = [int(float(x)) for x in args.sizes.split(",")]
    results = []
    for size in sizes:
        results.append(measure(size, args))
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1))
    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} × {args.threads}; one client at a time; "
        f"up to {args.samples} requests per read ({args.flows} flows) or {args.budget:g} s\n"
    )
    print(table(results))
    print()
    for r in results:
        fills = ", ".join(f"{k} {v:,}" for k, v in r.counts.items())
        print(f"{r.size:,}: fill {r.fill_s:.0f} s ({fills})")
        for what, (rc, out) in r.checks.items():
            print(f"  {what}: exit {rc}: {out.splitlines()[-1] if out else ''}")
    print(plot(results, Path(args.png)))
    if any(rc for r in results for rc, _ in r.checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
