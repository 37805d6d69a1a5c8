"""Gunicorn settings shared by `make run` and the Procfile (read from the working directory)."""

import os

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
