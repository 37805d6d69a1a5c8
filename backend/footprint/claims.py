"""One neutralisation per emission: which footprints are claimed, and by what.

A claim covers a footprint and every footprint it includes, at any depth (an event's parts,
their parts, ...), one `footprint_claims` row each. The row's primary key is the footprint's id,
so the database lets one claim at a time cover a footprint, however claims race. Orders claim
the footprint they neutralise when they are placed and release it when they stop being live;
the claim's reference is the order's id, which this domain stores and matches, nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core import uow
from backend.core.errors import Conflict, Forbidden, ValidationFailed, field_error
from backend.footprint.access import visible
from backend.footprint.models import Footprint, FootprintClaim, FootprintPart

CLAIMS = cast(Table, FootprintClaim.__table__)
ATTEMPTS = 3
# (the problem, its field's entry) for a claimed footprint named, or one within a part
INCLUDES_NAMED = ("footprint.includes_neutralised", "footprint.includes_neutralised_field")
INCLUDES_WITHIN = (
    "footprint.includes_neutralised_within",
    "footprint.includes_neutralised_within_field",
)


@dataclass(frozen=True)
class Claim:
    footprint_id: str  # the footprint covered
    root_id: str  # the footprint claimed as a whole: itself, or an event that includes it
    reference: str  # who claims it (an order's id)


class ComponentNeutralised(Conflict):
    slug = "component-already-neutralised"
    title = "A footprint it includes is already neutralised"


class InNeutralisedEvent(Conflict):
    slug = "in-neutralised-event"
    title = "This footprint is part of an event already neutralised"


def within(s: Session, ids: Sequence[str]) -> list[tuple[str, str]]:
    """(id, member) for each of `ids` and every footprint it includes at any depth, itself
    among them (one recursive query)."""
    tree = (
        select(Footprint.id.label("top"), Footprint.id.label("member"))
        .where(Footprint.id.in_(ids))
        .cte("within", recursive=True)
    )
    tree = tree.union(
        select(tree.c.top, FootprintPart.part_id).join(
            FootprintPart, FootprintPart.event_id == tree.c.member
        )
    )
    return [(row.top, row.member) for row in s.execute(select(tree.c.top, tree.c.member))]


def covering(s: Session, ids: Sequence[str], first: str | None = None) -> Claim | None:
    """A claim on any of `ids` (on `first` if it has one), or None."""
    found = sorted(
        s.execute(
            select(
                FootprintClaim.footprint_id, FootprintClaim.root_id, FootprintClaim.reference
            ).where(FootprintClaim.footprint_id.in_(ids))
        ).all(),
        key=lambda row: (row.footprint_id != first, row.footprint_id),
    )
    return Claim(*found[0]) if found else None


def claim(s: Session, footprint_id: str, reference: str, now: datetime) -> Claim | None:
    """Claim the footprint and everything it includes for `reference`. Returns the claim in the
    way, if any, and then writes nothing.

    The rows go in sorted by id, so two claims that share footprints wait for each other in one
    order (no deadlock); the loser of a race meets the winner's committed row and names it."""
    ids = sorted({member for _, member in within(s, [footprint_id])})
    rows = [
        {"footprint_id": i, "root_id": footprint_id, "reference": reference, "claimed_at": now}
        for i in ids
    ]
    for _ in range(ATTEMPTS):
        found = covering(s, ids, footprint_id)
        if found is not None:
            return found
        try:
            with uow.savepoint(s):
                s.execute(insert(CLAIMS), rows)
            return None
        except IntegrityError:
            continue  # a concurrent claim won (or came and went): look again
    raise Conflict("footprint.claim_busy")


def release(s: Session, reference: str) -> None:
    """Free every footprint `reference` claimed (again: no effect)."""
    s.execute(delete(CLAIMS).where(CLAIMS.c.reference == reference))


def refusal(s: Session, who: Principal, asked: str, found: Claim, field: str) -> Conflict:
    """The 409 for neutralising `asked`, which `found` (not a claim on `asked` as a whole)
    covers in part or includes. Footprints are named only to those who may read them."""
    if found.footprint_id == asked:
        event = s.get_one(Footprint, found.root_id)
        if _readable(who, event):
            return InNeutralisedEvent(
                "footprint.in_event_named",
                params={"event": event.id},
                errors=[field_error(field, "footprint.part_of_event_named", event=event.id)],
                event_id=event.id,
            )
        return InNeutralisedEvent(
            "footprint.in_event",
            errors=[field_error(field, "footprint.part_of_event")],
            event_id=None,
        )
    return component_refusal(s, who, found, field, via=_via(s, asked, found.footprint_id))


def component_refusal(s: Session, who: Principal, found: Claim, field: str, via: str) -> Conflict:
    """A footprint that `via` includes (or `via` itself) is claimed: named when the caller may
    read it, else `via`, which the caller gave or can read in what it gave."""
    component = s.get_one(Footprint, found.footprint_id)
    named = component.id if _readable(who, component) else via
    if named == component.id:
        codes, params = INCLUDES_NAMED, {"footprint": named}
    else:
        codes, params = INCLUDES_WITHIN, {"via": via}
    return ComponentNeutralised(
        codes[0],
        params=params,
        errors=[field_error(field, codes[1], **params)],
        component_id=named,
    )


def check_parts(s: Session, who: Principal, ids: Sequence[str]) -> None:
    """An event's parts, before it is made: no two may include the same footprint (422), and
    none may be claimed (409): the event could not be neutralised without a second claim."""
    through: dict[str, list[str]] = defaultdict(list)
    for top, member in within(s, ids):
        through[member].append(top)
    for tops in through.values():
        if len(tops) > 1:
            first, again = sorted(tops, key=ids.index)[:2]
            raise ValidationFailed(
                f"event.footprints.{ids.index(again)}", "footprint.parts_overlap", other=first
            )
    found = covering(s, list(through))
    if found is not None:
        top = through[found.footprint_id][0]
        raise component_refusal(s, who, found, f"event.footprints.{ids.index(top)}", via=top)


def _readable(who: Principal, fp: Footprint) -> bool:
    """May the caller read it? (An API key without `footprints:read` may not.)"""
    try:
        return visible(who, fp)
    except Forbidden:
        return False


def _via(s: Session, event_id: str, member: str) -> str:
    """The part of `event_id` through which it includes `member`."""
    parts = s.scalars(select(FootprintPart.part_id).where(FootprintPart.event_id == event_id))
    return next(top for top, m in within(s, list(parts)) if m == member)
