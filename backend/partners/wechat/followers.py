"""Followers of an account: bound by following or scanning a QR, unbound by unfollowing, and
linked to a Diandian user. Each is one upsert on (account, openid)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from backend.core.db import upsert
from backend.partners.wechat.models import WechatAccount, WechatFollower
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


@dataclass(frozen=True)
class Linked:
    """A follower as the 积分 command needs it: the user it is linked to (None if not) and that
    user's point balances (zero when not linked)."""

    openid: str
    user_id: int | None
    balances: ledger.Balances


def linked_columns() -> tuple[Any, ...]:
    """The columns `linked_from` reads: the follower's user and its point accounts' balances."""
    return (WechatFollower.user_id, ledger.ACCOUNTS.c.kind, ledger.ACCOUNTS.c.balance)


def with_linked(stmt: Any, account_id: Any, openid: Any) -> Any:
    """`stmt` (selecting `linked_columns()`) LEFT JOIN the follower `openid` (a value or a bound
    parameter) of the account and its user's point accounts."""
    follower = and_(WechatFollower.account_id == account_id, WechatFollower.openid == openid)
    return stmt.outerjoin(WechatFollower, follower).outerjoin(
        ledger.ACCOUNTS, ledger.ACCOUNTS.c.user_id == WechatFollower.user_id
    )


def linked_from(openid: str, rows: Sequence[Sequence[Any]]) -> Linked:
    """The follower from rows ending in `linked_columns()` (one per point account, or one of
    NULLs)."""
    user_id = rows[0][-3] if rows else None
    kinds = {row[-2]: row[-1] for row in rows if row[-2] is not None}
    balances = ledger.Balances(int(kinds.get("wallet", 0)), int(kinds.get("pending", 0)))
    return Linked(openid, user_id, balances)


def linked_balances(s: Session, account_id: int, openid: str) -> Linked:
    """The follower's linked user and point balances, in one statement."""
    stmt = (
        select(*linked_columns()).select_from(WechatAccount).where(WechatAccount.id == account_id)
    )
    return linked_from(openid, s.execute(with_linked(stmt, WechatAccount.id, openid)).all())


def linked_user(s: Session, account_id: int, openid: str) -> int | None:
    """The user the follower is linked to, if any."""
    return s.scalar(
        select(WechatFollower.user_id).where(
            WechatFollower.account_id == account_id, WechatFollower.openid == openid
        )
    )
