"""Which credits may restore a case: by default forestry carbon sinks (CDCER or CCER) from the
damaged site's province, or from anywhere in China when that province has none in stock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.credits.inventory import Preferences
from backend.credits.models import Lot, Project, ProjectType, Standard

DEFAULT_STANDARDS = (Standard.CDCER, Standard.CCER)
DEFAULT_TYPES = (ProjectType.forestry,)
NATIONWIDE = "CN"


def spec(standards: Iterable[str], types: Iterable[str], regions: Iterable[str]) -> dict[str, Any]:
    """The stored form: sorted lists of plain strings."""
    return {
        "standards": sorted({str(x) for x in standards}),
        "types": sorted({str(x) for x in types}),
        "regions": sorted({str(x) for x in regions}),
    }


def default(s: Session, province: str) -> tuple[dict[str, Any], str]:
    """The default eligible credits for a site, and why (recorded in the audit log)."""
    local = spec(DEFAULT_STANDARDS, DEFAULT_TYPES, [province])
    if s.scalar(preferences(local).lots(Lot.id).limit(1)) is not None:
        return local, "forestry carbon sinks from the damaged site's province"
    return (
        spec(DEFAULT_STANDARDS, DEFAULT_TYPES, [NATIONWIDE]),
        f"no forestry carbon sinks in stock in {province}: any province of China",
    )


def preferences(eligible: dict[str, Any]) -> Preferences:
    """The order preferences a defendant's purchase is forced to."""
    return Preferences.from_dict(
        {
            "standards": [Standard(x) for x in eligible["standards"]],
            "types": [ProjectType(x) for x in eligible["types"]],
            "regions": eligible["regions"],
        }
    )


def ineligible(
    s: Session, eligible: dict[str, Any], credits: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The credit lines of a certificate that the case does not accept (empty: all fine)."""
    countries = dict(
        s.execute(
            select(Project.id, Project.country).where(
                Project.id.in_([line["project_id"] for line in credits])
            )
        ).all()
    )
    regions = set(eligible["regions"])
    return [
        {
            "project_name_zh": line["project_name_zh"],
            "standard": line["standard"],
            "project_type": line["project_type"],
            "province": line["province"],
        }
        for line in credits
        if line["standard"] not in eligible["standards"]
        or line["project_type"] not in eligible["types"]
        or not ({line["province"], countries.get(line["project_id"])} & regions)
    ]
