"""The composition root's other half: each domain subscribes its handlers to the events of the
domains below it. Called once by `create_app`; subscribing twice is harmless."""

from __future__ import annotations


def subscribe_handlers() -> None:
    """Register every domain's event handlers with the bus."""
