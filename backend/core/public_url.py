"""Where links and QR codes point: `PUBLIC_BASE_URL`, or, when it is unset (sandbox only: live
mode refuses to start without it), the address the app is served on.

In a request that is the request's own origin (`request.host_url`, so `PORT=8741 make run`
prints links to port 8741 and a phone on the LAN gets the address it used); outside one (a
job in the worker, a command) it is `http://127.0.0.1:$PORT`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, request


def base_url(cfg: Mapping[str, Any] | None = None) -> str:
    """The public origin, without a trailing slash."""
    cfg = current_app.config if cfg is None else cfg
    configured = str(cfg.get("PUBLIC_BASE_URL") or "")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return local_url(cfg)


def local_url(cfg: Mapping[str, Any]) -> str:
    """`http://127.0.0.1:$PORT`: where this machine reaches the app."""
    return f"http://127.0.0.1:{cfg.get('PORT', 8000)}"
