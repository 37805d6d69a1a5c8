"""The arithmetic shared by every calculator: lines of terms × a factor, defaults, trail, rounding.

Everything is Decimal. The total is rounded once, up to whole grams (we never under-state what must
be offset), and the lines are apportioned by largest remainder so they add up to the total exactly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from backend.footprint.factors import Factor, FactorSet
from backend.footprint.standards import Standard

GRAMS_PER_KG = Decimal(1000)


class Category(enum.StrEnum):
    travel = "travel"
    accommodation = "accommodation"
    venue_energy = "venue_energy"
    fuel = "fuel"
    catering = "catering"
    materials = "materials"
    waste = "waste"
    water = "water"
    digital = "digital"
    refrigerant = "refrigerant"


class Phase(enum.StrEnum):
    """Phases of the MEE large-event guideline (2019): 筹备, 举办, 收尾."""

    preparation = "preparation"
    staging = "staging"
    wrap_up = "wrap_up"


SCOPE_OF = {
    Category.fuel: 1,
    Category.refrigerant: 1,
    Category.venue_energy: 2,
}


@dataclass(frozen=True)
class Text:
    """Words for people, kept as a catalogue id and its values; `trail_text` renders them in
    zh or en when a footprint is read."""

    template: str
    values: dict[str, str | Text] = field(default_factory=dict)

    @classmethod
    def load(cls, stored: Any) -> Text:
        """A dumped `Text`; an older document's plain words kept as they are."""
        if not isinstance(stored, dict):
            return cls("verbatim", {"text": str(stored)})
        return cls(stored["template"], {k: cls._value(v) for k, v in stored["values"].items()})

    @classmethod
    def _value(cls, v: Any) -> str | Text:
        return cls.load(v) if isinstance(v, dict) else str(v)

    def dump(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "values": {k: v.dump() if isinstance(v, Text) else v for k, v in self.values.items()},
        }


# The citation of Diandian's own defaults: its published methodology (docs/footprint.md).
METHOD = Text("source.method")


def text(template: str, **values: str | Text | Decimal | int) -> Text:
    """`Text(template, values)`, numbers written for people."""
    return Text(
        template,
        {
            k: fmt(v) if isinstance(v, Decimal) else v if isinstance(v, Text) else str(v)
            for k, v in values.items()
        },
    )


@dataclass(frozen=True)
class Term:
    """One multiplicand (or divisor), with the words that explain it in the trail."""

    value: Decimal
    label: Text
    divide: bool = False


@dataclass
class Line:
    """One breakdown line: the product of its terms and a factor."""

    category: Category
    phase: Phase
    label: Text
    terms: list[Term]
    factor: Factor | None
    exact_g: Decimal
    component: Text | None = None
    mass_g: int = 0

    @property
    def scope(self) -> int:
        return SCOPE_OF.get(self.category, 3)

    @property
    def quantity(self) -> str:
        """The product of the terms, in the factor's unit (to a millionth)."""
        q = Decimal(1)
        for t in self.terms:
            q = q / t.value if t.divide else q * t.value
        return f"{q.quantize(Decimal('0.000001')).normalize():f}"


@dataclass(frozen=True)
class DefaultUsed:
    """An input that was not given, and what was assumed for it."""

    field: str  # the input's path, such as meeting.days
    value: str
    unit: str | Text
    source: str | Text  # a factor set default's citation, or Diandian's own rule (`Text`)
    key: str  # in the factor set's defaults; empty for an assumption that is not a number
    assumption: Text | None = None  # what was assumed, in words, when it is not a number


def _bilingual(en: str, zh: str) -> str | Text:
    """A factor set's words in both languages when it gives Chinese (2026.1 on), else its
    English as it is."""
    return Text("bilingual", {"zh": zh, "en": en}) if zh else en


def fmt(value: Decimal) -> str:
    """A number for people: no exponent, no trailing zeros."""
    return f"{value.normalize():f}"


