"""Accounts use cases: sign-in by phone code, tokens, organisations and API keys.

Services flush and never commit: the route or command owns the transaction. Counting a wrong
sign-in code is the one step committed on its own (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from backend.accounts import consent, credentials
from backend.accounts.models import (
    AccessToken,
    ApiKey,
    CourtLevel,
    Membership,
    Organisation,
    OrgKind,
    Role,
    SignInCode,
    User,
)
from backend.accounts.phones import normalise_phone
from backend.accounts.principal import SCOPES, Principal
from backend.accounts.sms import SmsSender
from backend.core import uow
from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidCode, NotFound, Unauthenticated, ValidationFailed

API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)
COURT_LEVEL_ORDER = [CourtLevel.high, CourtLevel.intermediate, CourtLevel.basic]


@dataclass(frozen=True)
class AuthSettings:
    """What sign-in needs from the configuration."""

    secret_key: str
    sandbox: bool
    code_ttl: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    token_ttl: timedelta = timedelta(days=30)


@dataclass(frozen=True)
class IssuedCode:
    """A code sent to a phone; `code` is answered in sandbox mode only."""

    phone: str
    expires_at: datetime
    code: str
    sandbox: bool


@dataclass(frozen=True)
class IssuedToken:
    """A bearer token, shown once."""

    access_token: str
    record: AccessToken
    token_type: str = "Bearer"  # noqa: S105 - a scheme, not a secret

    @property
    def expires_at(self) -> datetime:
        return self.record.expires_at

    @property
    def user(self) -> User:
        return self.record.user


@dataclass(frozen=True)
class IssuedApiKey:
    """A new API key: its record, and the full key, shown once."""

    record: ApiKey
    key: str

    def __getattr__(self, name: str) -> object:
        return getattr(self.record, name)  # the record's fields, for ApiKeySchema


class KeyRevoked(Conflict):
    slug, title = "api-key-revoked", "The API key is already revoked"


# --- sign-in -------------------------------------------------------------------------------


def request_code(s: Session, cfg: AuthSettings, sms: SmsSender, raw_phone: str) -> IssuedCode:
    """Issue a new code; any earlier unused code for the phone stops working.

    The code is stored (flushed) before it is sent, so nobody is texted a code the database
    refused. A failed send raises (`sms_vendor`): the route rolls back, so the new code is not
    kept and an earlier one still works.
    """
    phone = normalise_phone(raw_phone)
    now = utcnow()
    s.execute(
        update(SignInCode)
        .where(SignInCode.phone == phone, SignInCode.consumed_at.is_(None))
        .values(consumed_at=now)
    )
    code = credentials.new_code()
    record = SignInCode(
        phone=phone,
        code_hash=credentials.code_mac(cfg.secret_key, phone, code),
        max_attempts=cfg.max_attempts,
        created_at=now,
        expires_at=now + cfg.code_ttl,
    )
    s.add(record)
    s.flush()
    sms.send_code(phone, code)
    return IssuedCode(phone=phone, expires_at=record.expires_at, code=code, sandbox=cfg.sandbox)


def sign_in(
    s: Session,
    cfg: AuthSettings,
    raw_phone: str,
    code: str,
    accept: Sequence[consent.Acceptance] = (),
) -> IssuedToken:
    """Check a code (bounded attempts, single use) and issue a bearer token.

    A first sign-in creates the user, once `accept` holds the terms and privacy policy in
    force (else 403 `consent-required`, and the code stays unused for the retry); acceptances
    sent by someone who has an account are recorded too. The attempt is counted in a step of
    its own, committed before the code is compared, so a wrong guess counts although its
    request then fails.
    """
    phone = normalise_phone(raw_phone)
    now = utcnow()
    challenge = s.scalars(
        select(SignInCode)
        .where(SignInCode.phone == phone, SignInCode.consumed_at.is_(None))
        .order_by(SignInCode.id.desc())
        .limit(1)
    ).first()
    if challenge is None:
        raise InvalidCode("accounts.code_none")
    if challenge.expires_at <= now:
        raise InvalidCode("accounts.code_expired", reason="expired")
    # Count the attempt atomically: the database refuses more than max_attempts.
    counted = s.execute(
        update(SignInCode)
        .where(SignInCode.id == challenge.id, SignInCode.attempts < SignInCode.max_attempts)
        .values(attempts=SignInCode.attempts + 1)
    )
    uow.step(s)
    if counted.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidCode("accounts.code_locked", reason="locked")
    if not credentials.same(challenge.code_hash, credentials.code_mac(cfg.secret_key, phone, code)):
        s.refresh(challenge)
        left = challenge.max_attempts - challenge.attempts
        raise InvalidCode("accounts.code_wrong", reason="wrong", attempts_left=left)
    user = s.scalars(select(User).where(User.phone == phone)).first()
    if user is None:
        consent.check_new_account(accept)
    consumed = s.execute(
        update(SignInCode)
        .where(SignInCode.id == challenge.id, SignInCode.consumed_at.is_(None))
        .values(consumed_at=now)
    )
    if consumed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidCode("accounts.code_used", reason="used")
    if user is None:
        user = User(phone=phone, display_name="")
        s.add(user)
        s.flush()
    consent.accept(s, user, accept)
    return issue_token(s, cfg, user)


def issue_token(s: Session, cfg: AuthSettings, user: User) -> IssuedToken:
    """A new bearer token for a person already identified (a code, or WeChat)."""
    token = credentials.new_token()
    record = AccessToken(
        user=user,
        token_hash=credentials.sha256(token),
        expires_at=utcnow() + cfg.token_ttl,
    )
    s.add(record)
    s.flush()
    return IssuedToken(access_token=token, record=record)


def sign_out(s: Session, token: AccessToken) -> None:
    """Revoke the token used for this request."""
    token.revoked_at = utcnow()
    s.flush()


# --- authentication -------------------------------------------------------------------------


def principal_for_token(s: Session, raw: str) -> tuple[Principal, AccessToken]:
    """The user behind a bearer token; 401 if it is unknown, expired or revoked."""
    record = (
        s.scalars(
            select(AccessToken)
            .where(AccessToken.token_hash == credentials.sha256(raw))
            .options(
                joinedload(AccessToken.user)
                .joinedload(User.memberships)
                .joinedload(Membership.organisation)
            )
        )
        .unique()
        .first()
    )
    if record is None or record.revoked_at is not None:
        raise Unauthenticated("accounts.token_invalid")
    if record.expires_at <= utcnow():
        raise Unauthenticated("accounts.token_expired")
    return principal_of_user(record.user), record


def principal_of_user(user: User) -> Principal:
    """A principal carrying the user's roles by organisation."""
    roles: dict[int, set[Role]] = {}
    for m in user.memberships:
        roles.setdefault(m.organisation_id, set()).add(m.role)
    operator = any(m.organisation.kind == OrgKind.operator for m in user.memberships)
    return Principal(
        user=user, roles={k: frozenset(v) for k, v in roles.items()}, operator=operator
    )


