"""The settlement context of the current app: its payment provider and certificate issuer."""

from __future__ import annotations

from backend.certificates import issuers
from backend.orders.settlement import Context
from backend.payments import providers


def current() -> Context:
    return Context(providers.current(), issuers.current())
