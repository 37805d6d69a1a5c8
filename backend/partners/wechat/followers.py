"""Followers of an account: bound by following or scanning a QR, unbound by unfollowing, and
linked to a Diandian user. Each is one upsert on (account, openid)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.core.db import upsert
from backend.partners.wechat.models import WechatFollower
from backend.points import ledger

MAX_SCENE = 64


def _upsert(s: Session, values: dict[str, Any], changes: dict[str, Any]) -> None:
    s.execute(
        upsert(s, WechatFollower)
        .values(**values, **changes)
        .on_conflict_do_update(index_elements=["account_id", "openid"], set_=changes)
    )


def bind(s: Session, account_id: int, openid: str, scene: str | None, now: datetime) -> None:
    """Bind the follower to the account's organisation, with the QR scene when there is one."""
    changes: dict[str, Any] = {"bound_at": now, "unbound_at": None}
    if scene and len(scene) <= MAX_SCENE:
        changes["scene"] = scene
    _upsert(s, {"account_id": account_id, "openid": openid}, changes)


def unbind(s: Session, account_id: int, openid: str, now: datetime) -> None:
    """The follower unfollowed: bound no more (the user link is kept for a return)."""
    s.execute(
        update(WechatFollower)
        .where(
            WechatFollower.account_id == account_id,
            WechatFollower.openid == openid,
            WechatFollower.unbound_at.is_(None),
        )
        .values(unbound_at=now)
    )


def link(s: Session, account_id: int, openid: str, user_id: int, now: datetime) -> None:
    """Link the follower to a user; a follower we had not seen is bound now."""
    _upsert(
        s,
        {"account_id": account_id, "openid": openid, "bound_at": now},
        {"user_id": user_id, "linked_at": now},
    )


def linked_balances(
    s: Session, account_id: int, openid: str
) -> tuple[int | None, ledger.Balances]:
    """The user the follower is linked to (None if not) and that user's point balances, in one
    statement (the follower LEFT JOIN the user's point accounts): the 积分 command's reads."""
    rows = s.execute(
        select(WechatFollower.user_id, ledger.ACCOUNTS.c.kind, ledger.ACCOUNTS.c.balance)
        .outerjoin(ledger.ACCOUNTS, ledger.ACCOUNTS.c.user_id == WechatFollower.user_id)
        .where(WechatFollower.account_id == account_id, WechatFollower.openid == openid)
    ).all()
    user_id = rows[0][0] if rows else None
    kinds = {kind: balance for _, kind, balance in rows if kind is not None}
    return user_id, ledger.Balances(int(kinds.get("wallet", 0)), int(kinds.get("pending", 0)))


def linked_user(s: Session, account_id: int, openid: str) -> int | None:
    """The user the follower is linked to, if any."""
    return s.scalar(
        select(WechatFollower.user_id).where(
            WechatFollower.account_id == account_id, WechatFollower.openid == openid
        )
    )
