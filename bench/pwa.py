"""The web app's weight and Lighthouse scores.

1. Gzipped size of what the first load fetches: the JS and CSS that `pwa/dist/index.html` links
   (lazy chunks, such as the QR encoder and the organisation and court desks under
   `assets/staff/`, which the service worker does not precache, are listed apart), and the
   Brotli copy the server actually sends. Goal: first-load JS <= 50 KB gzipped.
2. Lighthouse 12 (`npx lighthouse@12`, mobile emulation, Debian's Chromium via CHROME_PATH) on the
   built app served by gunicorn on a migrated, seeded database: performance, accessibility, best
   practices and SEO for a few pages, each the median of `--runs` runs (5). Goal: 100 each.

Run `make pwa` first. Usage: .venv/bin/python bench/pwa.py [--no-lighthouse] [--pages / /stats]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from harness import ROOT, server

DIST = ROOT / "pwa" / "dist"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("/", "/neutralise/meeting", "/stats")
JS_GOAL_KB = 50.0


def gz_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def br_kb(path: Path) -> float:
    return Path(f"{path}.br").stat().st_size / 1024


def sizes() -> dict[str, list[tuple[str, float]]]:
    """First-load JS and CSS (linked by index.html) and the other chunks, gzipped KB."""
    html = (DIST / "index.html").read_text()
    linked = set(re.findall(r'(?:src|href)="/(assets/[^"]+)"', html))
    out: dict[str, list[tuple[str, float]]] = {"js": [], "css": [], "lazy": []}
    built = (DIST / "assets").rglob("*")
    # the .br/.gz beside each file are the same bytes compressed (what the server sends)
    for f in sorted(p for p in built if p.is_file() and p.suffix not in (".br", ".gz")):
        rel = f.relative_to(DIST).as_posix()
        kind = "lazy" if rel not in linked else ("js" if f.suffix == ".js" else "css")
        out[kind].append((rel, gz_kb(f)))
    out["sw"] = [("sw.js", gz_kb(DIST / "sw.js"))]
    return out


def lighthouse(url: str, chrome: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                "npx",
                "--yes",
                "lighthouse@12",
                url,
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
                "--chrome-flags=--headless=new --no-sandbox",
                "--quiet",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
            check=True,
            capture_output=True,
        )
        cats = json.loads(report.read_text())["categories"]
    return {c: round(cats[c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-lighthouse", action="store_true")
    ap.add_argument("--pages", nargs="+", default=list(PAGES))
    ap.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (median shown)")
    args = ap.parse_args()
    if not (DIST / "index.html").is_file():
        raise SystemExit("pwa/dist is not built: run `make pwa` first")

    s = sizes()
    js = sum(kb for _, kb in s["js"])
    css = sum(kb for _, kb in s["css"])
    print("| first load (gzipped) | KB |\n| --- | ---: |")
    print(f"| JS ({len(s['js'])} file) | {js:.1f} |")
    print(f"| CSS ({len(s['css'])} file) | {css:.1f} |")
    sent = sum(br_kb(DIST / name) for name, _ in s["js"])
    print(f"| JS as sent (the build's Brotli copy) | {sent:.1f} |")
    for name, kb in s["lazy"]:
        print(f"| lazy: {name} | {kb:.1f} |")
    print(f"| service worker (installed after load) | {s['sw'][0][1]:.1f} |")
    print(f"\nFirst-load JS {js:.1f} KB: {'meets' if js <= JS_GOAL_KB else 'MISSES'} the goal")

    if args.no_lighthouse:
        return
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    print(
        f"\nMedian of {args.runs} runs (lowest–highest): Lighthouse's simulated throttling scales"
    )
    print("the CPU time it observes, so one run moves with the machine's load.")
    print("\n| page | " + " | ".join(CATEGORIES) + " |")
    print("| --- |" + " ---: |" * len(CATEGORIES))
    with server(workers=2, threads=4) as (port, _):
        for page in args.pages:
            runs = [lighthouse(f"http://127.0.0.1:{port}{page}", chrome) for _ in range(args.runs)]
            cells = []
            for c in CATEGORIES:
                got = sorted(r[c] for r in runs)
                cells.append(f"{statistics.median_low(got)} ({got[0]}–{got[-1]})")
            print(f"| `{page}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
