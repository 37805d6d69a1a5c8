"""The callback WeChat calls: check the signature and the time, open safe-mode messages, act
once per message, and reply (encrypted when the message was). One transaction, the request's:
a message whose handling writes is claimed first, so a concurrent retry waits for it and
replays its reply; one that only reads (积分, help) is recorded with its reply in one INSERT
after it is answered, and a retry replays that reply (`dedup`).

Plaintext mode signs only [token, timestamp, nonce]; compatibility and safe mode
(`encrypt_type=aes`) sign the `Encrypt` text too (`msg_signature`), and we answer in kind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.errors import DomainError, Forbidden, NotFound
from backend.partners.wechat import dedup, dispatch, followers, registration, xmlcodec
from backend.partners.wechat.crypto import CryptoError, MessageCrypt, signature, signed
from backend.partners.wechat.models import WechatAccount
from backend.partners.wechat.settings import Settings

SUCCESS = "success"  # what WeChat wants when there is nothing to say


class BadSignature(Forbidden):
    slug, title = "wechat-signature", "The WeChat signature does not match"


class StaleTimestamp(Forbidden):
    slug, title = "wechat-timestamp", "The WeChat timestamp is outside the accepted window"


class BadMessage(DomainError):
    status, slug, title = 400, "wechat-message", "Not a WeChat message"


@dataclass(frozen=True)
class Signed:
    """The query WeChat signs its calls with."""

    signature: str
    timestamp: str
    nonce: str
    encrypt_type: str = "raw"
    msg_signature: str = ""


@dataclass(frozen=True)
class Opened:
    account: WechatAccount
    token: str
    crypt: MessageCrypt
    follower: followers.Linked | None = None  # as the query's openid names it, read alongside


@cache
def _account_and_follower() -> Any:
    """The statement `_open` runs for every callback, built once per process."""
    stmt = select(WechatAccount, *followers.linked_columns()).where(
        WechatAccount.slug == bindparam("slug")
    )
    return followers.with_linked(stmt, WechatAccount.id, bindparam("openid"))


def _open(s: Session, settings: Settings, slug: str, openid: str = "") -> Opened:
    """The account by its slug; with `openid` (WeChat names the sender in the query), that
    follower's link and point balances in the same statement, so 积分 needs no other read. The
    message's own FromUserName decides: `follower` is used only when it is the same openid."""
    if openid:
        rows = s.execute(_account_and_follower(), {"slug": slug, "openid": openid}).all()
        account = rows[0][0] if rows else None
        follower = followers.linked_from(openid, rows) if rows else None
    else:
        account = s.scalar(select(WechatAccount).where(WechatAccount.slug == slug))
        follower = None
    if account is None:
        raise NotFound("partners.wechat.no_account")
    token, aes_key = registration.secrets_of(settings.secret_key, account)
    return Opened(account, token, MessageCrypt(aes_key, account.appid), follower)


def _check(opened: Opened, settings: Settings, q: Signed, now: datetime, *extra: str) -> None:
    given = q.msg_signature if extra else q.signature
    if not signed(given, opened.token, q.timestamp, q.nonce, *extra):
        raise BadSignature("partners.wechat.bad_signature")
    if abs(now.timestamp() - int(q.timestamp)) > settings.window_s:
        raise StaleTimestamp(
            "partners.wechat.stale_timestamp", params={"seconds": settings.window_s}
        )


def echo(s: Session, settings: Settings, slug: str, q: Signed, echostr: str) -> str:
    """WeChat's check of the server URL: `echostr` back when the signature is right."""
    _check(_open(s, settings, slug), settings, q, utcnow())
    return echostr


def _read(
    opened: Opened, settings: Settings, q: Signed, body: bytes, now: datetime
) -> dict[str, str]:
    try:
        if q.encrypt_type != "aes":
            _check(opened, settings, q, now)
            return xmlcodec.parse(body)
        encrypted = xmlcodec.parse(body).get("Encrypt", "")
        if not encrypted:
            raise BadMessage("partners.wechat.no_encrypt")
        _check(opened, settings, q, now, encrypted)
        return xmlcodec.parse(opened.crypt.decrypt(encrypted))
    except (CryptoError, xmlcodec.MalformedXml) as exc:
        raise BadMessage("partners.wechat.bad_message", params={"reason": str(exc)}) from exc


def _seal(opened: Opened, reply: str, now: datetime) -> str:
    encrypted = opened.crypt.encrypt(reply)
    timestamp, nonce = str(int(now.timestamp())), str(secrets.randbelow(10**10))
    return xmlcodec.render(
        {
            "Encrypt": encrypted,
            "MsgSignature": signature(opened.token, timestamp, nonce, encrypted),
            "TimeStamp": int(timestamp),
            "Nonce": nonce,
        }
    )


def receive(
    s: Session, settings: Settings, slug: str, q: Signed, body: bytes, openid: str = ""
) -> str:
    """Handle one call; the body to answer with (`success`, a reply, or its encrypted form).
    `openid`: the sender as the query names it (unsigned: only a hint for reading ahead)."""
    now = utcnow()
    opened = _open(s, settings, slug, openid)
    try:
        msg = dispatch.Message.read(_read(opened, settings, q, body, now))
    except dispatch.InvalidMessage as exc:
        raise BadMessage("partners.wechat.bad_message", params={"reason": str(exc)}) from exc
    account_id = opened.account.id
    if not dispatch.writes(msg):
        # Acting only reads: answer, then record the message with its reply in one INSERT; a
        # retry (even a concurrent one, which waits on that INSERT) replays the first reply.
        answer = dispatch.handle(s, settings, opened.account, msg, now, opened.follower)
        reply = dispatch.to_xml(answer, msg, now) if answer else None
        if not dedup.record(s, account_id, msg.key, now, reply):
            reply = dedup.replay(s, account_id, msg.key)
    elif dedup.claim(s, account_id, msg.key, now):
        answer = dispatch.handle(s, settings, opened.account, msg, now)
        reply = dispatch.to_xml(answer, msg, now) if answer else None
        dedup.answered(s, account_id, msg.key, reply)
    else:  # a retry: answer what the first delivery did, and do nothing again
        reply = dedup.replay(s, account_id, msg.key)
    if reply is None:
        return SUCCESS
    return _seal(opened, reply, now) if q.encrypt_type == "aes" else reply
