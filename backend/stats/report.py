"""The market report's shape: what `services.report` returns, the schema dumps and the charts
draw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.points.statistics import Flows, Reduction


@dataclass(frozen=True)
class Row:
    """Grams under one key of a table (a standard, a project type, a province), and how many
    of them are in units retired at their registry or still pending there."""

    key: str
    label_zh: str
    label_en: str
    mass_g: int
    registry_retired_g: int = 0
    registry_pending_g: int = 0


@dataclass(frozen=True)
class ScenarioRow:
    key: str
    label_zh: str
    label_en: str
    neutralisations: int
    mass_g: int


@dataclass(frozen=True)
class MonthRow:
    key: str  # YYYY-MM in China
    neutralisations: int
    mass_g: int


@dataclass(frozen=True)
class TopProject:
    rank: int
    project_id: int
    registry_id: str
    name_zh: str
    name_en: str
    standard: str
    type: str
    province: str  # a province code, or a country's abroad
    mass_g: int
    neutralisations: int  # certificates drawing on it


@dataclass(frozen=True)
class Totals:
    neutralisations: int
    mass_g: int


@dataclass(frozen=True)
class MarketReport:
    year: int
    timezone: str
    neutralisations: int
    mass_g: int
    registry_retired_g: int  # of mass_g, in units retired at their registry (now)
    registry_pending_g: int  # of mass_g, allocated, registry retirement pending (now)
    beneficiaries: int
    organisations: int
    people: int
    projects: int
    provinces: int
    cumulative: Totals
    by_scenario: tuple[ScenarioRow, ...]
    by_standard: tuple[Row, ...]
    by_project_type: tuple[Row, ...]
    by_province: tuple[Row, ...]
    by_month: tuple[MonthRow, ...]
    top_projects: tuple[TopProject, ...]
    points: Flows  # carbon-inclusion points: the year's flows, reductions and budgets
    market: MarketSection  # 点点's own trades in the year, beside the seed's figures

    @property
    def by_action_type(self) -> tuple[Reduction, ...]:
        return tuple(self.points.reductions)


# --- the market section: 点点's own trades ---------------------------------------------------


@dataclass(frozen=True)
class ModeRow:
    """Trades of one mode (定价点选, 大宗交易, 协议转让), with its shares in basis points."""

    key: str
    label_zh: str
    label_en: str
    trades: int
    volume_t: int
    amount_fen: int
    share_by_count_bp: int
    share_by_volume_bp: int


@dataclass(frozen=True)
class MarketMonthRow:
    key: str  # YYYY-MM in China
    trades: int
    volume_t: int
    amount_fen: int
    share_by_volume_bp: int


@dataclass(frozen=True)
class Window:
    """A run of months and its share of the year's volume (the seed's concentration windows)."""

    key: str  # jan_mar, jun_aug
    first: str  # YYYY-MM
    last: str
    volume_t: int
    share_by_volume_bp: int


@dataclass(frozen=True)
class MarketRow:
    key: str  # a project type, or a province code
    label_zh: str
    label_en: str
    trades: int
    volume_t: int
    amount_fen: int


@dataclass(frozen=True)
class MarketSection:
    trades: int
    volume_t: int
    amount_fen: int
    average_fen_per_t: int | None
    fees_fen: int
    by_mode: tuple[ModeRow, ...]
    by_month: tuple[MarketMonthRow, ...]
    concentration: tuple[Window, ...]
    by_project_type: tuple[MarketRow, ...]
    by_province: tuple[MarketRow, ...]
    reference: dict[str, Any]  # the seed's figures for the year (market_reference), or nulls
