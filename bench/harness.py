"""Shared by the benchmarks: a migrated database, a gunicorn server, an HTTP client, and wrk."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def database_url(tmp: Path) -> str:
    """BENCH_DATABASE_URL (PostgreSQL, rebuilt) or a SQLite file in `tmp`."""
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        engine = create_engine(sqlalchemy_url(url))
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    return url


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepared(prefix: str, workers: int, threads: int) -> tuple[Path, str, dict[str, str]]:
    """A temp directory, a migrated and seeded database in it (or BENCH_DATABASE_URL), and the
    environment to serve it with: (directory, database URL, env)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    url = database_url(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp),
        "FLASK_APP": "backend.app",
        "RATELIMIT_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    for cmd in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([BIN / "flask", *cmd], env=env, check=True, cwd=ROOT, capture_output=True)
    return tmp, url, env


@contextmanager
def server(workers: int = 2, threads: int = 4) -> Iterator[tuple[int, str]]:
    """A migrated, seeded database and gunicorn on it; yields (port, database URL)."""
    tmp, url, env = prepared("dd-bench-", workers, threads)
    port = free_port()
    proc = subprocess.Popen(
        [
            BIN / "gunicorn",
            "backend.app:create_app()",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(port)
        yield port, url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: the results are in, do not lose them
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def wait_ready(port: int, tries: int = 150) -> bool:
    """Whether `GET /healthz` answered 200 on `port` within `tries` × 0.1 s or so."""
    for _ in range(tries):
        try:
            with Client(port, timeout=1) as probe:
                if probe.send("GET", "/healthz").status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def flask(url: str, *args: str) -> tuple[int, str, str]:
    """`flask <args>` against the benchmark database: (exit code, stdout, stderr)."""
    instance = tempfile.mkdtemp(prefix="dd-bench-check-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": instance,
        "FLASK_APP": "backend.app",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.urandom(16).hex(),  # no development secret file, no warning about it
    }
    done = subprocess.run([BIN / "flask", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    shutil.rmtree(instance, ignore_errors=True)
    return done.returncode, done.stdout, done.stderr


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def slug(self) -> str:
        """The problem type's last segment ("" when the body is not a problem)."""
        try:
            return str(json.loads(self.body).get("type", "")).rsplit("/", 1)[-1]
        except (ValueError, AttributeError):
            return ""

    def sample(self, size: int = 300) -> str:
        return self.body[:size].decode(errors="replace")


class Client:
    """One keep-alive connection to the benchmark server: JSON in and out, and a bearer token
    once `token` is set (or `sign_in` ran). Open one per unit of work whose connection use the
    measurement depends on (a flow, three requests, one request)."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.token = token

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request, whatever its answer. `body` goes as JSON unless it is bytes (sent as
        they are); `headers` are added last, so they may replace the token."""
        hdrs = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = body
        if body is not None and not isinstance(body, bytes):
            payload = json.dumps(body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        self.conn.request(method, path, body=payload, headers=hdrs)
        resp = self.conn.getresponse()
        return Answer(resp.status, resp.read())

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        expect: Container[int] = range(200, 300),
    ) -> Any:
        """The JSON answer of a request that must succeed; any other status ends the run."""
        answer = self.send(method, path, body, headers)
        if answer.status not in expect:
            raise SystemExit(f"{method} {path} -> {answer.status}: {answer.body[:300]!r}")
        return answer.json()

    def sign_in(self, phone: str) -> str:
        """A bearer token through the sandbox API (the code comes back in its answer), used by
        this client from now on; a new account accepts the terms and privacy policy in force."""
        self.token = None
        from backend.accounts import legal  # the texts in force, for a new account

        code = self.call("POST", "/api/v1/auth/codes", {"phone": phone}, expect={202})["code"]
        accept = [{"document": d.value, "version": legal.version(d)} for d in legal.REQUIRED]
        body = {"phone": phone, "code": code, "accept": accept}
        self.token = str(
            self.call("POST", "/api/v1/auth/tokens", body, expect={201})["access_token"]
        )
        return self.token


def sign_in(port: int, phone: str) -> str:
    """A sandbox bearer token for `phone`, on a connection of its own."""
    with Client(port) as client:
        return client.sign_in(phone)


def pct(values: list[float], q: int, method: str = "inclusive") -> float:
    """The `q`th percentile (the one value when there is one, NaN when there is none)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method=method)[q - 1]  # type: ignore[arg-type]


# --- wrk ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text_value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text_value)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(
    port: int,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
) -> WrkResult:
    """Run wrk (Debian package `wrk`) against one path; POST when a body is given. Without wrk
    (or with BENCH_LOADGEN=python), the same load from `pyload`: keep-alive connections in client
    processes of this interpreter (slower than wrk, so it caps the baseline sooner; say which one
    ran)."""
    if shutil.which("wrk") is None or os.environ.get("BENCH_LOADGEN") == "python":
        return pyload(
            port, path, body=body, headers=headers, seconds=seconds, connections=connections
        )
    lines = []
    if body is not None:
        lines += [
            'wrk.method = "POST"',
            f"wrk.body = [==[{body}]==]",
            'wrk.headers["Content-Type"] = "application/json"',
        ]
    for k, v in (headers or {}).items():
        lines.append(f'wrk.headers["{k}"] = "{v}"')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        rps,
        _ms(p50.group(1)) if p50 else float("nan"),
        _ms(p99.group(1)) if p99 else float("nan"),
        int(non2xx.group(1)) if non2xx else 0,
    )


def _pyload_process(
    job: tuple[int, str, bytes | None, dict[str, str], int, float, float],
) -> tuple[int, int, list[float]]:
    """One client process of `pyload`: `conns` threads, each one keep-alive connection sending the
    same request until `t1`: (answers, non-2xx, latencies in ms)."""
    import threading

    port, path, body, headers, conns, t0, t1 = job
    method = "GET" if body is None else "POST"
    done, bad, lock = [0], [0], threading.Lock()
    lat: list[float] = []

    def loop() -> None:
        mine: list[float] = []
        n = errors = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        time.sleep(max(0.0, t0 - time.time()))
        while time.time() < t1:
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = 200 <= resp.status < 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - began) * 1000)
            n += 1
            errors += not ok
        conn.close()
        with lock:
            done[0] += n
            bad[0] += errors
            lat.extend(mine)

    pool = [threading.Thread(target=loop) for _ in range(conns)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done[0], bad[0], lat


def pyload(
    port: int,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 16,
    processes: int = 4,
) -> WrkResult:
    """wrk's measurement without wrk: `connections` keep-alive connections spread over
    `processes` client processes, each sending the same request for `seconds`."""
    import multiprocessing

    hdrs = dict(headers or {})
    payload = None
    if body is not None:
        payload = body.encode()
        hdrs.setdefault("Content-Type", "application/json")
    t0 = time.time() + 1.5  # the processes start (spawn) before the window opens
    t1 = t0 + seconds
    per = [connections // processes + (i < connections % processes) for i in range(processes)]
    jobs = [(port, path, payload, hdrs, n, t0, t1) for n in per if n]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(_pyload_process, jobs)
    total = sum(p[0] for p in parts)
    errors = sum(p[1] for p in parts)
    lat = [x for p in parts for x in p[2]]
    return WrkResult(total / seconds, pct(lat, 50), pct(lat, 99), errors)


OPERATOR = "+8613800138000"  # the demo seed's operator


def enrol_partner(port: int, key_name: str) -> tuple[int, str, str]:
    """The operator signs in, makes a company, gives it a `points:report` API key and enrols it
    as a points partner: (organisation id, API key, signing secret)."""
    with Client(port) as op:
        op.sign_in(OPERATOR)
        org = op.call("POST", "/api/v1/organisations", {"name": "成都地铁", "kind": "company"})
        key = op.call(
            "POST",
            f"/api/v1/organisations/{org['id']}/api-keys",
            {"name": key_name, "scopes": ["points:report"]},
        )["key"]
        secret = op.call("POST", f"/api/v1/organisations/{org['id']}/points-partner", {})
        # the partner's company sponsors the points it reports: ¥10,000,000 of them
        op.call("POST", f"/api/v1/organisations/{org['id']}/sponsor", {})
        funding = {"amount_fen": 10**9, "memo": "bench"}
        op.call("POST", f"/api/v1/organisations/{org['id']}/sponsor/fundings", funding)
    return org["id"], key, secret["secret"]
