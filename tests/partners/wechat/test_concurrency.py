"""WeChat retries a message it got no answer to within 5 seconds, so a retry can arrive while
the first delivery is still being handled: on PostgreSQL both get one answer, acted on once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select

from backend.accounts.models import Organisation, OrgKind
from backend.core import secretbox, uow
from backend.core.db import random_id
from backend.partners.wechat import callback, registration
from backend.partners.wechat.crypto import signature
from backend.partners.wechat.models import WechatAccount, WechatFollower, WechatMessage
from backend.partners.wechat.settings import Settings
from tests.partners.wechat.conftest import AES_KEY, APPID, ORIGINAL_ID, TOKEN, message_xml

# A follower's first message of each kind: one that writes (following binds the follower) is
# claimed before it is acted on; one that only reads (积分, from a follower not linked yet) is
# recorded with its reply after it.
SUBSCRIBE: dict[str, str | int] = {
    "MsgType": "event",
    "Event": "subscribe",
    "EventKey": "qrscene_race",
}
WALLET: dict[str, str | int] = {"MsgType": "text", "Content": "积分", "MsgId": 4242}


@pytest.mark.parametrize(
    ("fields", "expected", "followers_after"),
    [(SUBSCRIBE, "欢迎关注并发服务号", 1), (WALLET, "绑定点点账号", 0)],
    ids=["subscribe", "wallet"],
)
def test_concurrent_deliveries_of_one_message_act_once(
    app, committing, fields, expected, followers_after
):
    setup = committing()
    org = Organisation(name="并发公司", kind=OrgKind.company)
    setup.add(org)
    setup.flush()
    account = WechatAccount(
        slug=random_id("wx_"),
        organisation_id=org.id,
        appid=APPID,
        name="并发服务号",
        token_sealed=secretbox.seal("test-secret", registration.TOKEN_PURPOSE, TOKEN),
        aes_key_sealed=secretbox.seal("test-secret", registration.AES_KEY_PURPOSE, AES_KEY),
    )
    setup.add(account)
    setup.commit()
    settings = Settings("test-secret", "http://x", 300, app.extensions["certificate_issuer"])
    now = str(int(time.time()))
    q = callback.Signed(signature(TOKEN, now, "n"), now, "n")
    message: dict[str, str | int] = {
        "ToUserName": ORIGINAL_ID,
        "FromUserName": "o_race",
        "CreateTime": int(now),
        **fields,
    }
    body = message_xml(message).encode()
    start = threading.Barrier(4)

    def deliver() -> str:
        with committing() as s, uow.transaction(s):  # the request's unit of work
            start.wait()
            return callback.receive(s, settings, account.slug, q, body)

    try:
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda _: deliver(), range(4)))
        assert len(set(replies)) == 1
        assert expected in replies[0]
        count = setup.scalar(select(func.count()).where(WechatMessage.account_id == account.id))
        assert count == 1
        followers = setup.scalar(
            select(func.count()).where(WechatFollower.account_id == account.id)
        )
        assert followers == followers_after
    finally:
        setup.rollback()
        setup.execute(delete(Organisation).where(Organisation.id == org.id))
        setup.commit()
        setup.close()
