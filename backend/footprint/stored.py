"""A footprint's stored document built directly from its `Document`: what
`schemas.StoredFootprintSchema().dump(doc)` gives, key for key and in the same order, without
marshmallow's per-field machinery (it was a third of `POST /footprints`' CPU, issue 25).

The schema stays the contract: it documents the API, and `tests/footprint/test_stored.py` holds
the two equal, byte for byte once serialised, for every kind of footprint. A field added to the
schema must be added here too (that test fails until it is).
"""

from __future__ import annotations

from typing import Any

from backend.footprint.calc import DefaultUsed, Line, Text
from backend.footprint.document import Document
from backend.footprint.factors import Factor


def _text(value: str | Text | None) -> Any:
    """`schemas._text`: a `Text` as stored (template id and values); a plain string as it is."""
    return value.dump() if isinstance(value, Text) else value or ""


def _factor(f: Factor | None) -> dict[str, Any] | None:
    """`FactorRefSchema`: `url` and `note` only when they are not empty."""
    if f is None:
        return None
    out: dict[str, Any] = {
        "key": f.key,
        "value": str(f.value),
        "unit": f.unit,
        "source": f.source,
        "year": int(f.year),
        "region": f.region,
    }
    if f.url:
        out["url"] = f.url
    if f.note:
        out["note"] = f.note
    return out


def _line(line: Line) -> dict[str, Any]:
    """`StoredLineSchema`."""
    return {
        "category": str(line.category),
        "scope": line.scope,
        "phase": str(line.phase),
        "label": _text(line.label),
        "component": _text(line.component),
        "mass_g": int(line.mass_g),
        "quantity": line.quantity,
        "factor": _factor(line.factor),
    }


def _default(d: DefaultUsed) -> dict[str, Any]:
    """`StoredDefaultSchema`: `assumption` only when there is one."""
    out: dict[str, Any] = {
        "field": d.field,
        "value": str(d.value),
        "unit": _text(d.unit),
        "source": _text(d.source),
        "key": d.key,
    }
    assumption = _text(d.assumption)
    if assumption:
        out["assumption"] = assumption
    return out


def _by(lines: list[Line], attr: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        key = str(getattr(line, attr))
        out[key] = out.get(key, 0) + line.mass_g
    return out


def stored_document(doc: Document) -> dict[str, Any]:
    """`StoredFootprintSchema().dump(doc)`, built directly."""
    result = doc.breakdown
    st = doc.standard
    return {
        "id": doc.id,
        "kind": doc.kind.value,
        "name": doc.name,
        "mass_g": int(doc.mass_g),
        "factor_set": doc.factor_set,
        "standard": None
        if st is None
        else {
            "id": st.id,
            "name_zh": st.name_zh,
            "name_en": st.name_en,
            "radiative_forcing": bool(st.radiative_forcing),
        },
        "inputs": dict(doc.inputs),
        "user_id": doc.user_id,
        "organisation_id": doc.organisation_id,
        "created_at": doc.created_at.isoformat(),
        "breakdown": {
            "lines": [_line(line) for line in result.lines],
            "by_category": _by(result.lines, "category"),
            "by_scope": _by(result.lines, "scope"),
            "by_phase": _by(result.lines, "phase"),
        },
        "defaults": [_default(d) for d in result.defaults_used],
        "trail": result.trail(),
        "comparisons": {str(k): int(v) for k, v in doc.comparisons.items()},
    }
