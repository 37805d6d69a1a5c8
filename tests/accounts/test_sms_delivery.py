"""Sign-in codes texted through Aliyun and Tencent Cloud: the real SDKs against local fakes of
their `SendSms` (`fake_aliyun_sms.py`, `fake_tencent_sms.py`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import SignInCode
from backend.accounts.phones import mask_phone
from tests.accounts.fake_aliyun_sms import FakeAliyunSms, aliyun_settings
from tests.accounts.fake_sms import FakeSms
from tests.accounts.fake_tencent_sms import FakeTencentSms, tencent_settings
from tests.factories import accept_terms, bearer, new_phone


@dataclass(frozen=True)
class Vendor:
    name: str
    fake: FakeSms
    spelled: Callable[[str], str]  # our E.164 as the vendor receives it
    param: Callable[[FakeSms], object]  # the template's parameter in the last request
    limited: str  # the vendor's per-number rate limit code
    # a setting of ours the vendor refuses, and the code it refuses it with
    misconfigured: dict[str, tuple[str, str]]


def _aliyun_param(fake: FakeSms) -> object:
    return json.loads(fake.requests[-1].query["TemplateParam"])


def _tencent_param(fake: FakeSms) -> object:
    return json.loads(fake.requests[-1].body)["TemplateParamSet"]


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, FakeSms]]:
    running: dict[str, FakeSms] = {
        "aliyun": FakeAliyunSms().start(),
        "tencent": FakeTencentSms().start(),
    }
    yield running
    for fake in running.values():
        fake.stop()


@pytest.fixture(params=["aliyun", "tencent"])
def vendor(request, app, monkeypatch, fakes) -> Vendor:
    """The app texting through one vendor's fake, in live mode (no code in the answer)."""
    fake = fakes[request.param]
    fake.reset()
    settings = (aliyun_settings if request.param == "aliyun" else tencent_settings)(fake.url)
    for key, value in {**settings, "SANDBOX": False}.items():
        monkeypatch.setitem(app.config, key, value)
    if request.param == "aliyun":
        return Vendor(
            "aliyun",
            fake,
            lambda p: p.removeprefix("+86"),
            _aliyun_param,
            "isv.BUSINESS_LIMIT_CONTROL",
            {
                "template": ("ALIYUN_SMS_TEMPLATE_CODE", "isv.SMS_TEMPLATE_ILLEGAL"),
                "sign name": ("ALIYUN_SMS_SIGN_NAME", "isv.SMS_SIGNATURE_ILLEGAL"),
                "key": ("ALIYUN_SMS_ACCESS_KEY_ID", "InvalidAccessKeyId.NotFound"),
            },
        )
    return Vendor(
        "tencent",
        fake,
        lambda p: p,
        _tencent_param,
        "LimitExceeded.PhoneNumberDailyLimit",
        {
            "template": (
                "TENCENT_SMS_TEMPLATE_ID",
                "FailedOperation.TemplateIncorrectOrUnapproved",
            ),
            "sign name": (
                "TENCENT_SMS_SIGN_NAME",
                "FailedOperation.SignatureIncorrectOrUnapproved",
            ),
            "key": ("TENCENT_SMS_SECRET_ID", "AuthFailure.SecretIdNotFound"),
        },
    )


def _request(client, phone: str):
    return client.post("/api/v1/auth/codes", json={"phone": phone})


def _sign_in(client, phone: str, code: str):
    return client.post(
        "/api/v1/auth/tokens", json={"phone": phone, "code": code, "accept": accept_terms()}
    )


def _stored(s: Session, phone: str) -> int:
    return s.scalars(
        select(func.count()).select_from(SignInCode).where(SignInCode.phone == phone)
    ).one()


def test_the_code_is_texted_and_signs_the_person_in(client, vendor: Vendor):
    phone = new_phone()
    resp = _request(client, phone[3:])  # typed without +86
    assert resp.status_code == 202
    assert resp.get_json()["sandbox"] is False
    assert "code" not in resp.get_json()

    code = vendor.fake.last_code(vendor.spelled(phone))
    assert vendor.param(vendor.fake) == ({"code": code} if vendor.name == "aliyun" else [code])
    signed = _sign_in(client, phone, code)
    assert signed.status_code == 201
    me = client.get("/api/v1/me", headers=bearer(signed.get_json()["access_token"]))
    assert me.get_json()["phone"] == phone


