"""Delivering sign-in codes. Only the sandbox sender exists: it logs the code."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Sends a sign-in code to a phone."""

    def send_code(self, phone: str, code: str) -> None: ...


class SandboxSms:
    """Sandbox mode: the code is written to the log instead of being texted."""

    def send_code(self, phone: str, code: str) -> None:
        log.info("SANDBOX sign-in code for %s: %s", phone, code)


def sender_for(provider: str) -> SmsSender:
    """The sender named by `SMS_PROVIDER`."""
    if provider == "sandbox":
        return SandboxSms()
    raise ValueError(f"unknown SMS_PROVIDER {provider!r}")
