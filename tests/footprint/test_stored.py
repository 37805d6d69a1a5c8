"""The stored document built directly (`stored.stored_document`) is StoredFootprintSchema's dump,
byte for byte once serialised, for every kind of footprint, every factor set and standard."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.core.errors import ValidationFailed
from backend.footprint import factors, standards
from backend.footprint.document import Document
from backend.footprint.models import Footprint, Kind
from backend.footprint.schemas import FootprintCreateSchema, StoredFootprintSchema
from backend.footprint.services import calculate
from backend.footprint.stored import stored_document
from tests.footprint.test_calculators import CASES as CALCULATED
from tests.footprint.test_worked_examples import CASES as WORKED

BODIES = [body for _, body, _ in CALCULATED + WORKED]
EVENT = {
    "kind": "event",
    "event": {
        "name": "成都大运会（示例）",
        "components": [
            {"kind": "venue", "venue": {"name": "东安湖体育公园", "days": 12}},
            {"kind": "flight", "flight": {"from": "PEK", "to": "CTU"}},
            {"kind": "meeting", "meeting": {"attendees": 20}},
        ],
    },
}


def _document(
    body: dict[str, Any], version: str, standard: str | None, referenced: list[Footprint]
) -> Document:
    req = FootprintCreateSchema().load(body)
    std = standards.get(standard) if standard else None
    result, comparisons = calculate(factors.get(version), req.kind, req.section, referenced, std)
    return Document(
        id="fp_test",
        kind=req.kind,
        name=str(req.section.get("name") or ""),
        mass_g=result.mass_g,
        factor_set=version,
        standard=std,  # type: ignore[arg-type]  # None: as made before standards
        inputs=req.inputs,
        user_id=7,
        organisation_id=None,
        created_at=datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=UTC),
        breakdown=result,
        comparisons=comparisons,
    )


def _same(doc: Document) -> dict[str, Any]:
    by_schema = json.dumps(StoredFootprintSchema().dump(doc), ensure_ascii=False)
    direct = stored_document(doc)
    assert json.dumps(direct, ensure_ascii=False) == by_schema
    return direct


@pytest.mark.parametrize("version", list(factors.all_sets()))
@pytest.mark.parametrize("standard", [None, *standards.STANDARDS])
@pytest.mark.parametrize("body", [*BODIES, EVENT], ids=range(len(BODIES) + 1))
def test_the_direct_dump_is_the_schema_s(body, version, standard):
    try:
        doc = _document(body, version, standard, [])
    except (KeyError, ValidationFailed):  # a factor the set lacks; an input the standard refuses
        pytest.skip("not calculable so")
    _same(doc)


def test_an_event_carrying_footprints_over_dumps_the_same():
    latest = factors.latest_version()
    part = _same(_document(BODIES[0], latest, standards.DEFAULT, []))
    fp = Footprint(id="fp_part", name="", kind=Kind.meeting, document=json.dumps(part))
    _same(_document(EVENT, latest, standards.DEFAULT, [fp]))
