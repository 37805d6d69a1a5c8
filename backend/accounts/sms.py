"""Delivering sign-in codes: the sender `SMS_PROVIDER` names.

`sandbox` writes the code to the log (sandbox mode only: live mode refuses it); `aliyun` and
`tencent` text it through the vendor's official SDK (`sms_aliyun`, `sms_tencent`). A vendor's
failure is a 502 or 503 problem (`sms_vendor`) that rolls the request back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Sends a sign-in code to a phone, or raises `SmsProviderError` / `SmsUnavailable`."""

    def send_code(self, phone: str, code: str) -> None: ...


class SandboxSms:
    """Sandbox mode: the code is written to the log instead of being texted."""

    def send_code(self, phone: str, code: str) -> None:
        log.info("SANDBOX sign-in code for %s: %s", phone, code)


def sender_for(config: Mapping[str, Any]) -> SmsSender:
    """The sender `config["SMS_PROVIDER"]` names, with its settings (`Config.finalise` checked
    that they are all there). A vendor's SDK is imported only once chosen: Aliyun's takes half
    a second, which every process would pay."""
    provider = config["SMS_PROVIDER"]
    if provider == "sandbox":
        return SandboxSms()
    if provider == "aliyun":
        from backend.accounts.sms_aliyun import AliyunSms

        return AliyunSms(config)
    if provider == "tencent":
        from backend.accounts.sms_tencent import TencentSms

        return TencentSms(config)
    raise ValueError(f"unknown SMS_PROVIDER {provider!r}")
