"""Phone numbers: read as E.164, and masked for everyone but their owner."""

from __future__ import annotations

import phonenumbers

from backend.core.errors import ValidationFailed

DEFAULT_REGION = "CN"
TAIL = 4  # digits a masked number keeps at its end
HIDDEN_AT_LEAST = 3


def normalise_phone(raw: str, field: str = "phone") -> str:
    """E.164 form of a phone number; numbers without `+` are read as mainland China."""
    try:
        parsed = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(field, "accounts.phone_unreadable") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(field, "accounts.phone_invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """`+86 139****0001`: the country code, up to three leading and the last four digits.

    At least three digits are always hidden, whatever the number's length.
    """
    parsed = phonenumbers.parse(e164)
    national = phonenumbers.national_significant_number(parsed)
    head = max(0, min(3, len(national) - TAIL - HIDDEN_AT_LEAST))
    hidden = max(HIDDEN_AT_LEAST, len(national) - head - TAIL)
    return f"+{parsed.country_code} {national[:head]}{'*' * hidden}{national[-TAIL:]}"
