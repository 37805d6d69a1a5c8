"""Alipay from the environment: what the rail needs, its URLs, keys as PEM, path or bare base64,
and what live mode refuses."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from backend.core.config import Config, ConfigError
from backend.payments import providers
from backend.payments.alipay import AlipayProvider
from tests.payments.fake_wechatpay import new_key, private_pem, public_pem

APP_KEY = new_key()
ALIPAY_KEY = new_key()


def bare(der: bytes) -> str:
    """A key as Alipay's key tool prints it: base64 on one line, no PEM armour."""
    return base64.b64encode(der).decode()


def config(tmp_path: Path, **kw: Any) -> Config:
    base: dict[str, Any] = {
        "INSTANCE_PATH": str(tmp_path),
        "PAYMENT_PROVIDER": "alipay",
        "PUBLIC_BASE_URL": "https://diandian.example/",
        "ALIPAY_APP_ID": "2021000117650001",
        "ALIPAY_APP_PRIVATE_KEY": private_pem(APP_KEY),
        "ALIPAY_PUBLIC_KEY": public_pem(ALIPAY_KEY),
    }
    return Config(**{**base, **kw})


def test_alipay_is_a_rail_with_urls_under_the_public_origin(tmp_path: Path) -> None:
    cfg = config(tmp_path, PAYMENT_PROVIDER="wechatpay,alipay", **_wechatpay()).finalise()

    rails = providers.build(cfg.as_flask())

    made = rails["alipay"]
    assert isinstance(made, AlipayProvider)
    assert made.settings.notify_url == "https://diandian.example/api/v1/payments/alipay/notify"
    assert made.settings.return_url("ord_1") == "https://diandian.example/checkout/ord_1"
    assert made.settings.gateway == "https://openapi.alipay.com/gateway.do"
    assert made.settings.seller_id is None


def _wechatpay() -> dict[str, str]:
    return {
        "WECHATPAY_MCHID": "1900000109",
        "WECHATPAY_APPID": "wxd678efh567hg6787",
        "WECHATPAY_API_V3_KEY": "diandianApiV3Key0123456789abcdef",
        "WECHATPAY_CERT_SERIAL_NO": "444F4864EA9B34415",
        "WECHATPAY_PRIVATE_KEY": private_pem(new_key()),
    }


@pytest.mark.parametrize(
    "form",
    ["pem", "one-line-pem", "path", "bare-pkcs8", "bare-pkcs1"],
)
def test_keys_may_be_pem_a_path_or_the_bare_base64_of_alipays_key_tool(
    tmp_path: Path, form: str
) -> None:
    private, public = private_pem(APP_KEY), public_pem(ALIPAY_KEY)
    given: dict[str, tuple[str, str]] = {
        "pem": (private, public),
        "one-line-pem": (private.replace("\n", "\\n"), public.replace("\n", "\\n")),
        "bare-pkcs8": (bare(_der(serialization.PrivateFormat.PKCS8)), _bare_public()),
        "bare-pkcs1": (bare(_der(serialization.PrivateFormat.TraditionalOpenSSL)), _bare_public()),
    }
    if form == "path":
        (tmp_path / "app.pem").write_text(private)
        (tmp_path / "alipay.pem").write_text(public)
        given[form] = (str(tmp_path / "app.pem"), str(tmp_path / "alipay.pem"))
    key, alipay_key = given[form]

    cfg = config(tmp_path, ALIPAY_APP_PRIVATE_KEY=key, ALIPAY_PUBLIC_KEY=alipay_key).finalise()
    read = cfg.as_flask()

    assert (read["ALIPAY_APP_PRIVATE_KEY"], read["ALIPAY_PUBLIC_KEY"]) == (private, public)


def _der(form: serialization.PrivateFormat) -> bytes:
    return APP_KEY.private_bytes(serialization.Encoding.DER, form, serialization.NoEncryption())


def _bare_public() -> str:
    return bare(
        ALIPAY_KEY.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


@pytest.mark.parametrize(
    ("change", "names"),
    [
        pytest.param({"ALIPAY_APP_ID": ""}, "ALIPAY_APP_ID", id="no-app-id"),
        pytest.param({"ALIPAY_PUBLIC_KEY": ""}, "ALIPAY_PUBLIC_KEY", id="no-alipay-key"),
        pytest.param(
            {"ALIPAY_APP_PRIVATE_KEY": public_pem(APP_KEY)},
            "ALIPAY_APP_PRIVATE_KEY is not",
            id="public-for-private",
        ),
        pytest.param(
            {"ALIPAY_PUBLIC_KEY": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"},
            "ALIPAY_PUBLIC_KEY is not",
            id="truncated-key",
        ),
        pytest.param(
            {"ALIPAY_PUBLIC_KEY": "/nowhere/alipay.pem"}, "neither PEM", id="missing-file"
        ),
        pytest.param({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL", id="no-public-origin"),
    ],
)
def test_an_alipay_setting_missing_or_wrong_stops_the_app(
    tmp_path: Path, change: dict[str, str], names: str
) -> None:
    with pytest.raises(ConfigError, match=names):
        config(tmp_path, **change).finalise()


@pytest.mark.parametrize(
    ("change", "names"),
    [
        pytest.param({"PUBLIC_BASE_URL": "http://diandian.example"}, "https", id="http-origin"),
        pytest.param(
            {"ALIPAY_GATEWAY": "http://openapi.alipay.com/gateway.do"}, "https", id="http-gateway"
        ),
        pytest.param(
            {"ALIPAY_GATEWAY": "https://openapi-sandbox.dl.alipaydev.com/gateway.do"},
            "sandbox",
            id="sandbox-gateway",
        ),
    ],
)
def test_live_mode_takes_real_money_over_https_only(
    tmp_path: Path, change: dict[str, str], names: str
) -> None:
    """Checked on its own: what else live mode needs (SMS, …) is other tests' business."""
    with pytest.raises(ConfigError, match=names):
        config(tmp_path, SANDBOX=False, **change)._check_alipay()
    config(tmp_path, SANDBOX=False)._check_alipay()
