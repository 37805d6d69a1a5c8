"""Cost of authentication on a real gunicorn server, against baselines from the same run.

Baselines: `GET /healthz` (a trivial Flask endpoint on the same server) for HTTP, and the bearer
token lookup as one raw SQL statement on the same database.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from harness import Client, pct, server, sqlalchemy_url
from sqlalchemy import create_engine, text


def load(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    total: int,
    workers: int,
    body_fn=None,
) -> tuple[float, list[float]]:
    """Run `total` requests over `workers` keep-alive connections; (req/s, latencies in ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per = total // workers

    def worker(wid: int) -> None:
        mine = []
        with Client(port) as client:
            for i in range(per):
                t0 = time.perf_counter()
                answer = client.send(method, path, body_fn(wid, i) if body_fn else None, headers)
                mine.append((time.perf_counter() - t0) * 1000)
                if answer.status >= 400:
                    raise SystemExit(f"{method} {path} -> {answer.status}: {answer.body[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()

    with server() as (port, url), Client(port) as admin:
        token = admin.sign_in("+8613800138002")
        auth = {"Authorization": f"Bearer {token}"}
        org_id = admin.call("GET", "/api/v1/me")["organisations"][0]["organisation"]["id"]
        made = admin.call(
            "POST",
            f"/api/v1/organisations/{org_id}/api-keys",
            {"name": "bench", "scopes": ["organisation:read"]},
        )
        key = {"Authorization": f"Bearer {made['key']}"}

        cases = [
            ("GET /healthz (baseline)", "GET", "/healthz", {}, None),
            ("GET /api/v1/me (token)", "GET", "/api/v1/me", auth, None),
            (
                "GET /organisations/{id} (API key)",
                "GET",
                f"/api/v1/organisations/{org_id}",
                key,
                None,
            ),
            (
                "POST /auth/codes (write)",
                "POST",
                "/api/v1/auth/codes",
                {},
                lambda w, i: {"phone": f"+86139{w:02d}{i:06d}"},
            ),
        ]
        rows = []
        for label, method, path, headers, body_fn in cases:
            load(port, method, path, headers, args.concurrency * 20, args.concurrency, body_fn)
            rps, lat = load(port, method, path, headers, args.requests, args.concurrency, body_fn)
            rows.append(
                (
                    label,
                    rps,
                    statistics.median(lat),
                    pct(lat, 95, "exclusive"),
                    pct(lat, 99, "exclusive"),
                )
            )

        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as c:
            q = text(
                "SELECT t.id, u.id FROM access_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = :h"
            )
            h = c.execute(text("SELECT token_hash FROM access_tokens LIMIT 1")).scalar_one()
            for _ in range(200):
                c.execute(q, {"h": h}).all()
            t0 = time.perf_counter()
            n = 2000
            for _ in range(n):
                c.execute(q, {"h": h}).all()
            sql_ms = (time.perf_counter() - t0) * 1000 / n

    base_rps, base_p50 = rows[0][1], rows[0][2]
    dialect = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\n{dialect}, gunicorn gthread 2 workers × 4 threads, {args.concurrency} client "
        f"connections, {args.requests} requests per row\n"
    )
    print(
        f"{'endpoint':38} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'rps vs base':>12} {'p50 vs base':>12}"
    )
    for label, rps, p50, p95, p99 in rows:
        print(
            f"{label:38} {rps:8.0f} {p50:8.2f} {p95:8.2f} {p99:8.2f} "
            f"{rps / base_rps:12.2f} {p50 / base_p50:12.2f}"
        )
    print(f"\nraw SQL token lookup (same database, one connection): {sql_ms:.3f} ms/query")


if __name__ == "__main__":
    main()
