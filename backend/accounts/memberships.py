"""Membership by consent: an admin invites a phone, its person accepts or declines, and a
member may leave.

Nothing is granted, and nothing of the person is visible to the organisation, until they
accept, signed in with the invited phone. An invitation keeps no phone number (see
`Invitation`); admins see members' and invitees' numbers masked. An organisation never loses
its last admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from backend.accounts import credentials
from backend.accounts.models import Invitation, Membership, Organisation, OrgKind, Role, User
from backend.accounts.phones import mask_phone, normalise_phone
from backend.accounts.principal import Principal
from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import Conflict, NotFound, ValidationFailed

INVITATION_TTL = timedelta(days=7)
COURT_ROLES = frozenset({Role.judge, Role.clerk})


class InvitationPending(Conflict):
    slug, title = "invitation-pending", "This phone already has an invitation"


class AlreadyMember(Conflict):
    slug, title = "already-member", "Already a member with these roles"


class LastAdmin(Conflict):
    slug, title = "last-admin", "The last admin cannot leave"


@dataclass(frozen=True)
class OrgRoles:
    """The roles a person holds in one organisation."""

    organisation: Organisation
    roles: list[Role]


def held_roles(user: User) -> list[OrgRoles]:
    """A person's organisations and roles, by organisation id."""
    orgs: dict[int, Organisation] = {}
    roles: dict[int, set[Role]] = {}
    for m in user.memberships:
        orgs[m.organisation_id] = m.organisation
        roles.setdefault(m.organisation_id, set()).add(m.role)
    return [OrgRoles(orgs[oid], sorted(roles[oid])) for oid in sorted(orgs)]


def list_members(s: Session, who: Principal, org_id: int) -> list[Membership]:
    """The roles held in an organisation."""
    who.authorize_org(org_id, scope="organisation:read")
    return list(
        s.scalars(
            select(Membership)
            .where(Membership.organisation_id == org_id)
            .options(selectinload(Membership.user))
            .order_by(Membership.user_id, Membership.role)
        )
    )


# --- the admin's side -----------------------------------------------------------------------


def invite(
    s: Session,
    who: Principal,
    org_id: int,
    *,
    phone: str,
    roles: Iterable[Role],
    secret_key: str,
    now: datetime | None = None,
) -> Invitation:
    """Offer roles to a phone (admins). Whether the phone has an account is not revealed."""
    inviter = who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    org = s.get(Organisation, org_id)
    if org is None:
        raise NotFound("accounts.no_organisation")
    offered = set(roles)
    if org.kind != OrgKind.court and offered & COURT_ROLES:
        raise ValidationFailed("roles", "accounts.court_roles_only")
    number, now = normalise_phone(phone), now or utcnow()
    held = set(
        s.scalars(
            select(Membership.role)
            .join(User)
            .where(User.phone == number, Membership.organisation_id == org_id)
        )
    )
    if offered <= held:
        raise AlreadyMember("accounts.already_member")
    digest = credentials.phone_digest(secret_key, number)
    s.execute(
        delete(Invitation).where(
            Invitation.organisation_id == org_id,
            Invitation.phone_digest == digest,
            Invitation.expires_at <= now,
        )
    )
    invitation = Invitation(
        id=random_id("inv_"),
        organisation=org,
        phone_digest=digest,
        phone_masked=mask_phone(number),
        roles=sorted(r.value for r in offered),
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + INVITATION_TTL,
    )
    try:
        with uow.savepoint(s):
            s.add(invitation)
            s.flush()
    except IntegrityError:
        raise InvitationPending("accounts.invitation_pending") from None
    return invitation


def pending_invitations(
    s: Session, who: Principal, org_id: int, now: datetime | None = None
) -> list[Invitation]:
    """An organisation's invitations not yet answered, newest first (admins)."""
    who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    return list(
        s.scalars(
            select(Invitation)
            .where(Invitation.organisation_id == org_id, Invitation.expires_at > (now or utcnow()))
            .order_by(Invitation.created_at.desc(), Invitation.id)
        )
    )


