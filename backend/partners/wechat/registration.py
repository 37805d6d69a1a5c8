"""Organisation admins (and operators) link, list and unlink official accounts. The token and
EncodingAESKey are sealed at rest and never shown again."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.core import secretbox, uow
from backend.core.db import random_id
from backend.core.errors import Conflict, NotFound
from backend.partners.wechat.models import WechatAccount

TOKEN_PURPOSE = "wechat-token"  # noqa: S105 - a secretbox purpose, not a secret
AES_KEY_PURPOSE = "wechat-encoding-aes-key"
SLUG_PREFIX = "wx_"
CALLBACK_PATH = "/api/v1/partners/wechat/{slug}"


class AccountLinked(Conflict):
    slug, title = "wechat-account-linked", "The official account is already linked"


@dataclass(frozen=True)
class Shown:
    """An account as its organisation's admins see it: never its secrets."""

    slug: str
    organisation_id: int
    appid: str
    name: str
    created_at: datetime
    callback_url: str

    @classmethod
    def of(cls, account: WechatAccount, base_url: str) -> Shown:
        return cls(
            slug=account.slug,
            organisation_id=account.organisation_id,
            appid=account.appid,
            name=account.name,
            created_at=account.created_at,
            callback_url=callback_url(base_url, account),
        )


def _authorize(who: Principal, org_id: int) -> int:
    user = who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])
    return user.id


def register(
    s: Session,
    secret_key: str,
    who: Principal,
    org_id: int,
    *,
    appid: str,
    token: str,
    encoding_aes_key: str,
    name: str,
) -> WechatAccount:
    """Link an official account to the organisation; an appid is linked once."""
    user_id = _authorize(who, org_id)
    account = WechatAccount(
        slug=random_id(SLUG_PREFIX),
        organisation_id=org_id,
        appid=appid,
        name=name.strip(),
        token_sealed=secretbox.seal(secret_key, TOKEN_PURPOSE, token),
        aes_key_sealed=secretbox.seal(secret_key, AES_KEY_PURPOSE, encoding_aes_key),
        created_by_id=user_id,
    )
    try:
        with uow.savepoint(s):
            s.add(account)
            s.flush()
    except IntegrityError:
        raise AccountLinked("partners.wechat.already_linked", params={"appid": appid}) from None
    return account


def accounts(s: Session, who: Principal, org_id: int) -> list[WechatAccount]:
    """The organisation's accounts, oldest first."""
    _authorize(who, org_id)
    return list(
        s.scalars(
            select(WechatAccount)
            .where(WechatAccount.organisation_id == org_id)
            .order_by(WechatAccount.id)
        )
    )


def unlink(s: Session, who: Principal, org_id: int, slug: str) -> None:
    """Unlink an account: its callback stops answering, its followers and messages go."""
    _authorize(who, org_id)
    gone = s.execute(
        delete(WechatAccount)
        .where(WechatAccount.organisation_id == org_id, WechatAccount.slug == slug)
        .returning(WechatAccount.id)
    ).first()
    if gone is None:
        raise NotFound("partners.wechat.no_account")


@functools.lru_cache(maxsize=4096)
def _unseal(secret_key: str, purpose: str, sealed: str) -> str:
    # Keyed by the sealed value: a new token or an unlinked account is never served from here.
    return secretbox.unseal(secret_key, purpose, sealed)


def secrets_of(secret_key: str, account: WechatAccount) -> tuple[str, str]:
    """The account's token and EncodingAESKey, unsealed (memoised per process: every callback
    needs them)."""
    return (
        _unseal(secret_key, TOKEN_PURPOSE, account.token_sealed),
        _unseal(secret_key, AES_KEY_PURPOSE, account.aes_key_sealed),
    )


def callback_url(base_url: str, account: WechatAccount) -> str:
    """The URL to paste into the WeChat console's server configuration (服务器地址)."""
    return base_url.rstrip("/") + CALLBACK_PATH.format(slug=account.slug)
