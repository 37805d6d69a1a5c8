"""The market report's shape: what `services.report` returns, the schema dumps and the charts
draw."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def by_action_type(self) -> tuple[Reduction, ...]:
        return tuple(self.points.reductions)
