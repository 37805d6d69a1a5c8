"""The words of a footprint, in zh or en: its stored document keeps breakdown labels, trail steps
and assumptions as catalogue ids with values (`calc.Text`); reading it renders them here from
`data/trail.toml`. Documents stored before that keep their English words as they were."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from backend.core.lang import Lang

CATALOGUE = Path(__file__).parent / "data" / "trail.toml"
SLOT = re.compile(r"\{(\w+)(?:@([\w.]+))?\}")
COLON = {"zh": "：", "en": ": "}


@cache
def catalogue() -> dict[str, Any]:
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def render(stored: Any, lang: Lang) -> str:
    """A stored `Text` ({template, values}) in `lang`; a plain string (an older document's
    English) as it is."""
    if not isinstance(stored, dict):
        return str(stored)
    table = catalogue()["text"][lang]
    values = stored.get("values", {})

    def slot(m: re.Match[str]) -> str:
        value = render(values[m[1]], lang)
        return table[f"{m[2]}.{value}"] if m[2] else value

    return SLOT.sub(slot, table[stored["template"]])


def unit(name: str, lang: Lang) -> str:
    return str(catalogue()["units"].get(lang, {}).get(name, name))


def step(stored: Any, lang: Lang) -> str:
    """One trail step, such as
    '本地交通（地铁）：50 名参会者 × 20 km × 0.0286 kgCO2e/人公里 = 28.6 kg CO2e'."""
    if not isinstance(stored, dict):
        return str(stored)
    prefix = f"[{render(stored['component'], lang)}] " if stored.get("component") else ""
    head = f"{prefix}{render(stored['label'], lang)}{COLON[lang]}"
    kg = f"{stored['kg']} kg CO2e"
    f = stored.get("factor")
    if f is None:
        return head + kg
    terms = " ".join(
        f"{'÷' if t['divide'] else '×'} {t['value']} {render(t['label'], lang)}"
        for t in stored["terms"]
    )
    return f"{head}{terms[2:]} × {f['value']} {unit(f['unit'], lang)} = {kg}"


def document(stored: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """A stored footprint document with its words in `lang` (a copy)."""
    out = dict(stored)
    b = dict(stored["breakdown"])
    b["lines"] = [_line(line, lang) for line in b["lines"]]
    out["breakdown"] = b
    out["defaults"] = [_default(d, lang) for d in stored.get("defaults", [])]
    out["trail"] = [step(s, lang) for s in stored.get("trail", [])]
    return out


def _line(line: dict[str, Any], lang: Lang) -> dict[str, Any]:
    out = {**line, "label": render(line["label"], lang)}
    if "component" in line:
        out["component"] = render(line["component"], lang)
    return out


def _default(d: dict[str, Any], lang: Lang) -> dict[str, Any]:
    out = {**d, "source": render(d["source"], lang), "unit": render(d.get("unit", ""), lang)}
    if "assumption" in d:
        out["assumption"] = render(d["assumption"], lang)
    return out


def legacy(stored: dict[str, Any]) -> bool:
    """Whether a stored document has its trail in English words (made before trail_text)."""
    return any(isinstance(s, str) for s in stored.get("trail", []))
