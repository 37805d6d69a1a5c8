"""What a footprint is calculated from (a validated request) and what it says (its document,
frozen when it is created)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.footprint.calc import DefaultUsed, Result
from backend.footprint.models import Kind
from backend.footprint.standards import Standard


@dataclass(frozen=True)
class FootprintRequest:
    """A validated request: the section of its kind, and the inputs as received (stored, so the
    footprint can be replayed)."""

    kind: Kind
    section: dict[str, Any]
    inputs: dict[str, Any]
    factor_set: str | None = None
    organisation_id: int | None = None
    standard: str | None = None


@dataclass(frozen=True)
class Document:
    """A footprint as the API shows it: dumped once, by FootprintSchema, and stored."""

    id: str
    kind: Kind
    name: str
    mass_g: int
    factor_set: str
    standard: Standard
    inputs: dict[str, Any]
    user_id: int | None
    organisation_id: int | None
    created_at: datetime
    breakdown: Result
    comparisons: dict[str, int]

    @property
    def defaults(self) -> list[DefaultUsed]:
        return self.breakdown.defaults_used

    @property
    def trail(self) -> list[dict[str, Any]]:
        return self.breakdown.trail()
