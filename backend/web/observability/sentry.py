"""Sentry, switched on by `SENTRY_DSN`: errors of the web app, the worker and commands.

Events come from exceptions Flask does not handle and from ERROR log records (the app logs
every unexpected error and every failed job), so a `LOG_LEVEL` above ERROR mutes them.

No personal data leaves: `NO_PERSONAL_DATA` is sentry-sdk's `data_collection` (which
supersedes `send_default_pii=False`, deprecated since 2.76) turned down further: no user or IP
address, no cookies, no request bodies (phone numbers, beneficiaries' names), no query
strings, only harmless headers, and no local variables in stack frames. Tracing stays off.
An event carries its request id as a tag, so a problem's `request_id` finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sentry_sdk
from flask import g, has_request_context
from sentry_sdk.integrations.flask import FlaskIntegration

from backend.core.config import Config

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions

SAFE_HEADERS = ["accept", "content-type", "content-length", "host", "user-agent", "x-request-id"]
NO_PERSONAL_DATA: DataCollectionUserOptions = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": SAFE_HEADERS}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def init(cfg: Config, **overrides: Any) -> bool:
    """Start the SDK when a DSN is configured; `overrides` reach `sentry_sdk.init` (tests pass a
    transport). Returns whether it started."""
    if not cfg.SENTRY_DSN:
        return False
    sentry_sdk.init(
        dsn=cfg.SENTRY_DSN,
        environment=cfg.SENTRY_ENVIRONMENT or ("sandbox" if cfg.SANDBOX else "live"),
        release=cfg.SENTRY_RELEASE or None,
        integrations=[FlaskIntegration()],
        data_collection=NO_PERSONAL_DATA,
        before_send=tag_request_id,
        **overrides,
    )
    return True


def tag_request_id(event: Any, _hint: Any) -> Any:
    """Tag an event with its request's id, the one the client was shown (`X-Request-ID`)."""
    if has_request_context() and "request_id" in g:
        event.setdefault("tags", {})["request_id"] = g.request_id
    return event
