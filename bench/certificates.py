"""Certificate PNGs: how long the first render takes, how fast a cached PNG is served, and what
rendering does to a trivial endpoint's latency on the same server.

1. In process: `render_png` at 1240 px on fresh views (a new name, number and verify URL each
   time, so no per-certificate cache helps), p50/p99 after warm-up, and the cold first call in
   a fresh interpreter (fonts loaded, the width's layer built). Goal: <= 20 ms. Also the QR's
   version and module size at each width (goal: version <= 10 at M, to scan printed 2.5 cm
   wide), and the PNG's size and encoding time at each zlib level, on the same page.
2. Through gunicorn: `GET /api/v1/certificates/{number}.png?size=1240`, already rendered and
   cached, against `GET /healthz` on the same server and with the same clients. Goal: >= 0.8.
3. `GET /healthz` p99 while 4 clients have certificates rendered: `bench/render.py`.

Certificates come from sandbox orders (footprint -> order -> confirm), as in orders.py.
Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt) for 2;
`--render-only` runs 1 alone, without a database. 1 renders in this process
(CERTIFICATE_RENDER_PROCESSES=0), the server as configured by default.
"""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256, sha512
from typing import Any

import qrcode  # type: ignore[import-untyped]
from harness import ROOT, Answer, Client, pct, server, sign_in, wrk

from backend.certificates import claims, render
from backend.certificates.view import (
    CertificateStatus,
    CertificateView,
    CreditLine,
    RegistryStatus,
)
from backend.footprint.purpose import Purpose, PurposeKind
from backend.imaging import qr

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}
BASE = "https://diandian.example"


# --- 1. in process ------------------------------------------------------------------------------


def typical_view(i: int) -> CertificateView:
    """A certificate like the sandbox issues: one or two credit lines, its QR the compact
    signed claim (a 189-character URL)."""
    credits: tuple[CreditLine, ...] = (
        CreditLine(
            "CCER",
            "川西林盘生态碳汇项目",
            "Chuanxi Linpan Ecological Carbon Sink",
            "forestry",
            "四川",
            2021,
            f"{100_234 + i}–{100_236 + i}",
            198_330,
            RegistryStatus.pending,
        ),
    )
    if i % 2:
        credits += (
            CreditLine(
                "CDCER",
                "碳惠天府·熊猫栖息地保护",
                "Tanhui Tianfu · Panda Habitat Protection",
                "forestry",
                "四川",
                2023,
                f"{500_011 + i}",
                1_000,
                RegistryStatus.retired,
                "REF-1",
            ),
        )
    mass = sum(c.mass_g for c in credits)
    claim = claims.Compact(
        2026,
        i,
        mass,
        date(2026, 5, 17),
        claims.key_tag("k2026"),
        sha256(b"doc%d" % i).digest()[:16],
    )
    signature = sha512(b"signature %d" % i).digest()  # 64 bytes, like an Ed25519 signature
    code = claims.check_code(signature)
    return CertificateView(
        number=f"DD-2026-{i:06d}",
        status=CertificateStatus.valid,
        beneficiary=f"张三{i}",
        purpose=Purpose(PurposeKind.meeting, "2026 成都碳中和论坛"),
        footprint_mass_g=198_330,
        mass_g=mass,
        issued_on=date(2026, 5, 17),
        issuer="点点碳中和服务 Diandian Carbon Neutral Service",
        credits=credits,
        verify_url=f"{BASE}/verify/{claims.encode(claim, signature)}",
        check_code=code,
        lookup_url=f"{BASE}/verify/{claim.number}?k={code}",
    )


COLD = """
import time, sys
t0 = time.perf_counter()
from backend.certificates import render
t1 = time.perf_counter()
sys.path.insert(0, {bench!r})
from certificates import typical_view
first, second = typical_view(0), typical_view(1)
t2 = time.perf_counter()
render.render_png(first, {width})
t3 = time.perf_counter()
render.render_png(second, {width})
t4 = time.perf_counter()
print((t1 - t0) * 1000, (t3 - t2) * 1000, (t4 - t3) * 1000)
"""


