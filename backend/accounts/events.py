"""What accounts tell the domains above them (published in the transaction of the change)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.core.events.bus import Event


@dataclass(frozen=True, kw_only=True)
class AccountDeleted(Event):
    """A person deleted their account. Published before accounts erases its own rows, so each
    domain's inline handler still finds what it holds on them (by `user_id`) and erases,
    anonymises or unlinks it in the same transaction."""

    type = "account.deleted"
    user_id: int
