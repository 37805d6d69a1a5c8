"""Cost of authentication on a real gunicorn server, against baselines from the same run.

Baselines: `GET /healthz` (a trivial Flask endpoint on the same server) for HTTP, and the bearer
token lookup as one raw SQL statement on the same database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time

from harness import server, sqlalchemy_url
from sqlalchemy import create_engine, text


def call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, object] | None = None,
) -> tuple[int, bytes]:
    payload = json.dumps(body) if body is not None else None
    hdrs = {**headers, **({"Content-Type": "application/json"} if body is not None else {})}
    conn.request(method, path, body=payload, headers=hdrs)
    resp = conn.getresponse()
    return resp.status, resp.read()


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
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for i in range(per):
            t0 = time.perf_counter()
            status, data = call(conn, method, path, headers, body_fn(wid, i) if body_fn else None)
            mine.append((time.perf_counter() - t0) * 1000)
            if status >= 400:
                raise SystemExit(f"{method} {path} -> {status}: {data[:200]!r}")
        conn.close()
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


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()

    with server() as (port, url):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        phone = "+8613800138002"
        _, body = call(conn, "POST", "/api/v1/auth/codes", {}, {"phone": phone})
        code = json.loads(body)["code"]
        _, body = call(conn, "POST", "/api/v1/auth/tokens", {}, {"phone": phone, "code": code})
        token = json.loads(body)["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        _, body = call(conn, "GET", "/api/v1/me", auth)
        org_id = json.loads(body)["organisations"][0]["organisation"]["id"]
        _, body = call(
            conn,
            "POST",
            f"/api/v1/organisations/{org_id}/api-keys",
            auth,
            {"name": "bench", "scopes": ["organisation:read"]},
        )
        key = {"Authorization": f"Bearer {json.loads(body)['key']}"}

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
            rows.append((label, rps, statistics.median(lat), pct(lat, 95), pct(lat, 99)))

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
