"""Gunicorn settings shared by `make run` and the Procfile (read from the working directory)."""

import glob
import os
from typing import Any

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threads, not gevent: certificate rendering is CPU-bound.
worker_class = "gthread"
# Rate limits live in the worker's memory unless Redis is configured: one worker keeps them exact.
_shared_limits = bool(os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2" if _shared_limits else "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus multiprocess mode (docs/observability.md): with PROMETHEUS_MULTIPROC_DIR set, each
# worker writes its samples to files there and `/metrics` merges them.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server: object) -> None:
    """Start from an empty metrics directory: samples of a previous run would be merged in."""
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for stale in glob.glob(os.path.join(_metrics_dir, "*.db")):
            os.remove(stale)


def child_exit(server: object, worker: Any) -> None:
    """Drop a dead worker's live gauges (its counters and histograms stay in the sums)."""
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