def principal_for_api_key(s: Session, raw: str) -> Principal:
    """The organisation behind an API key; 401 if it is unknown or revoked."""
    parts = credentials.split_api_key(raw)
    key = s.scalars(select(ApiKey).where(ApiKey.prefix == parts[0])).first() if parts else None
    if (
        parts is None
        or key is None
        or key.revoked_at is not None
        or not credentials.same(key.secret_hash, credentials.sha256(parts[1]))
    ):
        raise Unauthenticated("accounts.api_key_invalid")
    return Principal(api_key=key)


def api_key_use_due(key: ApiKey, now: datetime) -> bool:
    """Whether a use of the key should be noted (at most once per API_KEY_TOUCH_INTERVAL)."""
    return key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL


def note_api_key_use(s: Session, key_id: int, now: datetime) -> None:
    """Record that a key was used; skipped, not awaited, while another transaction holds its
    row (SKIP LOCKED on PostgreSQL; SQLite has no row locks)."""
    free = (
        select(ApiKey.id)
        .where(ApiKey.id == key_id)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    s.execute(
        update(ApiKey)
        .where(
            ApiKey.id == free,
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at < now - API_KEY_TOUCH_INTERVAL,
            ),
        )
        .values(last_used_at=now)
    )


# --- users and organisations ----------------------------------------------------------------


def update_profile(s: Session, user: User, display_name: str) -> User:
    """Change the display name."""
    user.display_name = display_name.strip()
    s.flush()
    return user


