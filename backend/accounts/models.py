"""Organisations, users, roles, invitations, sign-in codes, bearer tokens, API keys, consents,
WeChat identities and the official account's cached API credentials."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.legal import Document
from backend.accounts.phones import mask_phone
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


class OrgKind(enum.StrEnum):
    company = "company"
    court = "court"
    event_organiser = "event_organiser"
    operator = "operator"


class CourtLevel(enum.StrEnum):
    high = "high"
    intermediate = "intermediate"
    basic = "basic"


class Role(enum.StrEnum):
    admin = "admin"
    member = "member"
    judge = "judge"
    clerk = "clerk"


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'court') = (court_level IS NOT NULL)", name="court_level_iff_court"
        ),
        CheckConstraint("parent_id IS NULL OR kind = 'court'", name="parent_only_for_courts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    court_level: Mapped[CourtLevel | None] = mapped_column(str_enum(CourtLevel, "court_level"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")


class User(Base):
    """A person. Deleting an account erases the row's personal data (`erased_at`, no phone, no
    name) but keeps its id, which the points ledger and the courts' records still name."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("(phone IS NULL) = (erased_at IS NOT NULL)", name="phone_until_erased"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL only once erased; an erased person is never signed in, a member or found by phone,
    # so every code path that reads a phone sees a live one (hence `str`).
    phone: Mapped[str] = mapped_column(String(20), unique=True, nullable=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", order_by="Membership.organisation_id"
    )

    @property
    def phone_masked(self) -> str:
        """The phone as others than its owner see it: `+86 139****0001`."""
        return mask_phone(self.phone)


class Membership(Base):
    """One role of one user in one organisation."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(Base):
    """An admin's offer of roles to a phone: nothing is granted until its person accepts.

    Only pending invitations exist: accepting, declining or withdrawing deletes the row, and
    they lapse at `expires_at`. The phone is kept as a keyed digest (found again when its
    person signs in) and a masked form for the admins' list, so a number that never signs in
    is never stored, and no account is made for it.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("organisation_id", "phone_digest"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    phone_digest: Mapped[str] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str] = mapped_column(String(24))
    roles: Mapped[list[str]] = mapped_column(JSON)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    organisation: Mapped[Organisation] = relationship()

    @property
    def offered_roles(self) -> list[Role]:
        """The roles offered, as `Role`s."""
        return [Role(r) for r in self.roles]


class SignInCode(Base):
    """A one-time sign-in code, stored as an HMAC; `attempts` is bounded by a constraint."""

    __tablename__ = "sign_in_codes"
    __table_args__ = (
        CheckConstraint("attempts >= 0 AND attempts <= max_attempts", name="attempts_bounded"),
        Index("ix_sign_in_codes_phone_created", "phone", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccessToken(Base):
    """An opaque bearer token; only its SHA-256 is stored."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class ApiKey(Base):
    """An organisation's API key: visible prefix, hashed secret, scopes, revocable."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()


class Consent(Base):
    """A person's answer to one version of a legal text: accepted, or withdrawn. Append-only:
    the newest row for a document is the answer in force, and the rows before it are the record
    of what was agreed when. Kept after an account is erased (they hold no personal data)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user_document", "user_id", "document", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document: Mapped[Document] = mapped_column(str_enum(Document, "legal_document", 10))
    version: Mapped[str] = mapped_column(String(20))
    accepted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WechatApp(enum.StrEnum):
    official_account = "official_account"  # OAuth 2.0 web authorisation in WeChat's browser
    mini_program = "mini_program"  # wx.login and code2session


class WechatIdentity(Base):
    """Who a person is to one of our WeChat apps: the app's openid, and the unionid shared by
    the apps of one WeChat Open Platform account (when WeChat gives one).

    Kept in plain text: they are looked up by equality at every WeChat sign-in, WeChat Pay's
    JSAPI needs the payer's openid as it is, and neither says anything outside its app without
    Tencent. They are exported with the account and deleted with it. One identity per person
    and app; an unbound openid is never stored.
    """

    __tablename__ = "wechat_identities"
    __table_args__ = (
        UniqueConstraint("app_id", "openid"),
        UniqueConstraint("user_id", "app_id"),
        Index("ix_wechat_identities_unionid", "unionid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(String(32))
    app: Mapped[WechatApp] = mapped_column(str_enum(WechatApp, "wechat_app", 20))
    openid: Mapped[str] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WechatStateUse(Base):
    """An OAuth `state` already exchanged: a replay of it is refused. Kept as long as a state
    lives, then purged."""

    __tablename__ = "wechat_oauth_states"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class WechatCredential(Base):
    """The official account's `access_token` and JS-SDK `jsapi_ticket`, cached for every worker:
    WeChat limits how often either may be fetched, and each lives 7200 s. Sealed (secretbox),
    since the access token acts as the account for its lifetime."""

    __tablename__ = "wechat_credentials"

    app_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # access_token, jsapi_ticket
    value_sealed: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
