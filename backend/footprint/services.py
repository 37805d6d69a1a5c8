"""Footprint use cases: calculate, store immutably, read back, list the factor sets."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import NotFound, ValidationFailed
from backend.footprint import claims, factors, flight, hearing, meeting, site, standards, venue
from backend.footprint.access import visible
from backend.footprint.calc import Category, Computation, Phase, Result, Text, finish, text
from backend.footprint.document import Document, FootprintRequest
from backend.footprint.factors import Factor, FactorSet
from backend.footprint.models import Footprint, FootprintPart, Kind
from backend.footprint.schemas import FootprintCreateSchema
from backend.footprint.standards import Standard
from backend.footprint.stored import stored_document

Calculator = Callable[[Computation, dict[str, Any], str], None]
CALCULATORS: dict[Kind, Calculator] = {
    Kind.meeting: meeting.compute,
    Kind.flight: flight.compute,
    Kind.hearing: hearing.compute,
    Kind.venue: venue.compute,
    Kind.site: site.compute,
}
TABLE = cast(Table, Footprint.__table__)
PARTS = cast(Table, FootprintPart.__table__)
INSERT_FOOTPRINT = insert(TABLE)
INSERT_PART = insert(PARTS)


@dataclass(frozen=True)
class FactorListing:
    """A factor set with every factor and default, and the versions available."""

    version: str
    published: date
    description: str
    factors: list[Factor]
    defaults: list[Factor]
    versions: list[FactorSet]
    standards: list[Standard]


def factor_set(version: str | None) -> FactorSet:
    """The requested factor set, or the latest; an unknown version is a 422."""
    try:
        return factors.get(version or factors.latest_version())
    except factors.UnknownFactorSet:
        raise ValidationFailed(
            "factor_set", "footprint.unknown_factor_set", known=list(factors.all_sets())
        ) from None


def listing(version: str | None) -> FactorListing:
    """The requested factor set (default: the latest), listed."""
    fs = factor_set(version)
    return FactorListing(
        version=fs.version,
        published=fs.published,
        description=fs.description,
        factors=list(fs.factors.values()),
        defaults=list(fs.defaults.values()),
        versions=list(factors.all_sets().values()),
        standards=list(standards.STANDARDS.values()),
    )


def calculate(
    fs: FactorSet,
    kind: Kind,
    section: dict[str, Any],
    referenced: list[Footprint] | None = None,
    standard: Standard | None = None,
) -> tuple[Result, dict[str, int]]:
    """Work out one footprint under `standard` (None: made before standards); returns the
    rounded result and any comparisons."""
    comp = Computation(fs, standard)
    comparisons: dict[str, int] = {}
    if kind == Kind.event:
        for fp in referenced or []:
            _carry_over(comp, fp)
        for i, part in enumerate(section.get("components") or []):
            sub = Kind(part["kind"])
            data = part[sub.value]
            comp.component = (
                text("component.part_named", n=i + 1, kind=sub.value, name=data["name"])
                if data.get("name")
                else text("component.part", n=i + 1, kind=sub.value)
            )
            CALCULATORS[sub](comp, data, f"event.components.{i}.{sub.value}")
        comp.component = None
    else:
        CALCULATORS[kind](comp, section, kind.value)
    result = finish(comp)
    if kind == Kind.hearing:
        online = Computation(fs, standard)
        hearing.compute(online, section, "hearing", online=True)
        online_g = finish(online).mass_g
        comparisons = {
            "online_hearing_mass_g": online_g,
            "online_saving_g": result.mass_g - online_g,
        }
    return result, comparisons


def _carry_over(comp: Computation, fp: Footprint) -> None:
    label = (
        text("component.footprint_named", id=fp.id, name=fp.name)
        if fp.name
        else text("component.footprint", id=fp.id)
    )
    for line in fp.content()["breakdown"]["lines"]:
        comp.add_grams(
            Category(line["category"]),
            Phase(line["phase"]),
            Text.load(line["label"]),
            int(line["mass_g"]),
            component=label,
        )


def create(s: Session, who: Principal, req: FootprintRequest) -> Footprint:
    """Calculate and store a footprint, owned by the caller when signed in (`create_stored`)."""
    return create_stored(s, who, req)[0]


def create_stored(
    s: Session, who: Principal, req: FootprintRequest
) -> tuple[Footprint, dict[str, Any]]:
    """Calculate and store a footprint, owned by the caller when signed in: the row, and its
    document as stored (parsed), so the route renders it without reading the JSON back.

    Its document (StoredFootprintSchema's dump, built by `stored.stored_document`) is frozen
    here; it is served with its words rendered in the reader's language (`trail_text`), and its
    numbers never change. An event records the footprints it includes, which must not overlap
    nor be claimed by a neutralisation already (`claims`).
    """
    fs = factor_set(req.factor_set)
    standard = standards.get(req.standard or standards.DEFAULT)
    referenced = _referenced(s, who, req.section, standard) if req.kind == Kind.event else []
    if referenced:
        claims.check_parts(s, who, [fp.id for fp in referenced])
    result, comparisons = calculate(fs, req.kind, req.section, referenced, standard)
    user_id, org_id = _owner(who, req.organisation_id)
    doc = Document(
        id=random_id("fp_"),  # anonymous footprints are shared by their link
        kind=req.kind,
        name=str(req.section.get("name") or ""),
        mass_g=result.mass_g,
        factor_set=fs.version,
        standard=standard,
        inputs=req.inputs,
        user_id=user_id,
        organisation_id=org_id,
        created_at=utcnow(),
        breakdown=result,
        comparisons=comparisons,
    )
    stored = stored_document(doc)
    row = {
        "id": doc.id,
        "kind": doc.kind,
        "name": doc.name,
        "factor_set": doc.factor_set,
        "mass_g": doc.mass_g,
        "document": json.dumps(stored, ensure_ascii=False, separators=(",", ":")),
        "user_id": user_id,
        "organisation_id": org_id,
        "created_at": doc.created_at,
    }
    # One Core INSERT on the session's connection: no unit-of-work bookkeeping, and no ORM
    # statement handling, on this hot path (the statement is compiled once, then cached).
    conn = s.connection()
    conn.execute(INSERT_FOOTPRINT, row)
    if referenced:
        conn.execute(INSERT_PART, [{"event_id": doc.id, "part_id": r.id} for r in referenced])
    return Footprint(**row), stored


def _owner(who: Principal, org_id: int | None) -> tuple[int | None, int | None]:
    if who.api_key is not None:
        if org_id is not None and org_id != who.api_key.organisation_id:
            raise ValidationFailed("organisation_id", "footprint.api_key_own_org")
        who.authorize_org(who.api_key.organisation_id, scope="footprints:write")
        return None, who.api_key.organisation_id
    if who.user is None:
        if org_id is not None:
            raise ValidationFailed("organisation_id", "footprint.sign_in_for_org")
        return None, None
    if org_id is not None:
        if org_id not in who.roles:
            raise ValidationFailed("organisation_id", "footprint.not_a_member")
        return who.user.id, org_id
    orgs = list(who.roles)
    return who.user.id, orgs[0] if len(orgs) == 1 else None


def _referenced(
    s: Session, who: Principal, section: dict[str, Any], standard: Standard
) -> list[Footprint]:
    ids = section.get("footprints") or []
    if not ids:
        return []
    found = {fp.id: fp for fp in s.scalars(select(Footprint).where(Footprint.id.in_(ids)))}
    out = []
    for i, fid in enumerate(ids):
        fp = found.get(fid)
        if fp is None or not visible(who, fp):
            raise ValidationFailed(f"event.footprints.{i}", "footprint.no_footprint", id=fid)
        if standard_of(fp) != standard:
            raise ValidationFailed(
                f"event.footprints.{i}", "footprint.other_standard", id=fid, standard=standard.id
            )
        out.append(fp)
    return out


def get(s: Session, who: Principal, footprint_id: str) -> Footprint:
    """A footprint by id: anonymous ones by link; owned ones for their owners only."""
    fp = s.get(Footprint, footprint_id)
    if fp is None or not visible(who, fp):
        raise NotFound("footprint.not_found")
    return fp


def standard_of(fp: Footprint) -> Standard | None:
    """The standard a stored footprint was worked out under (None: made before standards)."""
    stored = fp.content().get("standard")
    return standards.get(stored["id"]) if stored else None


def replay(s: Session, fp: Footprint) -> int:
    """Recalculate a stored footprint from its stored inputs with its own factor set."""
    req: FootprintRequest = FootprintCreateSchema().load(fp.content()["inputs"])
    referenced = []
    if req.kind == Kind.event:
        ids = req.section.get("footprints") or []
        found = {f.id: f for f in s.scalars(select(Footprint).where(Footprint.id.in_(ids)))}
        referenced = [found[i] for i in ids]
    result, _ = calculate(
        factors.get(fp.factor_set), req.kind, req.section, referenced, standard_of(fp)
    )
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
