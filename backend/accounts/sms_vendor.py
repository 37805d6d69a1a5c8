"""What the vendors' SMS senders share: their two failures, the timeout, and logs that show a
phone only masked and never the code.

A refusal the vendor answers (a rate limit such as `isv.BUSINESS_LIMIT_CONTROL` or
`LimitExceeded.PhoneNumberDailyLimit`, a template or sign name not approved, a bad key) is a 502
`sms-provider-error` naming the vendor's code; a vendor that cannot be reached, times out or
answers a server error is a 503 `sms-unavailable`. Either propagates out of `request_code`, so
the route's transaction rolls back and the code is not stored.
"""

from __future__ import annotations

import logging
import re

from backend.accounts.phones import mask_phone
from backend.core.errors import DomainError
from backend.core.messages import Coded

log = logging.getLogger(__name__)

# Our choice: a person waits on the sign-in screen for this answer.
TIMEOUT_SECONDS = 10
NAMES = {"aliyun": "Aliyun SMS", "tencent": "Tencent Cloud SMS"}  # in logs
VENDORS = {"aliyun": "accounts.vendor.aliyun", "tencent": "accounts.vendor.tencent"}  # to people

# At DEBUG these log request lines and bodies, which carry the phone and the code.
for _sdk_logger in ("urllib3.connectionpool", "darabonba-core", "tencentcloud_sdk_common"):
    logging.getLogger(_sdk_logger).setLevel(logging.INFO)


class SmsProviderError(DomainError):
    status, slug, title = 502, "sms-provider-error", "The SMS provider refused to send the code"


class SmsUnavailable(DomainError):
    status, slug, title = 503, "sms-unavailable", "The SMS provider could not be reached"


def refused(provider: str, phone: str, code: str, message: str) -> SmsProviderError:
    """Log the vendor's refusal (its message without numbers) and make the 502."""
    scrubbed = re.sub(r"\+?\d{6,}", "***", message or "")
    log.warning(
        "%s refused a code for %s: %s %s", NAMES[provider], mask_phone(phone), code, scrubbed
    )
    return SmsProviderError(
        "accounts.sms_refused",
        params={"vendor": Coded(VENDORS[provider]), "reason": code},
        provider=provider,
        provider_code=code,
    )


def unreachable(provider: str, phone: str, exc: BaseException) -> SmsUnavailable:
    """Log which failure kept the vendor out of reach (never its text: an SDK's error quotes the
    URL, where the phone and code may be) and make the 503."""
    log.warning(
        "%s could not be reached for %s: %s", NAMES[provider], mask_phone(phone), _first(exc)
    )
    return SmsUnavailable(
        "accounts.sms_unreachable", params={"vendor": Coded(VENDORS[provider])}, provider=provider
    )


def sent(provider: str, phone: str, reference: str) -> None:
    log.info("%s accepted a code for %s (%s)", NAMES[provider], mask_phone(phone), reference)


def _first(exc: BaseException) -> str:
    """The name of the failure the SDK wrapped (a refused connection, a timeout)."""
    seen = {id(exc)}
    while True:
        inner = getattr(exc, "inner_exception", None) or exc.__cause__ or exc.__context__
        if not isinstance(inner, BaseException) or id(inner) in seen:
            return type(exc).__name__
        seen.add(id(inner))
        exc = inner
