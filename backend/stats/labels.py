"""Chinese and English names of the report's keys: scenarios, standards, project types and
provinces (Chinese first, as in the seed report). Provinces are named and ordered as statistics
tables do (`backend.core.provinces`: 四川, in the National Bureau of Statistics' order)."""

from __future__ import annotations

from collections.abc import Callable

from backend.core import provinces as cn
from backend.credits.labels import STANDARD_LABELS, TYPE_LABELS
from backend.footprint.models import Kind

Label = Callable[[str], tuple[str, str]]

# How a certificate came about. Footprint kinds first, then the two flows without a footprint.
POINTS_REDEMPTION = "points_redemption"
COURT_RESTORATION = "court_restoration"
OTHER = "other"  # an order for a mass, without a footprint
SCENARIOS: tuple[str, ...] = (*(k.value for k in Kind), POINTS_REDEMPTION, COURT_RESTORATION, OTHER)

SCENARIO_LABELS: dict[str, tuple[str, str]] = {
    Kind.meeting.value: ("零碳会议", "Meetings"),
    Kind.flight.value: ("碳中和航班", "Flights"),
    Kind.hearing.value: ("零碳法庭庭审", "Court hearings"),
    Kind.venue.value: ("大型活动场馆", "Event venues"),
    Kind.site.value: ("零碳网点与场所", "Branches and sites"),
    Kind.event.value: ("活动", "Events"),
    POINTS_REDEMPTION: ("碳积分兑换", "Points redemptions"),
    COURT_RESTORATION: ("司法生态修复", "Court restoration"),
    OTHER: ("其他", "Other"),
}

# The market's trading modes, named as the seed names them (二、市场交易 2. 交易方式).
MODE_LABELS: dict[str, tuple[str, str]] = {
    "listing": ("定价点选", "Listing pick"),
    "block": ("大宗交易", "Block trade"),
    "agreement": ("协议转让", "Agreement transfer"),
}

# Countries of the foreign projects we are likely to hold (VCU, CER); others show their code.
COUNTRIES: dict[str, tuple[str, str]] = {
    "CN": ("中国", "China"),
    "IN": ("印度", "India"),
    "ID": ("印度尼西亚", "Indonesia"),
    "BR": ("巴西", "Brazil"),
    "VN": ("越南", "Viet Nam"),
    "KH": ("柬埔寨", "Cambodia"),
    "TH": ("泰国", "Thailand"),
    "PE": ("秘鲁", "Peru"),
    "KE": ("肯尼亚", "Kenya"),
    "TR": ("土耳其", "Türkiye"),
}


def scenario(key: str) -> tuple[str, str]:
    return SCENARIO_LABELS.get(key, (key, key))


def standard(key: str) -> tuple[str, str]:
    return STANDARD_LABELS.get(key, (key, key))


def project_type(key: str) -> tuple[str, str]:
    return TYPE_LABELS.get(key, (key, key))


def mode(key: str) -> tuple[str, str]:
    return MODE_LABELS.get(key, (key, key))


def province(key: str) -> tuple[str, str]:
    """A province code (CN-SC: 四川, Sichuan) or, for a project abroad, a country code (IN)."""
    found = cn.BY_CODE.get(key)
    if found is not None:
        return found.short, found.en
    return COUNTRIES.get(key, (key, key))