def cold(width: int) -> tuple[float, float, float]:
    """(import ms, first render ms, second render ms) in a fresh interpreter."""
    code = COLD.format(bench=str(ROOT / "bench"), width=width)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def in_process(renders: int) -> None:
    os.environ[render.RENDER_PROCESSES_ENV] = "0"  # here, and in cold()'s interpreter
    print(f"\n### 1. First render, in process ({renders} fresh views per width)\n")
    print(
        "| width | cold import ms | cold first render ms | second ms | p50 ms | p99 ms "
        "| PNG KiB | goal |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    start = 1000
    for width in (600, 1240, 2480):
        imp, first, second = cold(width)
        for i in range(20):  # warm-up: fonts, layer, text masks of the recurring strings
            render.render_png(typical_view(i), width)
        times, sizes = [], []
        for i in range(start, start + renders):
            view = typical_view(i)
            t0 = time.perf_counter()
            png = render.render_png(view, width)
            times.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(png))
        start += renders
        goal = "<= 20 ms" if width == 1240 else ""
        print(
            f"| {width} | {imp:.0f} | {first:.0f} | {second:.1f} | {pct(times, 50):.1f} "
            f"| {pct(times, 99):.1f} | {statistics.median(sizes) / 1024:.0f} | {goal} |"
        )
    qr_sizes()
    compression()


