"""Reservations + retirements per second on PostgreSQL with 32 concurrent clients, against the raw
hot-row UPDATE rate measured by this script on the same database.

Goal (issue "Credit inventory"): >= 0.5 of the raw rate on one hot lot.
Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from harness import database_url, sqlalchemy_url
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from backend.core import uow
from backend.core.db import make_engine
from backend.core.migrate import upgrade
from backend.credits import checks, inventory
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import GRAMS_PER_TONNE, Project, ProjectType, Standard

RAW = (
    "UPDATE lots SET available_g = available_g - 1, reserved_g = reserved_g + 1 "
    "WHERE id = %s AND available_g > 0"
)


def timed(
    clients: int, start_at: float, seconds: float, work: Callable[[int], Callable[[], None]]
) -> int:
    """Operations done by `clients` threads, each looping over its own `work(i)` from the wall
    time `start_at` for `seconds` (every process starts together)."""
    steps = [work(i) for i in range(clients)]
    time.sleep(max(0.0, start_at - time.time()))
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    errors: list[BaseException] = []

    def loop(i: int) -> None:
        step = steps[i]
        try:
            while time.perf_counter() < stop:
                step()
                counts[i] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} clients failed, first: {errors[0]!r}")
    return sum(counts)


def run_process(job: tuple[str, str, int, float, float, int, list[int], int, int]) -> int:
    """One client process: `threads` clients of workload `kind`; returns operations done."""
    kind, url, threads, start_at, seconds, offset, projects, hot_lot, mass_g = job
    if kind == "raw":

        def raw(_: int) -> Callable[[], None]:
            conn = psycopg.connect(
                url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
            )
            return lambda: conn.execute(RAW, (hot_lot,)).close()

        return timed(threads, start_at, seconds, raw)
    engine = make_engine(sqlalchemy_url(url), pool_size=threads + 2, max_overflow=0)
    factory = sessionmaker(engine, expire_on_commit=False)

    def work(i: int) -> Callable[[], None]:
        s: Session = factory()
        pid = projects[0] if kind == "hot" else projects[(offset + i) % len(projects)]
        prefs = inventory.Preferences(project_ids=(pid,))

        def cycle() -> None:
            with uow.transaction(s):
                held = inventory.hold(s, prefs, mass_g)
            with uow.transaction(s):
                inventory.allocate(s, held.id)

        return cycle

    return timed(threads, start_at, seconds, work)


def rate(kind: str, url: str, args: argparse.Namespace, projects: list[int], hot_lot: int) -> float:
    """Operations per second of `kind` spread over the client processes."""
    per = args.clients // args.processes
    start_at = time.time() + 5  # time for every process to start and connect
    jobs = [
        (kind, url, per, start_at, args.seconds, p * per, projects, hot_lot, args.mass_g)
        for p in range(args.processes)
    ]
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        return sum(pool.map(run_process, jobs)) / args.seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--lots", type=int, default=64)
    ap.add_argument("--mass-g", type=int, default=250_000)
    ap.add_argument(
        "--processes",
        type=int,
        default=4,
        help="client processes sharing the clients (Python threads share one GIL)",
    )
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    url = database_url(Path(tempfile.mkdtemp()))
    upgrade(sqlalchemy_url(url))
    engine = make_engine(sqlalchemy_url(url), pool_size=args.clients + 4, max_overflow=0)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        projects = []
        for i in range(args.lots):
            p = Project(
                standard=Standard.CCER,
                registry_id=f"B-{i}",
                name_zh="基准",
                name_en="bench",
                type=ProjectType.hydro,
                methodology="m",
                country="CN",
                province="CN-SC",
            )
            s.add(p)
            s.flush()
            s.add(
                new_lot(
                    p,
                    LotFields(
                        vintage=2020,
                        first_unit=i * 10_000_000,
                        last_unit=i * 10_000_000 + 9_999_999,
                        serial_range="b",
                        acquisition_cost_fen=0,
                        price_fen_per_t=100,
                    ),
                )
            )
            projects.append(p.id)
        s.commit()
        hot_lot = s.scalars(text("SELECT id FROM lots ORDER BY id LIMIT 1")).one()

    rows = []
    raw_rate = rate("raw", url, args, projects, hot_lot)
    rows.append(("raw hot-row UPDATE (baseline)", raw_rate, raw_rate))
    with engine.begin() as conn:  # undo the baseline's grams so the lot adds up again
        conn.execute(
            text(
                "UPDATE lots SET available_g = available_g + reserved_g, "
                "reserved_g = 0 WHERE id = :id"
            ),
            {"id": hot_lot},
        )
    hot = rate("hot", url, args, projects, hot_lot)
    rows.append(("reserve + retire, one hot lot", hot, 2 * hot))
    spread = rate("spread", url, args, projects, hot_lot)
    rows.append((f"reserve + retire, {min(args.clients, args.lots)} lots", spread, 2 * spread))

    with factory() as s:
        problems = checks.violations(s)
        allocated = s.scalar(text("SELECT sum(allocated_g) FROM lots"))
    print(
        f"\nPostgreSQL, {args.clients} clients in {args.processes} processes, "
        f"{args.seconds:.0f} s per row, {args.mass_g} g per reservation\n"
    )
    print(f"{'workload':36} {'cycles/s':>9} {'ops/s':>9} {'ops vs raw':>11}")
    for label, cycles, ops in rows:
        print(f"{label:36} {cycles:9.0f} {ops:9.0f} {ops / raw_rate:11.2f}")
    print(
        f"\nops = reservations + retirements. Allocated {allocated / GRAMS_PER_TONNE:.1f} t; "
        f"invariant violations after the run: {len(problems)}"
    )
    for problem in problems[:5]:
        print("  " + problem)


if __name__ == "__main__":
    main()
