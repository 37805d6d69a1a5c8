"""Signed outbound webhooks: endpoints, events, at-least-once delivery from the outbox."""