def create_organisation(
    s: Session,
    who: Principal,
    *,
    name: str,
    kind: OrgKind,
    court_level: CourtLevel | None = None,
    parent_id: int | None = None,
) -> Organisation:
    """Create an organisation with the caller as its admin.

    Companies and event organisers are self-service; courts and operators need an operator.
    """
    user = who.require_user()
    if kind in (OrgKind.court, OrgKind.operator):
        who.require_operator()
    if kind == OrgKind.court:
        parent = _check_court_shape(s, court_level, parent_id)
    else:
        if court_level is not None:
            raise ValidationFailed("court_level", "accounts.court_only_level")
        if parent_id is not None:
            raise ValidationFailed("parent_id", "accounts.court_only_parent")
        parent = None
    org = Organisation(name=name.strip(), kind=kind, court_level=court_level, parent=parent)
    s.add(org)
    s.add(Membership(user=user, organisation=org, role=Role.admin))
    s.flush()
    return org


def _check_court_shape(
    s: Session, level: CourtLevel | None, parent_id: int | None
) -> Organisation | None:
    if level is None:
        raise ValidationFailed("court_level", "accounts.court_needs_level")
    if level == CourtLevel.high:
        if parent_id is not None:
            raise ValidationFailed("parent_id", "accounts.court_high_no_parent")
        return None
    if parent_id is None:
        raise ValidationFailed("parent_id", "accounts.court_needs_parent")
    parent = s.get(Organisation, parent_id)
    if parent is None or parent.kind != OrgKind.court or parent.court_level is None:
        raise ValidationFailed("parent_id", "accounts.court_parent_unknown")
    if COURT_LEVEL_ORDER.index(parent.court_level) != COURT_LEVEL_ORDER.index(level) - 1:
        raise ValidationFailed("parent_id", "accounts.court_parent_level")
    return parent


def organisations_of(s: Session, who: Principal) -> list[Organisation]:
    """The organisations the caller belongs to (all of them for operators)."""
    query = select(Organisation).order_by(Organisation.id)
    if not who.operator:
        if who.api_key is not None:
            query = query.where(Organisation.id == who.api_key.organisation_id)
        else:
            query = query.where(Organisation.id.in_(list(who.roles)))
    return list(s.scalars(query))


def get_organisation(s: Session, who: Principal, org_id: int) -> Organisation:
    """One organisation, for its members, its API keys with `organisation:read`, or operators."""
    who.authorize_org(org_id, scope="organisation:read")
    org = s.get(Organisation, org_id)
    if org is None:
        raise NotFound("accounts.no_organisation")
    return org


def create_api_key(
    s: Session, who: Principal, org_id: int, *, name: str, scopes: list[str]
) -> IssuedApiKey:
    """A new key for an organisation; the full key is returned once and never stored."""
    user = who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationFailed("scopes", "accounts.unknown_scopes", scopes=unknown)
    prefix, secret, full = credentials.new_api_key()
    key = ApiKey(
        organisation_id=org_id,
        name=name.strip(),
        prefix=prefix,
        secret_hash=credentials.sha256(secret),
        scopes=sorted(set(scopes)),
        created_by_id=user.id,
    )
    s.add(key)
    s.flush()
    return IssuedApiKey(record=key, key=full)


def list_api_keys(s: Session, who: Principal, org_id: int) -> list[ApiKey]:
    """The organisation's keys, revoked ones included, newest first."""
    who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    return list(
        s.scalars(select(ApiKey).where(ApiKey.organisation_id == org_id).order_by(ApiKey.id.desc()))
    )


def revoke_api_key(s: Session, who: Principal, org_id: int, key_id: int) -> ApiKey:
    """Revoke a key; revoking twice is a conflict."""
    who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    key = s.get(ApiKey, key_id)
    if key is None or key.organisation_id != org_id:
        raise NotFound("accounts.no_api_key")
    if key.revoked_at is not None:
        raise KeyRevoked("accounts.api_key_revoked")
    key.revoked_at = utcnow()
    s.flush()
    return key


def ensure_operator(s: Session, phone: str, display_name: str, org_name: str) -> User:
    """Bootstrap: the operator organisation and an admin in it (idempotent)."""
    number = normalise_phone(phone)
    org = s.scalars(select(Organisation).where(Organisation.kind == OrgKind.operator)).first()
    if org is None:
        org = Organisation(name=org_name, kind=OrgKind.operator)
        s.add(org)
    user = s.scalars(select(User).where(User.phone == number)).first()
    if user is None:
        user = User(phone=number, display_name=display_name)
        s.add(user)
    s.flush()
    exists = s.scalars(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == org.id,
            Membership.role == Role.admin,
        )
    ).first()
    if exists is None:
        s.add(Membership(user=user, organisation=org, role=Role.admin))
    s.flush()
    return user
