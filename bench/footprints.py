"""POST /api/v1/footprints through gunicorn, against GET /healthz on the same server and config.

Goal (issue 25): meeting footprints at >= 0.4 of the trivial endpoint's requests/s.
Uses wrk (`apt-get install wrk`) when installed, else the harness's Python client (`pyload`).
BENCH_DATABASE_URL selects PostgreSQL; default is SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

from harness import server, wrk

CASES = [
    ("meeting: 50 people, 1 day, Chengdu", {"kind": "meeting", "meeting": {"attendees": 50}}),
    (
        "meeting: full inputs",
        {
            "kind": "meeting",
            "meeting": {
                "attendees": 200,
                "days": 2,
                "city": "成都",
                "out_of_town_attendees": 60,
                "out_of_town_origin": "北京",
                "out_of_town_mode": "flight",
                "venue": {"kwh": "1800", "green_share": "0.3"},
                "meals": {"vegan": 100, "vegetarian": 300, "meat": 800},
                "printed_pages": 2000,
                "waste_kg": "150",
            },
        },
    ),
    (
        "flight: CTU→PEK return",
        {
            "kind": "flight",
            "flight": {"from": "CTU", "to": "PEK", "round_trip": True, "passengers": 2},
        },
    ),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    rows = []
    load_before = os.getloadavg()
    with server() as (port, url):
        wrk(port, "/healthz", seconds=2, connections=args.connections)  # warm up
        base = wrk(port, "/healthz", seconds=args.seconds, connections=args.connections)
        rows.append(("GET /healthz (baseline)", base))
        for label, body in CASES:
            wrk(
                port,
                "/api/v1/footprints",
                body=json.dumps(body),
                seconds=2,
                connections=args.connections,
            )
            res = wrk(
                port,
                "/api/v1/footprints",
                body=json.dumps(body),
                seconds=args.seconds,
                connections=args.connections,
            )
            rows.append((f"POST {label}", res))
    load_after = os.getloadavg()
    dialect = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    python = shutil.which("wrk") is None or os.environ.get("BENCH_LOADGEN") == "python"
    client = "Python client (harness.pyload), 4 processes" if python else "wrk 2 threads"
    print(
        f"\n{dialect}; gunicorn gthread 2 workers × 4 threads; {client}, "
        f"{args.connections} connections, {args.seconds} s per row; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}\n"
    )
    print(f"{'request':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}")
    for label, r in rows:
        print(
            f"{label:44} {r.rps:8.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d} "
            f"{r.rps / base.rps:6.2f}"
        )


if __name__ == "__main__":
    main()
