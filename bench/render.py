"""`GET /healthz` p99 while four clients have certificate PNGs rendered, against its idle p99 on
the same server, in the default configuration (issue 25, goal: <= 3x).

gunicorn as the harness starts it (2 workers x 4 threads) with no render setting of ours in its
environment, so whatever `backend/certificates/render.py` does by default is what is measured.
Certificates come from sandbox orders (footprint -> order -> confirm, as in orders.py), issued
before the clock starts. Each render request takes the next (certificate, preset width, public
or owner's view) of a shuffled list no other request uses, so every one is a real render (the
owner sees the certificate in full, a different image from the public one). A 503 is counted and
the client waits its `Retry-After`, as a careful client would.

First `--warm` renders one at a time (the fonts, the widths' layers, the render processes if
any). Then each run: a prober (`GET /healthz`, a new connection each, one every `--probe-gap`
s) alone for `--seconds`, then the same prober while `--renderers` clients render (they start
`--lead` s earlier). Runs alternate idle and busy windows; the table has one row per run and
the median ratio.

Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import statistics
import threading
import time
from typing import Any

from certificates import Seen, issue, probe
from harness import Client, pct, server, sign_in

PRESETS = (600, 1240, 2480)  # the widths the API offers (the PWA asks for 1240, WeChat 600)
OWNER = "+8613900000001"


def renderers(job: tuple[int, list[tuple[str, int, str | None]], int, float, float]) -> Seen:
    """`count` threads, each taking the next unused (path, width, token) until `end`."""
    port, pairs, count, start_at, end = job
    lock = threading.Lock()
    total = Seen()
    taken = iter(pairs)

    def next_pair() -> tuple[str, int, str | None] | None:
        with lock:
            return next(taken, None)

    def loop() -> None:
        mine = Seen()
        while time.time() < end:
            pair = next_pair()
            if pair is None:
                mine.error("out of certificates")
                break
            path, width, token = pair
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", f"{path}&size={width}", headers=headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                mine.error(type(exc).__name__)
                continue
            finally:
                conn.close()
            ms = (time.perf_counter() - began) * 1000
            if resp.status == 200:
                mine.done += 1
                mine.latencies.append(ms)
                mine.bytes += len(body)
            else:
                mine.error(str(resp.status))
                if resp.status == 503:
                    wait = float(resp.getheader("Retry-After") or 1)
                    time.sleep(max(0.0, min(wait, end - time.time())))
        with lock:
            total.merge(mine)

    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=loop) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total


def issue_many(port: int, count: int) -> tuple[str, list[str]]:
    """`count` certificates of one citizen: (their token, the PNG paths with check codes)."""
    token = sign_in(port, OWNER)
    paths = []
    for i in range(count):
        with Client(port, token) as client:
            paths.append(issue(client, f"成都碳中和论坛参会者{i}"))
    return token, paths


def run_pair(
    port: int, pairs: list[tuple[str, int, str | None]], args: argparse.Namespace
) -> tuple[list[float], list[float], Seen]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        start = time.time() + 1
        idle = pool.apply_async(probe, ((port, start, args.seconds, args.probe_gap),)).get()
        start = time.time() + 1
        busy = pool.apply_async(probe, ((port, start + args.lead, args.seconds, args.probe_gap),))
        end = start + args.lead + args.seconds + 0.5
        work = pool.apply_async(renderers, ((port, pairs, args.renderers, start, end),))
        return idle, busy.get(), work.get()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--certificates", type=int, default=500, help="issued before the runs")
    ap.add_argument("--warm", type=int, default=24, help="renders, one at a time, before the runs")
    ap.add_argument("--runs", type=int, default=3, help="idle/busy pairs")
    ap.add_argument("--seconds", type=float, default=8, help="each probe window")
    ap.add_argument("--lead", type=float, default=2, help="renders before the busy window")
    ap.add_argument("--renderers", type=int, default=4, help="clients rendering")
    ap.add_argument("--probe-gap", type=float, default=0.01, help="s between /healthz probes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")
    rows: list[tuple[list[float], list[float], Seen]] = []
    with server(args.workers, args.threads) as (port, _url):
        t0 = time.perf_counter()
        token, paths = issue_many(port, args.certificates)
        issued = time.perf_counter() - t0
        pairs: list[tuple[str, int, str | None]] = [
            (path, width, who) for path in paths for width in PRESETS for who in (None, token)
        ]
        random.Random(7).shuffle(pairs)  # noqa: S311 (a shuffle, not a secret)
        warm = renderers((port, pairs[: args.warm], 1, time.time(), time.time() + 120))
        pairs = pairs[args.warm :]
        per_run = len(pairs) // args.runs
        for r in range(args.runs):
            rows.append(run_pair(port, pairs[r * per_run : (r + 1) * per_run], args))
    load = os.getloadavg()
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if k.startswith("CERTIFICATE_")}
    print(
        f"\n{args.certificates} certificates issued through sandbox orders in {issued:.1f} s; "
        f"gunicorn {args.workers} x {args.threads} threads; {args.renderers} clients rendering "
        f"widths {', '.join(map(str, PRESETS))} (public and owner's view), each request a new "
        f"image; a /healthz probe every {args.probe_gap * 1000:.0f} ms on a new connection, "
        f"{args.seconds:g} s per window, after {warm.done} renders one at a time; render "
        f"settings from the environment: {env or 'none'}; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
    )
    print(
        "| run | /healthz p50 ms idle -> busy | p99 ms idle -> busy | p99 ratio | renders/s "
        "| render p50 ms | render p99 ms | answers other than 200 |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    ratios = []
    for i, (idle, busy, work) in enumerate(rows, 1):
        ratio = pct(busy, 99) / pct(idle, 99)
        ratios.append(ratio)
        others = ", ".join(f"{k}x{v}" for k, v in sorted(work.errors.items())) or "-"
        print(
            f"| {i} | {pct(idle, 50):.2f} -> {pct(busy, 50):.2f} "
            f"| {pct(idle, 99):.2f} -> {pct(busy, 99):.2f} | {ratio:.2f} "
            f"| {work.done / (args.seconds + args.lead):.1f} | {pct(work.latencies, 50):.0f} "
            f"| {pct(work.latencies, 99):.0f} | {others} |"
        )
    print(f"\n/healthz p99 busy / idle, median of {len(ratios)}: {statistics.median(ratios):.2f}")
    print("Goal: <= 3 x idle.")


if __name__ == "__main__":
    main()