@dataclass
class Computation:
    """Collects lines and the defaults used while one footprint is worked out."""

    factors: FactorSet
    standard: Standard | None = None  # None: a footprint made before standards, as it was
    lines: list[Line] = field(default_factory=list)
    defaults_used: list[DefaultUsed] = field(default_factory=list)
    component: Text | None = None

    def default(self, path: str, key: str) -> Decimal:
        """The value of a documented default, recorded as applied to input `path`."""
        d = self.factors.default(key)
        unit, source = _bilingual(d.unit, d.unit_zh), _bilingual(d.source, d.source_zh)
        self.defaults_used.append(DefaultUsed(path, str(d.value), unit, source, key))
        return d.value

    def assume(self, path: str, value: str, assumption: Text) -> str:
        """Record a non-numeric default (a city, a list of participants): Diandian's rule,
        documented in its methodology."""
        self.defaults_used.append(DefaultUsed(path, value, "", METHOD, "", assumption))
        return value

    def given_or_default(self, given: Decimal | int | None, path: str, key: str) -> Decimal:
        """The input if given, else the named default (recorded)."""
        return Decimal(given) if given is not None else self.default(path, key)

    def add(
        self,
        category: Category,
        phase: Phase,
        label: Text,
        terms: list[Term],
        factor: Factor,
    ) -> Line | None:
        """A line of `terms × factor` (factor in kg per unit); lines of zero are left out."""
        kg = factor.value
        for t in terms:
            kg = kg / t.value if t.divide else kg * t.value
        if kg == 0:
            return None
        line = Line(category, phase, label, terms, factor, kg * GRAMS_PER_KG, self.component)
        self.lines.append(line)
        return line

    def add_grams(
        self, category: Category, phase: Phase, label: Text, grams: int, component: Text
    ) -> None:
        """A line carried over from an existing footprint, already in whole grams."""
        self.lines.append(Line(category, phase, label, [], None, Decimal(grams), component))


@dataclass(frozen=True)
class Result:
    mass_g: int
    lines: list[Line]
    defaults_used: list[DefaultUsed]

    @property
    def by_category(self) -> dict[str, int]:
        return self.by("category")

    @property
    def by_scope(self) -> dict[str, int]:
        return self.by("scope")

    @property
    def by_phase(self) -> dict[str, int]:
        return self.by("phase")

    def by(self, attr: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.lines:
            key = str(getattr(line, attr))
            out[key] = out.get(key, 0) + line.mass_g
        return out

    def trail(self) -> list[dict[str, Any]]:
        return [trail_step(line) for line in self.lines]


def trail_step(line: Line) -> dict[str, Any]:
    """One step of the calculation, structured (`trail_text.step` words it): label, terms,
    factor and the exact kg."""
    step: dict[str, Any] = {"label": line.label.dump()}
    if line.component is not None:
        step["component"] = line.component.dump()
    step["terms"] = [
        {"value": fmt(t.value), "label": t.label.dump(), "divide": t.divide} for t in line.terms
    ]
    if line.factor is not None:
        step["factor"] = {"value": fmt(line.factor.value), "unit": line.factor.unit}
    step["kg"] = fmt((line.exact_g / GRAMS_PER_KG).quantize(Decimal("0.001")))
    return step


def finish(comp: Computation) -> Result:
    """Round the total once (up, to whole grams) and apportion it over the lines."""
    exact = sum((line.exact_g for line in comp.lines), Decimal(0))
    total = int(exact.to_integral_value(rounding=ROUND_CEILING))
    floors = [int(line.exact_g) for line in comp.lines]
    remainder = total - sum(floors)
    order = sorted(
        range(len(comp.lines)), key=lambda i: (comp.lines[i].exact_g - floors[i], -i), reverse=True
    )
    for i in order[:remainder]:
        floors[i] += 1
    for line, grams in zip(comp.lines, floors, strict=True):
        line.mass_g = grams
    return Result(mass_g=total, lines=comp.lines, defaults_used=comp.defaults_used)
