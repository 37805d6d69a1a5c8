"""Companies' official-account followers linked to a person, in their data export and in their
account's deletion (the follower stays the company's, unlinked)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeleted
from backend.partners.wechat.models import WechatAccount, WechatFollower


class FollowerSchema(Schema):
    account = fields.String(attribute="name")
    appid = fields.String()
    openid = fields.String()
    bound_at = fields.DateTime()
    unbound_at = fields.DateTime(allow_none=True)
    linked_at = fields.DateTime(allow_none=True)


def export(s: Session, user_id: int) -> list[dict[str, Any]]:
    rows = s.execute(
        select(
            WechatAccount.name,
            WechatAccount.appid,
            WechatFollower.openid,
            WechatFollower.bound_at,
            WechatFollower.unbound_at,
            WechatFollower.linked_at,
        )
        .join(WechatAccount, WechatAccount.id == WechatFollower.account_id)
        .where(WechatFollower.user_id == user_id)
        .order_by(WechatFollower.id)
    ).all()
    dumped: list[dict[str, Any]] = FollowerSchema(many=True).dump(rows)
    return dumped


def erase(s: Session, event: AccountDeleted) -> None:
    s.execute(
        update(WechatFollower)
        .where(WechatFollower.user_id == event.user_id)
        .values(user_id=None, linked_at=None)
    )