def qr_sizes() -> None:
    """The QR each width draws: its version, correction level and module size, on screen and
    printed on A4; and the version at M, printed 2.5 cm wide (goal: version <= 10)."""
    view = typical_view(7)
    url = view.verify_url
    at_m = qr.version(url, qrcode.constants.ERROR_CORRECT_M)
    modules = at_m * 4 + 17
    print(f"\n#### The QR code ({len(url)}-character URL)\n")
    print("| width | level | version | modules | module px | module mm on A4 |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for width in (600, 1240, 2480):
        c = render.compose(view, width)
        mm = c.qr_module * render.A4_WIDTH_IN * 25.4 / width
        n = c.qr_version * 4 + 17
        print(f"| {width} | {c.qr_level} | {c.qr_version} | {n} | {c.qr_module} | {mm:.2f} |")
    small = 25 / (modules + 2 * qr.QUIET)
    goal = "ok" if at_m <= qr.MAX_VERSION else "too dense"
    print(
        f"\nAt error correction M: version {at_m} ({modules} modules); printed 2.5 cm wide with "
        f"its quiet zone, a module is {small:.2f} mm. Goal: version <= {qr.MAX_VERSION} ({goal})."
    )


def compression() -> None:
    """PNG size and encoding time of one typical 1240 px page at each zlib level."""
    from PIL import Image

    page = render.page(typical_view(7), 1240)
    rgb = page.convert("RGB")
    print("\n#### PNG encoding of the same 1240 px page\n")
    print("| encoding | KiB | ms (best of 5) |")
    print("| --- | ---: | ---: |")
    options: list[tuple[str, Image.Image, dict[str, Any]]] = [
        (f"palette, compress_level={lvl}", page, {"compress_level": lvl}) for lvl in range(1, 10)
    ]
    options += [
        ("palette, optimize=True", page, {"optimize": True}),
        ("RGB, compress_level=1", rgb, {"compress_level": 1}),
        ("RGB, compress_level=6", rgb, {"compress_level": 6}),
    ]
    for label, image, kw in options:
        best, size = float("inf"), 0
        for _ in range(5):
            buf = io.BytesIO()
            t0 = time.perf_counter()
            image.save(buf, "PNG", **kw)
            best = min(best, (time.perf_counter() - t0) * 1000)
            size = len(buf.getvalue())
        mark = " (used)" if kw.get("compress_level") == render.PNG_COMPRESS_LEVEL else ""
        if image is rgb:
            mark = ""
        print(f"| {label}{mark} | {size / 1024:.0f} | {best:.1f} |")


# --- through gunicorn ---------------------------------------------------------------------------


def issue(client: Client, beneficiary: str) -> str:
    """A sandbox order for a meeting footprint, confirmed; its certificate's image path, with
    the check code anyone holding the link needs (`/api/v1/certificates/{number}.png?k=…`)."""
    fp = client.call("POST", "/api/v1/footprints", MEETING, expect={201})
    order = client.call(
        "POST",
        "/api/v1/orders",
        {"footprint_id": fp["id"], "beneficiary": beneficiary},
        {"Idempotency-Key": str(uuid.uuid4())},
        expect={200, 201},
    )
    paid = client.call("POST", f"/api/v1/orders/{order['id']}/confirm", {}, expect={200})
    number = paid.get("certificate_number")
    if not number:
        number = (
            client.send("GET", f"/api/v1/orders/{order['id']}").json().get("certificate_number")
        )
    if not number:
        raise SystemExit(f"the confirmed order carries no certificate_number: {paid}")
    png_url: str = client.send("GET", f"/api/v1/certificates/{number}").json()["png_url"]
    return png_url


@dataclass
class Seen:
    done: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def add(self, answer: Answer, ms: float) -> None:
        if answer.status == 200:
            self.done += 1
            self.latencies.append(ms)
            self.bytes += len(answer.body)
        else:
            self.error(str(answer.status))

    def error(self, name: str) -> None:
        self.errors[name] = self.errors.get(name, 0) + 1

    def merge(self, other: Seen) -> None:
        self.done += other.done
        self.latencies += other.latencies
        self.bytes += other.bytes
        for k, v in other.errors.items():
            self.errors[k] = self.errors.get(k, 0) + v


def clients(job: tuple[int, list[str], int, float, float, float]) -> Seen:
    """One client process: `threads` threads, each looping over new connections carrying 3
    GETs of its paths (round robin) from `start_at`; what completes in the window counts."""
    port, paths, threads, start_at, warmup, seconds = job
    t0, t1 = start_at + warmup, start_at + warmup + seconds
    total = Seen()
    lock = threading.Lock()

    def loop(k: int) -> None:
        mine = Seen()
        i = k
        while time.time() < t1:
            try:
                with Client(port) as client:
                    for _ in range(3):
                        path = paths[i % len(paths)]
                        i += 1
                        began = time.perf_counter()
                        answer = client.send("GET", path)
                        ms = (time.perf_counter() - began) * 1000
                        if t0 <= time.time() <= t1:
                            mine.add(answer, ms)
            except (OSError, http.client.HTTPException) as exc:
                mine.error(type(exc).__name__)
        with lock:
            total.merge(mine)

    time.sleep(max(0.0, start_at - time.time()))
    workers = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return total


def load(
    port: int, paths: list[str], processes: int, threads: int, warmup: float, seconds: float
) -> Seen:
    start_at = time.time() + 2
    jobs = [(port, paths, threads, start_at, warmup, seconds) for _ in range(processes)]
    total = Seen()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for part in pool.map(clients, jobs):
            total.merge(part)
    return total


def probe(job: tuple[int, float, float, float]) -> list[float]:
    """`GET /healthz` one at a time, a new connection each, every `gap` s; latencies in ms."""
    port, start_at, seconds, gap = job
    time.sleep(max(0.0, start_at - time.time()))
    out = []
    end = start_at + seconds
    while time.time() < end:
        with Client(port) as client:
            began = time.perf_counter()
            status = client.send("GET", "/healthz").status
            out.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise SystemExit(f"/healthz -> {status}")
        time.sleep(gap)
    return out


def served(args: argparse.Namespace) -> None:
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database (or --render-only)")
    os.environ.pop(render.RENDER_PROCESSES_ENV, None)  # the server's default
    with server(args.workers, args.threads) as (port, _url):
        cached(port, certificates(port, args.certificates), args)
    print("\n/healthz while certificates render: bench/render.py.")


def certificates(port: int, count: int) -> list[str]:
    token = sign_in(port, "+8613900000001")
    t0 = time.perf_counter()
    numbers = []
    for i in range(count):
        with Client(port, token) as client:
            numbers.append(issue(client, f"成都碳中和论坛参会者{i}"))
    print(
        f"\n{len(numbers)} certificates issued through sandbox orders in "
        f"{time.perf_counter() - t0:.1f} s ({numbers[0]} …)"
    )
    return numbers


def cached(port: int, numbers: list[str], args: argparse.Namespace) -> None:
    """2: cached PNGs against /healthz, with the same clients."""
    png_paths = [f"{png}&size=1240" for png in numbers]
    for path in png_paths:  # render and cache each, in both workers
        for _ in range(4):
            with Client(port, timeout=60) as client:
                answer = client.send("GET", path)
            if answer.status != 200:
                raise SystemExit(f"GET {path} -> {answer.status}: {answer.body[:300]!r}")
    per = args.clients // args.processes
    base = load(port, ["/healthz"], args.processes, per, 1, args.seconds)
    pngs = load(port, png_paths, args.processes, per, 1, args.seconds)
    base_wrk = png_wrk = None
    if shutil.which("wrk"):
        secs = max(1, round(args.seconds))
        base_wrk = wrk(port, "/healthz", seconds=secs, connections=args.clients)
        png_wrk = wrk(port, png_paths[0], seconds=secs, connections=args.clients)
    print(
        f"\n### 2. Cached PNG (1240 px) against GET /healthz; gunicorn {args.workers} workers × "
        f"{args.threads} threads; {args.clients} Python clients in {args.processes} processes, "
        f"a new connection every 3 requests; {args.seconds:g} s each\n"
    )
    print("| measured | req/s | p50 ms | p99 ms | MiB/s | errors | ratio to /healthz |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base_rps = base.done / args.seconds
    for label, seen in (
        ("GET /healthz, Python clients", base),
        ("GET /api/v1/certificates/{n}.png, cached, Python clients", pngs),
    ):
        rps = seen.done / args.seconds
        print(
            f"| {label} | {rps:.0f} | {pct(seen.latencies, 50):.2f} | "
            f"{pct(seen.latencies, 99):.2f} | {seen.bytes / args.seconds / 2**20:.1f} | "
            f"{sum(seen.errors.values())} | {rps / base_rps:.2f} |"
        )
    if base_wrk and png_wrk:
        for label, r, size in (
            ("GET /healthz, wrk", base_wrk, 0),
            ("cached PNG, wrk", png_wrk, pngs.bytes / max(1, pngs.done)),
        ):
            print(
                f"| {label} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
                f"| {r.rps * size / 2**20:.1f} | {r.errors} | {r.rps / base_wrk.rps:.2f} |"
            )
    if pngs.errors or base.errors:
        print(f"\nerrors: /healthz {base.errors}, PNG {pngs.errors}")
    print("\nGoal: cached PNG ÷ /healthz >= 0.8.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--renders", type=int, default=200, help="fresh renders per width (1)")
    ap.add_argument("--render-only", action="store_true", help="only 1, no server")
    ap.add_argument("--certificates", type=int, default=8, help="issued for 2 and 3")
    ap.add_argument("--seconds", type=float, default=8, help="each measured window (2, 3)")
    ap.add_argument("--clients", type=int, default=16, help="Python clients for 2")
    ap.add_argument("--processes", type=int, default=4, help="client processes for 2")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    in_process(args.renders)
    if not args.render_only:
        served(args)


if __name__ == "__main__":
    main()
