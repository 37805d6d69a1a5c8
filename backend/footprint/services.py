"""Footprint use cases: calculate, store immutably, read back, list the factor sets."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import NotFound, ValidationFailed
from backend.footprint import factors, flight, hearing, meeting, venue
from backend.footprint.calc import Category, Computation, Phase, Result, finish
from backend.footprint.factors import FactorSet
from backend.footprint.models import Footprint, Kind
from backend.footprint.schemas import FootprintCreateSchema

Calculator = Callable[[Computation, dict[str, Any], str], None]
CALCULATORS: dict[Kind, Calculator] = {
    Kind.meeting: meeting.compute,
    Kind.flight: flight.compute,
    Kind.hearing: hearing.compute,
    Kind.venue: venue.compute,
}
TABLE = cast(Table, Footprint.__table__)


def factor_set(version: str | None) -> FactorSet:
    """The requested factor set, or the latest; an unknown version is a 422."""
    try:
        return factors.get(version or factors.latest_version())
    except factors.UnknownFactorSet:
        raise ValidationFailed(
            "factor_set", f"Unknown factor set; known: {', '.join(factors.all_sets())}."
        ) from None


def calculate(
    fs: FactorSet, kind: Kind, section: dict[str, Any], referenced: list[Footprint] | None = None
) -> tuple[Result, dict[str, int]]:
    """Work out one footprint; returns the rounded result and any comparisons."""
    comp = Computation(fs)
    comparisons: dict[str, int] = {}
    if kind == Kind.event:
        for fp in referenced or []:
            _carry_over(comp, fp)
        for i, part in enumerate(section.get("components") or []):
            sub = Kind(part["kind"])
            data = part[sub.value]
            named = f" {data['name']}" if data.get("name") else ""
            comp.component = f"{i + 1}. {sub.value}{named}"
            CALCULATORS[sub](comp, data, f"event.components.{i}.{sub.value}")
        comp.component = ""
    else:
        CALCULATORS[kind](comp, section, kind.value)
    result = finish(comp)
    if kind == Kind.hearing:
        online = Computation(fs)
        hearing.compute(online, section, "hearing", online=True)
        online_g = finish(online).mass_g
        comparisons = {
            "online_hearing_mass_g": online_g,
            "online_saving_g": result.mass_g - online_g,
        }
    return result, comparisons


def _carry_over(comp: Computation, fp: Footprint) -> None:
    label = f"{fp.id}" + (f" {fp.name}" if fp.name else "")
    for line in fp.content()["breakdown"]["lines"]:
        comp.add_grams(
            Category(line["category"]),
            Phase(line["phase"]),
            line["label"],
            int(line["mass_g"]),
            component=label,
        )


def describe(result: Result, comparisons: dict[str, int]) -> dict[str, Any]:
    """The stored (and returned) form of a result."""
    lines = []
    for line in result.lines:
        quantity = Decimal(1)
        for t in line.terms:
            quantity = quantity / t.value if t.divide else quantity * t.value
        lines.append(
            {
                "category": line.category.value,
                "scope": line.scope,
                "phase": line.phase.value,
                "label": line.label,
                "component": line.component,
                "mass_g": line.mass_g,
                "quantity": f"{quantity.quantize(Decimal('0.000001')).normalize():f}",
                "factor": line.factor.describe() if line.factor else None,
            }
        )
    return {
        "breakdown": {
            "lines": lines,
            "by_category": result.by("category"),
            "by_scope": result.by("scope"),
            "by_phase": result.by("phase"),
        },
        "defaults": result.defaults_used,
        "trail": result.trail(),
        "comparisons": comparisons,
    }


def create(
    s: Session, who: Principal, body: dict[str, Any], canonical: dict[str, Any]
) -> Footprint:
    """Calculate and store a footprint, owned by the caller when signed in.

    `body` is the validated input; `canonical` is the same input as JSON, stored for replay.
    """
    kind: Kind = body["kind"]
    fs = factor_set(body.get("factor_set"))
    section = body[kind.value]
    referenced = _referenced(s, who, section) if kind == Kind.event else []
    result, comparisons = calculate(fs, kind, section, referenced)
    user_id, org_id = _owner(who, body.get("organisation_id"))
    fp = Footprint(
        id=random_id("fp_"),  # anonymous footprints are shared by their link
        kind=kind,
        name=str(section.get("name") or ""),
        factor_set=fs.version,
        mass_g=result.mass_g,
        user_id=user_id,
        organisation_id=org_id,
        created_at=utcnow(),
    )
    document = {
        "id": fp.id,
        "kind": kind.value,
        "name": fp.name,
        "mass_g": fp.mass_g,
        "factor_set": fp.factor_set,
        "inputs": canonical,
        "user_id": user_id,
        "organisation_id": org_id,
        "created_at": fp.created_at.isoformat(),
        **describe(result, comparisons),
    }
    fp.document = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    # One Core INSERT: no unit-of-work bookkeeping on this hot path.
    s.execute(insert(TABLE), {c.key: getattr(fp, c.key) for c in TABLE.columns})
    s.commit()
    return fp


def _owner(who: Principal, org_id: int | None) -> tuple[int | None, int | None]:
    if who.api_key is not None:
        if org_id is not None and org_id != who.api_key.organisation_id:
            raise ValidationFailed("organisation_id", "An API key acts for its own organisation.")
        who.authorize_org(who.api_key.organisation_id, scope="footprints:write")
        return None, who.api_key.organisation_id
    if who.user is None:
        if org_id is not None:
            raise ValidationFailed("organisation_id", "Sign in to file under an organisation.")
        return None, None
    if org_id is not None:
        if org_id not in who.roles:
            raise ValidationFailed("organisation_id", "You are not a member of it.")
        return who.user.id, org_id
    orgs = list(who.roles)
    return who.user.id, orgs[0] if len(orgs) == 1 else None


def _referenced(s: Session, who: Principal, section: dict[str, Any]) -> list[Footprint]:
    ids = section.get("footprints") or []
    if not ids:
        return []
    found = {fp.id: fp for fp in s.scalars(select(Footprint).where(Footprint.id.in_(ids)))}
    out = []
    for i, fid in enumerate(ids):
        fp = found.get(fid)
        if fp is None or not _visible(who, fp):
            raise ValidationFailed(f"event.footprints.{i}", f"No footprint {fid}.")
        out.append(fp)
    return out


def _visible(who: Principal, fp: Footprint) -> bool:
    if fp.user_id is None and fp.organisation_id is None:
        return True  # anonymous footprints are shared by link
    try:
        who.authorize_owner(fp.user_id, fp.organisation_id, scope="footprints:read")
    except NotFound:
        return False
    return True


def get(s: Session, who: Principal, footprint_id: str) -> Footprint:
    """A footprint by id: anonymous ones by link; owned ones for their owners only."""
    fp = s.get(Footprint, footprint_id)
    if fp is None or not _visible(who, fp):
        raise NotFound("No such footprint.")
    return fp


def replay(s: Session, fp: Footprint) -> int:
    """Recalculate a stored footprint from its stored inputs with its own factor set."""
    body = FootprintCreateSchema().load(fp.content()["inputs"])
    kind = Kind(fp.kind)
    section = body[kind.value]
    referenced = []
    if kind == Kind.event:
        ids = section.get("footprints") or []
        found = {f.id: f for f in s.scalars(select(Footprint).where(Footprint.id.in_(ids)))}
        referenced = [found[i] for i in ids]
    result, _ = calculate(factors.get(fp.factor_set), kind, section, referenced)
    return result.mass_g


def replay_all(s: Session) -> tuple[int, list[tuple[str, int, int]]]:
    """Replay every stored footprint: (how many, [(id, stored, replayed) that differ])."""
    checked, differ = 0, []
    for fp in s.scalars(select(Footprint).order_by(Footprint.created_at)):
        checked += 1
        again = replay(s, fp)
        if again != fp.mass_g:
            differ.append((fp.id, fp.mass_g, again))
    return checked, differ
