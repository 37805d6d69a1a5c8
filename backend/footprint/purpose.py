"""What a neutralisation is for, kept structured (kind, name, route) and read in the person's
language: "会议：2026 成都低碳发展论坛", "航班：成都双流 CTU → 北京首都 PEK（往返）".

Orders, certificates and webhooks store `Purpose.as_dict()`; every text shown to a person
comes from `Purpose.text(lang)`. Purposes stored as bare text before they were structured
("meeting: 2026 论坛") are read back by `Purpose.legacy`.
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from backend.core.lang import LANGS, Lang
from backend.footprint.factors import DATA
from backend.footprint.geo import airport
from backend.footprint.models import Footprint, Kind


class PurposeKind(enum.StrEnum):
    meeting = "meeting"
    flight = "flight"
    hearing = "hearing"
    venue = "venue"
    site = "site"
    event = "event"
    restoration = "restoration"  # a court's restorative purchase; the name is the case number
    points = "points"  # 碳惠天府 points redeemed
    custom = "custom"  # what the buyer wrote, shown as written


LABELS: dict[PurposeKind, dict[Lang, str]] = {
    PurposeKind.meeting: {"zh": "会议", "en": "Meeting"},
    PurposeKind.flight: {"zh": "航班", "en": "Flight"},
    PurposeKind.hearing: {"zh": "庭审", "en": "Court hearing"},
    PurposeKind.venue: {"zh": "场馆", "en": "Venue"},
    PurposeKind.site: {"zh": "零碳网点", "en": "Site operations"},
    PurposeKind.event: {"zh": "活动", "en": "Event"},
    PurposeKind.restoration: {"zh": "生态修复", "en": "Ecological restoration"},
    PurposeKind.points: {"zh": "碳惠天府积分兑换", "en": "Carbon-inclusion points redemption"},
    PurposeKind.custom: {"zh": "碳中和", "en": "Carbon neutrality"},
}
# A judicial purpose as the public reads it: never the case number (PIPL: a criminal record).
JUDICIAL: dict[Lang, str] = {"zh": "司法生态修复", "en": "Judicial ecological restoration"}
COLON: dict[Lang, str] = {"zh": "：", "en": ": "}
SEP: dict[Lang, str] = {"zh": "，", "en": ", "}
ROUND_TRIP: dict[Lang, str] = {"zh": "（往返）", "en": " (return)"}
TEXT_MAX = 200  # the Chinese text kept beside the structure, in a String(200) column


@cache
def _names() -> dict[str, dict[str, str]]:
    raw = tomllib.loads((DATA / "airport-names.toml").read_text(encoding="utf-8"))
    names: dict[str, dict[str, str]] = raw["airports"]
    return names


def airport_name(code: str, lang: Lang) -> str:
    """An airport as people call it, then its IATA code: 成都双流 CTU, Chengdu Shuangliu CTU."""
    listed = _names().get(code)
    if listed is not None:
        return f"{listed[lang]} {code}"
    place = airport(code)
    if place is None:
        return code
    short = place.name.removesuffix(" Airport").removesuffix(" International").strip()
    return f"{short} {code}"


@dataclass(frozen=True)
class Purpose:
    kind: PurposeKind
    name: str = ""
    route: tuple[str, ...] = ()  # IATA codes, in flight order (flights only)
    round_trip: bool = False
    masked: bool = False  # a judicial purpose as the public reads it

    def text(self, lang: Lang = "zh") -> str:
        """The purpose as a person reads it in `lang`."""
        if self.masked:
            return JUDICIAL[lang]
        label = LABELS[self.kind][lang]
        parts = [self.name] if self.name else []
        if self.route:
            trip = " → ".join(airport_name(code, lang) for code in self.route)
            parts.append(trip + (ROUND_TRIP[lang] if self.round_trip else ""))
        if self.kind == PurposeKind.custom:
            return self.name or label
        if not parts:
            return label
        return label + COLON[lang] + SEP[lang].join(parts)

    def column_text(self) -> str:
        """The Chinese text as a purpose column keeps it (for SQL readers and old clients)."""
        return self.text("zh")[:TEXT_MAX]

    @property
    def texts(self) -> dict[str, str]:
        return {lang: self.text(lang) for lang in LANGS}

    def public(self, judicial: bool) -> Purpose:
        """What the public may read: a judicial purpose names a case, so it is masked."""
        return Purpose(PurposeKind.restoration, masked=True) if judicial else self

    def as_dict(self) -> dict[str, Any]:
        """The stored form (orders, certificate documents, webhooks)."""
        stored: dict[str, Any] = {"kind": self.kind.value, "name": self.name}
        if self.route:
            stored["route"] = list(self.route)
            stored["round_trip"] = self.round_trip
        return stored

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Purpose:
        return cls(
            kind=PurposeKind(stored["kind"]),
            name=stored.get("name", ""),
            route=tuple(stored.get("route") or ()),
            round_trip=bool(stored.get("round_trip", False)),
        )

    @classmethod
    def read(cls, stored: str | dict[str, Any]) -> Purpose:
        """A purpose stored structured, or as text (before purposes were structured)."""
        return cls.legacy(stored) if isinstance(stored, str) else cls.from_dict(stored)

    @classmethod
    def legacy(cls, text: str) -> Purpose:
        """A purpose stored as text before it was structured: "meeting: 名称" or free text."""
        head, sep, rest = text.partition(": ")
        if head in PurposeKind.__members__ and head not in ("custom", "points"):
            return cls(PurposeKind(head), rest.strip() if sep else "")
        if text.startswith(LABELS[PurposeKind.points]["zh"]):
            return cls(PurposeKind.points)
        if text.startswith(LABELS[PurposeKind.restoration]["zh"] + " "):
            return cls(PurposeKind.restoration, text.split(" ", 1)[1].strip())
        return cls(PurposeKind.custom, text.strip())


def of_footprint(fp: Footprint, name: str | None = None) -> Purpose:
    """A footprint's purpose: its kind, its name (or the one the buyer gave), a flight's route."""
    kind = PurposeKind(fp.kind.value)
    name = fp.name if name is None else name
    if fp.kind != Kind.flight:
        return Purpose(kind, name)
    flight = fp.content()["inputs"].get("flight") or {}
    route = (flight["from"], *(flight.get("via") or ()), flight["to"])
    return Purpose(kind, name, tuple(c.upper() for c in route), bool(flight.get("round_trip")))
