"""Opaque keyset-pagination cursors: the (timestamp, id) of the last row of a page."""

from __future__ import annotations

import base64
from datetime import datetime

from backend.errors import ValidationFailed


def encode(at: datetime, row_id: object) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, str]:
    """(timestamp, id as text); a 422 naming `cursor` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, row_id = raw.split("|", 1)
        return datetime.fromisoformat(at), row_id
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "Not a cursor from this API.") from None
