"""The footprint inputs' documented bounds are JSON Schema numbers (found by Schemathesis)."""

from __future__ import annotations

from typing import Any


def _bounds(node: Any, path: str = "#") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, child in node.items():
            if key in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
                found.append((f"{path}/{key}", child))
            else:
                found.extend(_bounds(child, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found.extend(_bounds(child, f"{path}/{i}"))
    return found


def test_decimal_quantities_have_numeric_bounds(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    hearing = spec["components"]["schemas"]["Hearing"]["properties"]["courtroom_kwh"]
    assert hearing["maximum"] == 10**10
    assert hearing["minimum"] == 0


def test_every_bound_in_the_document_is_a_number(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    bad = [
        (where, value)
        for where, value in _bounds(spec)
        if isinstance(value, bool) or not isinstance(value, int | float)
    ]
    assert bad == []
