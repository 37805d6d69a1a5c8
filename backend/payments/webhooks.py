"""Handling a provider's webhook: verify, skip events already handled, re-fetch the payment
from the provider (never trust the event body), then settle what that record implies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import NotFound
from backend.orders import settlement
from backend.payments.models import ProviderEvent

HANDLED = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "charge.refunded",
    }
)


def receive(
    s: Session, ctx: settlement.Context, name: str, payload: bytes, headers: dict[str, str]
) -> str:
    """Returns "processed", "duplicate" or "ignored" (unknown events get a 200 too)."""
    provider = ctx.provider
    if provider.name != name:
        raise NotFound(f"{name} is not the configured payment provider.")
    event = provider.verify_webhook(payload, headers)
    seen = s.scalar(
        select(ProviderEvent.event_id).where(
            ProviderEvent.provider == name, ProviderEvent.event_id == event.id
        )
    )
    s.rollback()
    if seen is not None:
        return "duplicate"
    handled = event.type in HANDLED and event.reference is not None
    if handled and event.reference is not None:
        settlement.sync(s, ctx, event.reference)
    s.execute(
        upsert(s, ProviderEvent)
        .values(
            provider=name,
            event_id=event.id,
            type=event.type[:80],
            object_ref=(event.reference or "")[:100],
            received_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    s.commit()
    return "processed" if handled else "ignored"
