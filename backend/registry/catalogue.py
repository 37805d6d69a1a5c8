"""The methodologies catalogue and the market documents, read from their TOML files (each
states its sources)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from backend.credits.models import ProjectType, Standard

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Scene:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Methodology:
    code: str
    short: str
    standard: Standard
    name_zh: str
    name_en: str
    version: str
    project_type: ProjectType
    source: str
    year: int
    assumption: str
    scenes: tuple[Scene, ...]


@dataclass(frozen=True)
class MarketDocument:
    code: str
    title_zh: str
    title_en: str
    version: str
    effective: date


@functools.cache
def methodologies() -> dict[str, Methodology]:
    """Every methodology by code, in the file's order."""
    raw = tomllib.loads((HERE / "methodologies.toml").read_text(encoding="utf-8"))
    scenes = {code: Scene(code, s["zh"], s["en"]) for code, s in raw["scenes"].items()}
    return {
        m["code"]: Methodology(
            code=m["code"],
            short=m["short"],
            standard=Standard(m["standard"]),
            name_zh=m["name_zh"],
            name_en=m["name_en"],
            version=m["version"],
            project_type=ProjectType(m["project_type"]),
            source=m["source"],
            year=m["year"],
            assumption=m["assumption"],
            scenes=tuple(scenes[c] for c in m["scenes"]),
        )
        for m in raw["methodology"]
    }


@functools.cache
def market_documents() -> dict[str, MarketDocument]:
    """The documents a participant accepts, by code, with the version in force."""
    raw = tomllib.loads((HERE / "market_documents.toml").read_text(encoding="utf-8"))
    return {d["code"]: MarketDocument(**d) for d in raw["document"]}