def withdraw(s: Session, who: Principal, org_id: int, invitation_id: str) -> None:
    """Take an invitation back before it is answered (admins)."""
    who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    gone = s.execute(
        delete(Invitation).where(
            Invitation.id == invitation_id, Invitation.organisation_id == org_id
        )
    ).rowcount  # type: ignore[attr-defined]
    if gone != 1:
        raise NotFound("accounts.no_invitation")


# --- the invited person's side --------------------------------------------------------------


def my_invitations(
    s: Session, user: User, *, secret_key: str, now: datetime | None = None
) -> list[Invitation]:
    """The invitations waiting for the signed-in person's phone."""
    return list(
        s.scalars(
            select(Invitation)
            .where(
                Invitation.phone_digest == credentials.phone_digest(secret_key, user.phone),
                Invitation.expires_at > (now or utcnow()),
            )
            .options(selectinload(Invitation.organisation))
            .order_by(Invitation.created_at.desc(), Invitation.id)
        )
    )


def accept(
    s: Session, user: User, invitation_id: str, *, secret_key: str, now: datetime | None = None
) -> OrgRoles:
    """Take the roles an invitation offers; it is then gone."""
    invitation = _mine(s, user, invitation_id, secret_key, now)
    _take(s, invitation)
    org_id = invitation.organisation_id
    held = set(
        s.scalars(
            select(Membership.role).where(
                Membership.user_id == user.id, Membership.organisation_id == org_id
            )
        )
    )
    for role in sorted(set(invitation.offered_roles) - held):
        s.add(Membership(user=user, organisation_id=org_id, role=role))
    s.flush()
    return OrgRoles(invitation.organisation, sorted(held | set(invitation.offered_roles)))


def decline(
    s: Session, user: User, invitation_id: str, *, secret_key: str, now: datetime | None = None
) -> None:
    """Say no: the invitation is deleted, and its admins only see that it is no longer pending."""
    _take(s, _mine(s, user, invitation_id, secret_key, now))


def _mine(
    s: Session, user: User, invitation_id: str, secret_key: str, now: datetime | None
) -> Invitation:
    invitation = s.get(Invitation, invitation_id)
    if (
        invitation is None
        or invitation.phone_digest != credentials.phone_digest(secret_key, user.phone)
        or invitation.expires_at <= (now or utcnow())
    ):
        raise NotFound("accounts.no_invitation")
    return invitation


def _take(s: Session, invitation: Invitation) -> None:
    """Delete an invitation being answered; a concurrent answer or withdrawal wins: 404."""
    gone = s.execute(delete(Invitation).where(Invitation.id == invitation.id)).rowcount  # type: ignore[attr-defined]
    if gone != 1:
        raise NotFound("accounts.no_invitation")


def leave(s: Session, user: User, org_id: int) -> None:
    """Give up every role in an organisation; its last admin may not."""
    org = s.scalars(
        select(Organisation).where(Organisation.id == org_id).with_for_update()
    ).first()  # the lock makes two admins leaving at once take turns
    mine = set(
        s.scalars(
            select(Membership.role).where(
                Membership.user_id == user.id, Membership.organisation_id == org_id
            )
        )
    )
    if org is None or not mine:
        raise NotFound("accounts.not_member")
    if Role.admin in mine and not _other_admins(s, user, org_id):
        raise LastAdmin("accounts.last_admin_leave")
    s.execute(
        delete(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == org_id
        )
    )


def _other_admins(s: Session, user: User, org_id: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == org_id,
                Membership.role == Role.admin,
                Membership.user_id != user.id,
            )
        )
        or 0
    )


def purge_invitations(s: Session, now: datetime | None = None) -> int:
    """Delete lapsed invitations; returns how many."""
    n = s.execute(delete(Invitation).where(Invitation.expires_at <= (now or utcnow()))).rowcount  # type: ignore[attr-defined]
    return int(n)
