"""Handling a payment provider's webhook: verify, skip events already handled, re-fetch the
payment from the provider (never trust the event body), then settle the order that record
implies. It lives with the orders it settles; payments below only verify and fetch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import NotFound
from backend.orders import settlement
from backend.payments.models import ProviderEvent
from backend.payments.provider import PaymentProvider

HANDLED = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "charge.refunded",
    }
)


@dataclass(frozen=True)
class Ack:
    """The answer to the provider: `outcome` is processed, duplicate or ignored."""

    outcome: str
    received: bool = True


def receive(
    s: Session,
    rails: Mapping[str, PaymentProvider],
    name: str,
    payload: bytes,
    headers: dict[str, str],
) -> Ack:
    """Unknown events get a 200 too (`ignored`), so the provider stops sending them."""
    provider = rails.get(name)
    if provider is None:
        raise NotFound("orders.provider_not_configured", params={"provider": name})
    event = provider.verify_webhook(payload, headers)
    if seen(s, name, event.id):
        return Ack("duplicate")
    handled = event.type in HANDLED and event.reference is not None
    if handled and event.reference is not None:
        settlement.sync(s, provider, event.reference)
    record(s, name, [(event.id, event.type, event.reference or "")])
    return Ack("processed" if handled else "ignored")


def seen(s: Session, provider: str, event_id: str) -> bool:
    """Whether the provider's event (or nonce) `event_id` was handled before."""
    found = s.scalar(
        select(ProviderEvent.event_id).where(
            ProviderEvent.provider == provider, ProviderEvent.event_id == event_id
        )
    )
    return found is not None


def record(s: Session, provider: str, events: list[tuple[str, str, str]]) -> None:
    """Note events as handled: (event id, type, what it concerns)."""
    now = utcnow()
    s.execute(
        upsert(s, ProviderEvent).on_conflict_do_nothing(),
        [
            {
                "provider": provider,
                "event_id": event_id,
                "type": kind[:80],
                "object_ref": ref[:100],
                "received_at": now,
            }
            for event_id, kind, ref in events
        ],
    )
