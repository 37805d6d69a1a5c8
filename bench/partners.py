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
import itertools
import multiprocessing
import os
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from harness import OPERATOR, Client, pct, server, sqlalchemy_url
from sqlalchemy import create_engine, text

from backend.partners.wechat.crypto import MessageCrypt, signature

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

    def record(self, good: bool, ms: float, err: str, raw: bytes) -> None:
        self.latencies.append(ms)
        if good:
            self.done += 1
        else:
            self.errors[err] += 1
            self.samples.setdefault(err, raw[:200].decode(errors="replace"))


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


def prepared(account: Account, mode: str, ids: Iterator[int]) -> tuple[str, str, bytes]:
    """The method, path and body of the next request of `mode` (a callback, or `/healthz`)."""
    if mode == "healthz":
        return "GET", "/healthz", b""
    path, body = signed_request(account, mode, next(ids))
    return "POST", path, body


def exchange(
    client: Client, account: Account, mode: str, request: tuple[str, str, bytes]
) -> tuple[bool, str, bytes]:
    """Send a prepared request and check its answer: (good, error, body)."""
    method, path, body = request
    try:
        answer = client.send(method, path, body or None)
        good = answer.status == 200 and (
            mode == "healthz" or check_reply(account, mode, answer.body)
        )
    except Exception as exc:  # counted, not fatal
        return False, type(exc).__name__, str(exc).encode()
    return good, "" if good else f"HTTP {answer.status}", answer.body


def client_loop(job: tuple[str, int, Account], ids: Iterator[int], t0: float, t1: float) -> Stats:
    """One client: 3 requests per connection until `t1`; what ends in [t0, t1] counts."""
    mode, port, account = job
    mine = Stats()
    while time.time() < t1:
        with Client(port) as client:
            for _ in range(3):
                request = prepared(account, mode, ids)
                began = time.perf_counter()
                good, err, raw = exchange(client, account, mode, request)
                ms = (time.perf_counter() - began) * 1000
                if good and mode != "healthz":
                    mine.ok_total += 1
                if t0 <= time.time() <= t1:
                    mine.record(good, ms, err, raw)
                if not good:
                    break
    return mine


def run_process(job: tuple[str, int, Account, int, int, float, float, float]) -> Stats:
    """One client process: `threads` clients, each sending 3 requests per connection."""
    mode, port, account, threads, process, start_at, warmup, seconds = job
    t0, t1 = start_at + warmup, start_at + warmup + seconds
    stats, lock = Stats(window=seconds), threading.Lock()

    def client(i: int) -> None:
        ids = itertools.count((process * 100 + i) * 10**12 + int(start_at) % 10**6 * 10**6)
        mine = client_loop((mode, port, account), ids, t0, t1)
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


def linked_account(port: int) -> Account:
    """A company's official account, and the demo citizen linked as its follower."""
    with Client(port) as op:
        op.sign_in(OPERATOR)
        org = op.call("POST", "/api/v1/organisations", {"name": "点点测试公司", "kind": "company"})
        account = Account("", secrets.token_hex(8), base64.b64encode(os.urandom(32)).decode()[:43])
        body = {
            "appid": APPID,
            "token": account.token,
            "encoding_aes_key": account.aes_key,
            "name": "点点测试服务号",
        }
        made = op.call("POST", f"/api/v1/organisations/{org['id']}/wechat-accounts", body)
    account = Account(made["id"], account.token, account.aes_key)
    path, msg = signed_request(account, "plain", 1)
    with Client(port) as wechat:
        answer = wechat.send("POST", path, msg)
    if answer.status != 200:
        raise SystemExit(f"POST {path} -> {answer.status}: {answer.body[:300]!r}")
    token = re.search(r"token=([^\"&]+)", answer.body.decode()).group(1)  # type: ignore[union-attr]
    with Client(port) as citizen:
        citizen.sign_in(CITIZEN)
        citizen.call("POST", "/api/v1/me/wechat-links", {"token": token})
    return account


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
