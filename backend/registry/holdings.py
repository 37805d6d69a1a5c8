"""Holdings: the blocks of units each participant holds, moved only by transfers. Moving tonnes
into 点点's retirement inventory takes a holding's first units and makes them a credits lot with
the same serials and a link back to their issuance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.errors import Conflict, NotFound
from backend.credits import catalogue as credits_catalogue
from backend.credits import serials
from backend.credits.catalogue import LotFields, NewProject
from backend.credits.models import Lot
from backend.registry import catalogue, participants
from backend.registry.models import Holding, Issuance, RegistryProject, Transfer, TransferKind


@dataclass(frozen=True)
class HeldBlock:
    """A holding with what it is: standard, project, vintage, and its serials as written."""

    holding: Holding
    issuance: Issuance
    project: RegistryProject

    @property
    def serial_range(self) -> str:
        i = self.issuance
        return serials.block(
            i.serial_range,
            i.first_unit,
            i.last_unit,
            self.holding.first_unit,
            self.holding.last_unit,
        )


@dataclass(frozen=True)
class Moved:
    transfer: Transfer
    lot: Lot


def held(s: Session, who: Principal, participant_id: int) -> list[HeldBlock]:
    """A participant's holdings, by standard, project, vintage and serial."""
    p = participants.get(s, who, participant_id)
    rows = s.execute(
        select(Holding, Issuance, RegistryProject)
        .join(Issuance, Holding.issuance_id == Issuance.id)
        .join(RegistryProject, Issuance.project_id == RegistryProject.id)
        .where(Holding.participant_id == p.id)
        .order_by(Holding.standard, RegistryProject.id, Issuance.vintage, Holding.first_unit)
    )
    return [HeldBlock(h, i, pr) for h, i, pr in rows]


def registry_id(project: RegistryProject) -> str:
    """The project's id in the inventory: `CDCER-{short}-{id:04d}` (our assumption; four
    digits, so it never meets the demo's three-digit CDCER ids)."""
    short = catalogue.methodologies()[project.methodology].short
    return f"{project.standard}-{short}-{project.id:04d}"


def to_inventory(
    s: Session,
    who: Principal,
    holding_id: int,
    tonnes: int,
    *,
    acquisition_cost_fen: int,
    price_fen_per_t: int,
) -> Moved:
    """Move a holding's first `tonnes` into the retirement inventory (operators)."""
    user = who.require_operator()
    h = s.get(Holding, holding_id, with_for_update=True, populate_existing=True)
    if h is None:
        raise NotFound("registry.no_such_holding")
    if tonnes > h.tonnes:
        raise Conflict("registry.holding_too_small", params={"tonnes": tonnes, "held_t": h.tonnes})
    first, last = h.first_unit, h.first_unit + tonnes - 1
    issuance, project = h.issuance, h.issuance.project
    participant_id = h.participant_id
    if last == h.last_unit:
        s.delete(h)
    else:
        h.first_unit = last + 1
    s.flush()
    method = catalogue.methodologies()[project.methodology]
    lot = credits_catalogue.add_issued_lot(
        s,
        NewProject(
            standard=project.standard,
            registry_id=registry_id(project),
            name_zh=project.name_zh,
            name_en=project.name_en,
            type=method.project_type,
            methodology=f"{method.code} {method.name_zh}",
            country="CN",
            province=project.province,
        ),
        LotFields(
            vintage=issuance.vintage,
            serial_range=serials.block(
                issuance.serial_range, issuance.first_unit, issuance.last_unit, first, last
            ),
            first_unit=first,
            last_unit=last,
            acquisition_cost_fen=acquisition_cost_fen,
            price_fen_per_t=price_fen_per_t,
        ),
        issuance.id,
    )
    transfer = Transfer(
        kind=TransferKind.inventory,
        issuance_id=issuance.id,
        from_participant_id=participant_id,
        lot_id=lot.id,
        first_unit=first,
        last_unit=last,
        by_id=user.id,
    )
    s.add(transfer)
    s.flush()
    return Moved(transfer, lot)
