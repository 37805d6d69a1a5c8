"""A company with a linked official account, and a stand-in for WeChat's servers that signs
(and in safe mode encrypts) calls as WeChat does, and opens the replies."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backend.partners.wechat.crypto import MessageCrypt, signature
from tests import factories as f

# Tencent's WXBizMsgCrypt sample values (see test_crypto.py for where they are published).
TOKEN = "pamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wxb11529c136998cb6"
ORIGINAL_ID = "gh_7f083739789a"

_ids = itertools.count(6_054_768_590_064_713_728)


def cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def message_xml(fields: Mapping[str, str | int]) -> str:
    """A message as WeChat writes it: strings in CDATA, numbers bare."""
    inner = "".join(
        f"<{k}>{v if isinstance(v, int) else cdata(v)}</{k}>" for k, v in fields.items()
    )
    return f"<xml>{inner}</xml>"


def read_xml(body: str | bytes) -> dict[str, Any]:
    root = fromstring(body)
    out: dict[str, Any] = {child.tag: child.text or "" for child in root}
    if (articles := root.find("Articles")) is not None:
        out["Articles"] = [{c.tag: c.text for c in item} for item in articles]
    return out


@dataclass
class WeChat:
    client: FlaskClient
    slug: str
    org_id: int
    token: str = TOKEN
    aes_key: str = AES_KEY
    appid: str = APPID

    @property
    def url(self) -> str:
        return f"/api/v1/partners/wechat/{self.slug}"

    def query(self, *, at: int | None = None, token: str | None = None) -> dict[str, str]:
        ts, nonce = str(int(time.time()) if at is None else at), "1320562132"
        return {
            "timestamp": ts,
            "nonce": nonce,
            "signature": signature(token or self.token, ts, nonce),
        }

    def verify(self, echostr: str = "5837397520665436492", **kw: Any) -> TestResponse:
        return self.client.get(self.url, query_string={**self.query(**kw), "echostr": echostr})

    def post(
        self,
        fields: dict[str, str | int],
        mode: str = "plain",
        *,
        at: int | None = None,
        token: str | None = None,
        appid: str | None = None,
    ) -> TestResponse:
        """Deliver a message in plaintext, compatibility or safe mode."""
        plain = message_xml(fields)
        query = {**self.query(at=at, token=token), "openid": str(fields["FromUserName"])}
        if mode == "plain":
            return self.client.post(self.url, query_string=query, data=plain)
        encrypted = MessageCrypt(self.aes_key, appid or self.appid).encrypt(plain)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = signature(
            token or self.token, query["timestamp"], query["nonce"], encrypted
        )
        envelope: dict[str, str | int] = {"ToUserName": ORIGINAL_ID, "Encrypt": encrypted}
        if mode == "compat":
            envelope = {**fields, **envelope}
        return self.client.post(self.url, query_string=query, data=message_xml(envelope))

    def text(self, content: str, openid: str = "o_follower", **kw: Any) -> TestResponse:
        return self.post(
            {
                "ToUserName": ORIGINAL_ID,
                "FromUserName": openid,
                "CreateTime": int(time.time()),
                "MsgType": "text",
                "Content": content,
                "MsgId": next(_ids),
            },
            **kw,
        )

    def event(
        self, event: str, key: str = "", openid: str = "o_follower", **kw: Any
    ) -> TestResponse:
        fields: dict[str, str | int] = {
            "ToUserName": ORIGINAL_ID,
            "FromUserName": openid,
            "CreateTime": kw.pop("created", int(time.time())),
            "MsgType": "event",
            "Event": event,
        }
        if key:
            fields["EventKey"] = key
        return self.post(fields, **kw)

    def reply(self, resp: TestResponse) -> dict[str, Any]:
        """The reply's fields; a safe-mode reply is checked (signature, appid) and opened."""
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.mimetype == "application/xml", resp.get_data(as_text=True)
        outer = read_xml(resp.get_data())
        if "Encrypt" not in outer:
            return outer
        expected = signature(self.token, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        assert outer["MsgSignature"] == expected
        return read_xml(MessageCrypt(self.aes_key, self.appid).decrypt(outer["Encrypt"]))


@dataclass
class Company:
    admin_token: str
    org_id: int
    wechat: WeChat


def registration_body(**body: Any) -> dict[str, Any]:
    """What an admin posts to link the test account, with `body` changed."""
    return {
        "appid": APPID,
        "token": TOKEN,
        "encoding_aes_key": AES_KEY,
        "name": "成都低碳公司服务号",
        **body,
    }


def register(client: FlaskClient, bearer: str, org_id: int, **body: Any) -> TestResponse:
    return client.post(
        f"/api/v1/organisations/{org_id}/wechat-accounts",
        json=registration_body(**body),
        headers=f.bearer(bearer),
    )


@pytest.fixture
def company(client: FlaskClient, db_session: Session) -> Company:
    admin = f.user(db_session, "公司管理员")
    org = f.organisation(db_session, name="成都低碳公司", admin=admin)
    token = f.sign_in(client, admin.phone)
    resp = register(client, token, org.id)
    assert resp.status_code == 201, resp.get_json()
    return Company(token, org.id, WeChat(client, resp.get_json()["id"], org.id))


@pytest.fixture
def wechat(company: Company) -> WeChat:
    return company.wechat
