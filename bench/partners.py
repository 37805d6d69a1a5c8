"""WeChat callbacks handled per second on gunicorn + PostgreSQL, in plaintext mode and in safe mode
(`POST /api/v1/partners/wechat/{account}`: a linked follower sends 积分, each with a new MsgId so
the dedup row is written and the wallet read every time), against `GET /healthz` on the same
server from the same client processes.

Goal (issue 8, WeChat): each mode >= 0.4 of the /healthz rate.
Needs BENCH_DATABASE_URL (PostgreSQL; its public schema is dropped and rebuilt). The server runs
with RATELIMIT_ENABLED=0 (set by harness.server).

Set-up through the API: the demo operator creates a company and links an official account (a
random token and EncodingAESKey); the follower sends 积分 once, gets the link, and the demo
citizen (+8613800138005) links it with POST /me/wechat-links. Clients sign (and in safe mode
encrypt) every message as WeChat does, and check every reply: it must be the wallet text (in safe
mode: decrypted, its signature and appid checked). Afterwards the number of handled-message rows
must equal the replies the clients got: each message acted on once.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import multiprocessing
import os
import re
import secrets
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from harness import server, sqlalchemy_url
from sqlalchemy import create_engine, text

from backend.partners.wechat.crypto import MessageCrypt, signature

OPERATOR = "+8613800138000"
CITIZEN = "+8613800138005"
OPENID = "o_bench_follower"
ORIGINAL_ID = "gh_bench"
APPID = "wx" + "b" * 16
WALLET_REPLY = "我的碳积分"
LABELS = {
    "healthz": "GET /healthz (baseline)",
    "plain": "POST callback, plaintext mode (积分)",
    "safe": "POST callback, safe mode (积分)",
    "healthz again": "GET /healthz again (drift check)",
}


@dataclass(frozen=True)
class Account:
    slug: str
    token: str
    aes_key: str


@dataclass
class Stats:
    window: float = 0.0
    done: int = 0  # good answers inside the window
    ok_total: int = 0  # good callback answers, warm-up included (handled-message rows)
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Stats) -> None:
        self.window = max(self.window, other.window)
        self.done += other.done
        self.ok_total += other.ok_total
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        for key, sample in other.samples.items():
            self.samples.setdefault(key, sample)


def message(msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[积分]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def signed_request(account: Account, mode: str, msg_id: int) -> tuple[str, bytes]:
    """The path and body WeChat would send."""
    ts, nonce = str(int(time.time())), str(secrets.randbelow(10**9))
    query = {"timestamp": ts, "nonce": nonce, "openid": OPENID}
    query["signature"] = signature(account.token, ts, nonce)
    body = message(msg_id)
    if mode == "safe":
        encrypted = MessageCrypt(account.aes_key, APPID).encrypt(body)
        query |= {
            "encrypt_type": "aes",
            "msg_signature": signature(account.token, ts, nonce, encrypted),
        }
        body = (
            f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
    return f"/api/v1/partners/wechat/{account.slug}?{urlencode(query)}", body.encode()


def check_reply(account: Account, mode: str, raw: bytes) -> bool:
    """The reply is the wallet text (safe mode: opened after checking its signature)."""
    reply = raw.decode()
    if mode == "safe":
        found = dict(re.findall(r"<(\w+)>(?:<!\[CDATA\[)?([^<\]]*)", reply))
        expected = signature(account.token, found["TimeStamp"], found["Nonce"], found["Encrypt"])
        if found.get("MsgSignature") != expected:
            return False
        reply = MessageCrypt(account.aes_key, APPID).decrypt(found["Encrypt"])
    return WALLET_REPLY in reply


def run_process(job: tuple[str, int, Account, int, int, float, float, float]) -> Stats:  # noqa: C901
    """One client process: `threads` clients, each sending 3 requests per connection."""
    mode, port, account, threads, process, start_at, warmup, seconds = job
    t0, t1 = start_at + warmup, start_at + warmup + seconds
    stats, lock = Stats(window=seconds), threading.Lock()

    def client(i: int) -> None:
        mine = Stats()
        ids = itertools.count((process * 100 + i) * 10**12 + int(start_at) % 10**6 * 10**6)
        while time.time() < t1:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(3):
                if mode == "healthz":
                    method, path, body = "GET", "/healthz", b""
                else:
                    method = "POST"
                    path, body = signed_request(account, mode, next(ids))
                began = time.perf_counter()
                try:
                    conn.request(method, path, body=body or None)
                    resp = conn.getresponse()
                    raw = resp.read()
                    good = resp.status == 200 and (
                        mode == "healthz" or check_reply(account, mode, raw)
                    )
                    err = "" if good else f"HTTP {resp.status}"
                except Exception as exc:  # counted, not fatal
                    good, err, raw = False, type(exc).__name__, str(exc).encode()
                ms = (time.perf_counter() - began) * 1000
                end = time.time()
                if good and mode != "healthz":
                    mine.ok_total += 1
                if t0 <= end <= t1:
                    mine.latencies.append(ms)
                    if good:
                        mine.done += 1
                    else:
                        mine.errors[err] += 1
                        mine.samples.setdefault(err, raw[:200].decode(errors="replace"))
                if not good:
                    break
            conn.close()
        with lock:
            stats.merge(mine)

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return stats


def load(mode: str, port: int, account: Account, args: argparse.Namespace, seconds: float) -> Stats:
    start_at = time.time() + 2
    per = max(1, args.clients // args.processes)
    jobs = [
        (mode, port, account, per, p, start_at, args.warmup, seconds) for p in range(args.processes)
    ]
    total = Stats()
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        for part in pool.map(run_process, jobs):
            total.merge(part)
    return total


def call(
    port: int, method: str, path: str, body: Any, token: str | None = None, raw: bool = False
) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if raw else json.dumps(body).encode()
    if not raw:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    out = resp.read()
    conn.close()
    if not 200 <= resp.status < 300:
        raise SystemExit(f"{method} {path} -> {resp.status}: {out[:300]!r}")
    return out if raw else json.loads(out)


def sign_in(port: int, phone: str) -> str:
    code = call(port, "POST", "/api/v1/auth/codes", {"phone": phone})["code"]
    done = call(port, "POST", "/api/v1/auth/tokens", {"phone": phone, "code": code})
    return str(done["access_token"])


def linked_account(port: int) -> Account:
    """A company's official account, and the demo citizen linked as its follower."""
    op = sign_in(port, OPERATOR)
    org = call(
        port, "POST", "/api/v1/organisations", {"name": "点点测试公司", "kind": "company"}, op
    )
    account = Account("", secrets.token_hex(8), base64.b64encode(os.urandom(32)).decode()[:43])
    body = {
        "appid": APPID,
        "token": account.token,
        "encoding_aes_key": account.aes_key,
        "name": "点点测试服务号",
    }
    made = call(port, "POST", f"/api/v1/organisations/{org['id']}/wechat-accounts", body, op)
    account = Account(made["id"], account.token, account.aes_key)
    path, msg = signed_request(account, "plain", 1)
    reply = call(port, "POST", path, msg, raw=True).decode()
    token = re.search(r"token=([^\"&]+)", reply).group(1)  # type: ignore[union-attr]
    call(port, "POST", "/api/v1/me/wechat-links", {"token": token}, sign_in(port, CITIZEN))
    return account


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=10, help="measured window per row")
    ap.add_argument("--warmup", type=float, default=2, help="requests before the window opens")
    ap.add_argument("--clients", type=int, default=16, help="concurrent clients")
    ap.add_argument("--processes", type=int, default=4, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = ap.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database")

    load_before = os.getloadavg()
    with server(args.workers, args.threads) as (port, url):
        account = linked_account(port)
        results = {
            row: load(row.split()[0], port, account, args, args.seconds)
            for row in ("healthz", "plain", "safe", "healthz again")
        }
        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as c:
            rows = int(c.execute(text("SELECT count(*) FROM wechat_messages")).scalar_one())
        engine.dispose()
    load_after = os.getloadavg()

    base = results["healthz"].done / results["healthz"].window
    print(
        f"\nPostgreSQL; gunicorn gthread {args.workers} workers × {args.threads} threads, "
        f"RATELIMIT_ENABLED=0; {args.clients} clients in {args.processes} processes, 3 requests "
        f"per connection; {args.seconds:g} s measured after {args.warmup:g} s warm-up per row; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}\n"
    )
    print("| measured | per s | p50 ms | p99 ms | errors | vs /healthz | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row, stats in results.items():
        per_s = stats.done / stats.window
        met = "met" if per_s / base >= 0.4 else "MISSED"
        goal = f"{met} (0.4)" if row in {"plain", "safe"} else ""
        print(
            f"| {LABELS[row]} | {per_s:.0f} | {pct(stats.latencies, 50):.2f} "
            f"| {pct(stats.latencies, 99):.2f} | {sum(stats.errors.values())} "
            f"| {per_s / base:.2f} | {goal} |"
        )
    errors = Counter[str]()
    for stats in results.values():
        errors.update(stats.errors)
    for what, n in errors.most_common():
        sample = next(s.samples[what] for s in results.values() if what in s.samples)
        print(f"  {what:20} {n:7d}  e.g. {sample[:160]}")
    answered = 1 + results["plain"].ok_total + results["safe"].ok_total  # + the set-up 积分
    ok = rows == answered
    print(
        f"\nHandled-message rows {rows}, good callback answers (set-up included) {answered} "
        f"-> {'OK: each acted on once' if ok else 'VIOLATED'}"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
