"""Exchange accounts: an organisation opens one with its 统一社会信用代码 (checked by its GB
32100-2015 check character), its legal representative and a contact, accepting the market
documents in force; and who a caller is to a participant or a project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as NumberInvalid

from backend.accounts.models import Organisation, Role
from backend.accounts.phones import mask_phone, normalise_phone
from backend.accounts.principal import Principal
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.registry import catalogue
from backend.registry.models import (
    DocumentAcceptance,
    MonitoringReport,
    Participant,
    ParticipantRole,
    ParticipantRoleRow,
    RegistryProject,
    ReportState,
)
from backend.registry.states import Actor


@dataclass(frozen=True)
class Acceptance:
    document: str
    version: str


@dataclass(frozen=True)
class NewParticipant:
    organisation_id: int
    uscc: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    roles: tuple[ParticipantRole, ...]
    accept: tuple[Acceptance, ...]


def valid_uscc(value: str) -> str | None:
    """The code in its compact form if its check character is right, else None."""
    try:
        return str(stdnum_uscc.validate(value))
    except NumberInvalid:
        return None


def check_acceptances(accept: Sequence[Acceptance]) -> None:
    """Every market document in force, at its version; else 422 on `accept`."""
    given = {a.document: a.version for a in accept}
    docs = catalogue.market_documents()
    unknown = sorted(set(given) - set(docs))
    if unknown:
        raise ValidationFailed("accept", "registry.unknown_document", documents=unknown)
    lacking = [d.code for d in docs.values() if given.get(d.code) != d.version]
    if lacking:
        raise ValidationFailed(
            "accept",
            "registry.documents_to_accept",
            documents=[f"{docs[c].title_zh} {docs[c].version}" for c in lacking],
        )


def open_account(s: Session, who: Principal, new: NewParticipant) -> Participant:
    """An organisation's admin opens its account (one per organisation, one per code)."""
    user = who.require_user()
    if s.get(Organisation, new.organisation_id) is None:
        raise NotFound("accounts.no_organisation")
    who.authorize_org(new.organisation_id, roles=[Role.admin])
    check_acceptances(new.accept)
    p = Participant(
        organisation_id=new.organisation_id,
        uscc=new.uscc,
        legal_representative=new.legal_representative,
        contact_name=new.contact_name,
        contact_phone=normalise_phone(new.contact_phone, "contact_phone"),
        opened_by_id=user.id,
    )
    s.add(p)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict("registry.account_exists") from None
    s.add_all(ParticipantRoleRow(participant_id=p.id, role=r) for r in sorted(set(new.roles)))
    s.add_all(
        DocumentAcceptance(
            participant_id=p.id, document=a.document, version=a.version, accepted_by_id=user.id
        )
        for a in new.accept
    )
    s.flush()
    s.refresh(p)
    return p


def get(s: Session, who: Principal, participant_id: int) -> Participant:
    """A participant its organisation's people and operators may read (others: 404)."""
    who.require_user()
    p = s.get(Participant, participant_id)
    if p is None:
        raise NotFound("registry.no_such_participant")
    who.authorize_org(p.organisation_id)
    return p


def of_organisation(s: Session, who: Principal, organisation_id: int) -> Participant:
    """An organisation's account, for its people and operators (none opened: 404)."""
    who.require_user()
    who.authorize_org(organisation_id)
    p = s.scalar(select(Participant).where(Participant.organisation_id == organisation_id))
    if p is None:
        raise NotFound("registry.no_account")
    return p


def sees_contact(who: Principal, p: Participant) -> bool:
    """The contact's full phone is shown to operators and the organisation's admins only (PIPL:
    everyone else sees it masked)."""
    return who.operator or Role.admin in who.roles.get(p.organisation_id, ())


def require_role(p: Participant, role: ParticipantRole) -> None:
    if role not in p.role_names:
        raise Forbidden("registry.participant_needs_role", params={"role": role.value})


def actors(s: Session, who: Principal, project: RegistryProject) -> set[Actor]:
    """What the caller is to a project: its owner, an operator, a verifier (核证). A verifier
    account outside the owner's organisation is a verifier of a project while one of its reports
    awaits verification, and of one it verified; other projects are none of its business."""
    out: set[Actor] = set()
    if who.user is None:
        return out
    if who.operator:
        out |= {Actor.operator, Actor.verifier}
    owner_org = project.owner.organisation_id
    if owner_org in who.roles:
        out.add(Actor.owner)
        return out
    ids = verifier_ids(s, who)
    if ids and s.scalar(
        select(MonitoringReport.id)
        .where(
            MonitoringReport.project_id == project.id,
            or_(
                MonitoringReport.state == ReportState.submitted,
                MonitoringReport.verifier_id.in_(ids),
            ),
        )
        .limit(1)
    ):
        out.add(Actor.verifier)
    return out


def verifier_ids(s: Session, who: Principal) -> list[int]:
    """The verifier participants of the caller's organisations."""
    if not who.roles:
        return []
    return list(
        s.scalars(
            select(Participant.id)
            .join(ParticipantRoleRow)
            .where(
                Participant.organisation_id.in_(list(who.roles)),
                ParticipantRoleRow.role == ParticipantRole.verifier,
            )
            .order_by(Participant.id)
        )
    )


def verifier_of(s: Session, who: Principal, project: RegistryProject) -> int | None:
    """The verifier participant the caller acts for on this project (None for an operator)."""
    if who.operator:
        return None
    return next(iter(verifier_ids(s, who)), None)


@dataclass(frozen=True)
class ParticipantView:
    """A participant as one caller sees it: the contact's phone in full, or masked."""

    participant: Participant
    full_contact: bool

    @property
    def contact_phone(self) -> str | None:
        return self.participant.contact_phone if self.full_contact else None

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.participant.contact_phone)


def view(who: Principal, p: Participant) -> ParticipantView:
    return ParticipantView(p, sees_contact(who, p))
