"""The 绿色产业指导目录 categories by catalogue version, read from `data/taxonomy.toml` (its header
says which levels are complete and where each name comes from)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backend.core.errors import ValidationFailed

DATA = Path(__file__).resolve().parent / "data" / "taxonomy.toml"


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    grid_displacement: bool = False

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def top(self) -> str:
        """Its level-1 code ("3.2.1" -> "3")."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True)
class Catalogue:
    version: str
    name_zh: str
    name_en: str
    document: str
    issued_by: str
    published: str
    complete_levels: tuple[int, ...]
    categories: dict[str, Category]

    @property
    def category_list(self) -> list[Category]:
        return list(self.categories.values())


@cache
def catalogues() -> dict[str, Catalogue]:
    """Every catalogue version, oldest first."""
    raw = tomllib.loads(DATA.read_text(encoding="utf-8"))
    out = {}
    for c in raw["catalogue"]:
        cats = {
            e["code"]: Category(
                e["code"], e["name_zh"], e["name_en"], bool(e.get("grid_displacement", False))
            )
            for e in c["category"]
        }
        out[str(c["version"])] = Catalogue(
            version=str(c["version"]),
            name_zh=c["name_zh"],
            name_en=c["name_en"],
            document=c["document"],
            issued_by=c["issued_by"],
            published=str(c["published"]),
            complete_levels=tuple(c["complete_levels"]),
            categories=cats,
        )
    return out


def category(version: str, code: str) -> Category:
    """The category `code` of catalogue `version`, or a 422 naming the field at fault."""
    catalogue = catalogues().get(version)
    if catalogue is None:
        raise ValidationFailed(
            "taxonomy_version", "finance.unknown_taxonomy_version", versions=", ".join(catalogues())
        )
    found = catalogue.categories.get(code)
    if found is None:
        raise ValidationFailed("taxonomy_code", "finance.unknown_taxonomy_code", version=version)
    return found


def find(version: str, code: str) -> Category | None:
    """The category if it exists (for reading stored rows)."""
    catalogue = catalogues().get(version)
    return None if catalogue is None else catalogue.categories.get(code)