def test_a_refusal_is_a_502_naming_it_and_spends_nothing(
    app, client, db_session: Session, monkeypatch, vendor: Vendor
):
    monkeypatch.setitem(app.config, "RATELIMIT_OTP_PER_PHONE", "1 per minute")
    phone = new_phone()
    vendor.fake.fail_with(vendor.limited, "rate limited by the fake")

    refused = _request(client, phone)
    assert refused.status_code == 502
    assert refused.content_type == "application/problem+json"
    body = refused.get_json()
    assert body["type"] == "/problems/sms-provider-error"
    assert (body["provider"], body["provider_code"]) == (vendor.name, vendor.limited)
    assert _stored(db_session, phone) == 0
    assert vendor.fake.texts == []

    assert _request(client, phone).status_code == 202  # the phone's one request a minute is intact
    assert _sign_in(client, phone, vendor.fake.last_code(vendor.spelled(phone))).status_code == 201
    assert _request(client, phone).status_code == 429  # a code that went out does count


@pytest.mark.parametrize("setting", ["template", "sign name", "key"])
def test_a_setting_the_vendor_refuses_is_a_502_and_fixing_it_works(
    app, client, db_session: Session, monkeypatch, vendor: Vendor, setting: str
):
    key, vendor_code = vendor.misconfigured[setting]
    right = app.config[key]
    monkeypatch.setitem(app.config, key, "not-" + right)
    phone = new_phone()

    resp = _request(client, phone)
    assert resp.status_code == 502
    assert resp.get_json()["provider_code"] == vendor_code
    assert _stored(db_session, phone) == 0

    monkeypatch.setitem(app.config, key, right)
    assert _request(client, phone).status_code == 202
    assert _sign_in(client, phone, vendor.fake.last_code(vendor.spelled(phone))).status_code == 201


def test_a_failed_send_keeps_the_code_sent_before(client, vendor: Vendor):
    phone = new_phone()
    assert _request(client, phone).status_code == 202
    earlier = vendor.fake.last_code(vendor.spelled(phone))
    vendor.fake.fail_with(vendor.limited)
    assert _request(client, phone).status_code == 502
    assert _sign_in(client, phone, earlier).status_code == 201


def test_an_unreachable_vendor_is_a_503_and_a_retry_works(
    app, client, db_session: Session, monkeypatch, vendor: Vendor
):
    monkeypatch.setitem(app.config, "RATELIMIT_OTP_PER_PHONE", "1 per minute")
    phone = new_phone()
    vendor.fake.down = True  # the connection closes unanswered
    resp = _request(client, phone)
    assert resp.status_code == 503
    assert resp.get_json()["type"] == "/problems/sms-unavailable"
    assert resp.get_json()["provider"] == vendor.name
    assert _stored(db_session, phone) == 0

    base = "ALIYUN_SMS_API_BASE" if vendor.name == "aliyun" else "TENCENT_SMS_API_BASE"
    monkeypatch.setitem(app.config, base, _closed_port_url())  # nothing listens
    assert _request(client, phone).status_code == 503

    vendor.fake.down = False
    monkeypatch.setitem(app.config, base, vendor.fake.url)
    assert _request(client, phone).status_code == 202
    assert _sign_in(client, phone, vendor.fake.last_code(vendor.spelled(phone))).status_code == 201


def test_logs_show_the_phone_masked_and_never_the_code(client, caplog, vendor: Vendor):
    phone = new_phone()
    with caplog.at_level(logging.DEBUG):
        assert _request(client, phone).status_code == 202
        vendor.fake.fail_with(vendor.limited, f"limit reached for {phone}")
        assert _request(client, phone).status_code == 502
        vendor.fake.down = True
        assert _request(client, phone).status_code == 503
    code = vendor.fake.last_code(vendor.spelled(phone))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert mask_phone(phone) in text
    assert phone[3:] not in text
    assert code not in text


def _closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
