"""A person's rights over their data (PIPL art. 45 and 47): everything we hold on them, as JSON,
and deleting their account.

Accounts is the lowest domain and cannot read the others' tables, so each domain above adds
its part: an export section (`add_section`, registered in `backend/wiring.py`) and an inline
handler of `AccountDeleted`. Deleting keeps the records the law and the ledgers need
(retirements, certificates as issued, the points ledger, the courts' records) but cuts them from
the person: certificates, orders and footprints lose their `user_id`; what stays keyed by the
user's id (points accounts, court audit entries) is keyed by a row with nothing personal left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backend.accounts import credentials, memberships
from backend.accounts.events import AccountDeleted
from backend.accounts.memberships import LastAdmin, OrgRoles
from backend.accounts.models import (
    AccessToken,
    Consent,
    Invitation,
    Membership,
    Role,
    SignInCode,
    User,
    WechatIdentity,
)
from backend.core.clock import utcnow
from backend.core.errors import ValidationFailed
from backend.core.events import bus

CONFIRMATION_TTL = timedelta(minutes=10)
Section = Callable[[Session, int], Any]
_sections: dict[str, Section] = {}


def add_section(name: str, section: Section) -> None:
    """A domain's part of the export: `section(s, user_id)` returns plain JSON (dumped by that
    domain's own schemas)."""
    _sections[name] = section


@dataclass(frozen=True)
class Export:
    """Everything held on one person (`GET /me/export`)."""

    profile: User
    consents: list[Consent]
    wechat_identities: list[WechatIdentity]
    memberships: list[OrgRoles]
    invitations: list[Invitation]
    records: dict[str, Any]
    exported_at: datetime = field(default_factory=utcnow)


def export(s: Session, user: User, *, secret_key: str) -> Export:
    """The person's data: what accounts holds, then each domain's section."""
    consents = s.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.id))
    identities = s.scalars(
        select(WechatIdentity).where(WechatIdentity.user_id == user.id).order_by(WechatIdentity.id)
    )
    return Export(
        profile=user,
        consents=list(consents),
        wechat_identities=list(identities),
        memberships=memberships.held_roles(user),
        invitations=memberships.my_invitations(s, user, secret_key=secret_key),
        records={name: section(s, user.id) for name, section in sorted(_sections.items())},
    )


@dataclass(frozen=True)
class DeletionConfirmation:
    """What `DELETE /me` must send back, within CONFIRMATION_TTL, from the same sign-in."""

    confirmation: str
    expires_at: datetime


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="account-deletion")


def confirm_deletion(
    s: Session, user: User, token: AccessToken, *, secret_key: str
) -> DeletionConfirmation:
    """Step one: check nothing stops the deletion, and give a short-lived confirmation bound to
    this person and this sign-in."""
    _check_deletable(s, user)
    signed = _serializer(secret_key).dumps({"user": user.id, "token": token.id})
    return DeletionConfirmation(str(signed), utcnow() + CONFIRMATION_TTL)


def delete_account(
    s: Session, user: User, token: AccessToken, confirmation: str, *, secret_key: str
) -> None:
    """Step two: erase the account. Every domain erases or unlinks its part (inline handlers of
    `AccountDeleted`), then accounts erases its own: sign-ins, memberships, invitations, WeChat
    identities, and the phone and name on the user row."""
    try:
        signed = _serializer(secret_key).loads(
            confirmation, max_age=int(CONFIRMATION_TTL.total_seconds())
        )
    except SignatureExpired as exc:
        raise ValidationFailed("confirmation", "accounts.confirmation_expired") from exc
    except BadSignature as exc:
        raise ValidationFailed("confirmation", "accounts.confirmation_wrong") from exc
    if signed != {"user": user.id, "token": token.id}:
        raise ValidationFailed("confirmation", "accounts.confirmation_wrong")
    _check_deletable(s, user)
    bus.publish(s, AccountDeleted(user_id=user.id))
    _erase(s, user, secret_key)


def _check_deletable(s: Session, user: User) -> None:
    """The last admin of an organisation that has other members hands it over first."""
    for held in memberships.held_roles(user):
        if Role.admin not in held.roles:
            continue
        others = select(func.count()).where(
            Membership.organisation_id == held.organisation.id, Membership.user_id != user.id
        )
        admins = others.where(Membership.role == Role.admin)
        if s.scalar(others) and not s.scalar(admins):
            raise LastAdmin(
                "accounts.last_admin_of",
                params={"organisation": held.organisation.name},
                organisation_id=held.organisation.id,
            )


def _erase(s: Session, user: User, secret_key: str) -> None:
    uid = user.id
    digest = credentials.phone_digest(secret_key, user.phone)
    s.execute(delete(AccessToken).where(AccessToken.user_id == uid))
    s.execute(delete(SignInCode).where(SignInCode.phone == user.phone))
    s.execute(delete(Membership).where(Membership.user_id == uid))
    s.execute(delete(Invitation).where(Invitation.phone_digest == digest))
    s.execute(update(Invitation).where(Invitation.invited_by_id == uid).values(invited_by_id=None))
    s.execute(delete(WechatIdentity).where(WechatIdentity.user_id == uid))
    user.phone = None  # type: ignore[assignment]  # the one place a phone becomes NULL
    user.display_name = ""
    user.erased_at = utcnow()
    s.flush()
    s.expire(user, ["memberships"])
