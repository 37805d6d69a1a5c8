"""Tables of the WeChat official-account link: accounts, their followers, and received messages
(kept a few days so WeChat's retries are answered once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime


class WechatAccount(Base):
    """An organisation's official account; token and EncodingAESKey are sealed (secretbox)."""

    __tablename__ = "wechat_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)  # wx_…, in the callback URL
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    appid: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sealed: Mapped[str] = mapped_column(String(300))
    aes_key_sealed: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WechatFollower(Base):
    """A follower (openid) bound to the account's organisation, and the Diandian user it is
    linked to, if any. Unsubscribing sets `unbound_at`; following again clears it."""

    __tablename__ = "wechat_followers"
    __table_args__ = (UniqueConstraint("account_id", "openid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wechat_accounts.id", ondelete="CASCADE"))
    openid: Mapped[str] = mapped_column(String(64))
    scene: Mapped[str | None] = mapped_column(String(64))  # of the parameterised QR scanned
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WechatMessage(Base):
    """A message or event already handled, and the reply it got (None: `success`).

    `key` is `m:<MsgId>` for messages and `e:<FromUserName>:<CreateTime>` for events, unique
    per account: a retry finds the row and gets the same reply, and nothing is done twice.
    """

    __tablename__ = "wechat_messages"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wechat_accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reply: Mapped[str | None] = mapped_column(Text)
