"""WeChat Pay from the environment: what the rail needs, the notify URL, keys as PEM or path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.core.config import Config, ConfigError
from backend.payments import providers
from backend.payments.wechatpay import WechatPayProvider
from tests.payments.fake_wechatpay import new_key, private_pem, public_pem

KEY = new_key()
PLATFORM = new_key()


def config(tmp_path: Path, **kw: Any) -> Config:
    base: dict[str, Any] = {
        "INSTANCE_PATH": str(tmp_path),
        "PAYMENT_PROVIDER": "wechatpay",
        "WECHATPAY_MCHID": "1900000109",
        "WECHATPAY_APPID": "wxd678efh567hg6787",
        "WECHATPAY_API_V3_KEY": "diandianApiV3Key0123456789abcdef",
        "WECHATPAY_CERT_SERIAL_NO": "444F4864EA9B34415",
        "WECHATPAY_PRIVATE_KEY": private_pem(KEY),
        "WECHATPAY_PUBLIC_KEY": public_pem(PLATFORM),
        "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_01",
    }
    return Config(**{**base, **kw})


def test_wechat_pay_is_a_rail_with_a_notify_url_under_the_public_origin(tmp_path: Path) -> None:
    cfg = config(tmp_path, PUBLIC_BASE_URL="https://diandian.example/").finalise()

    rails = providers.build(cfg.as_flask())

    assert isinstance(rails.default, WechatPayProvider)
    assert rails.default.settings.notify_url == (
        "https://diandian.example/api/v1/payments/wechatpay/notify"
    )
    assert rails.default.settings.cert_dir == str(tmp_path / "wechatpay")


def test_keys_may_be_paths_or_one_line_pem(tmp_path: Path) -> None:
    path = tmp_path / "apiclient_key.pem"
    path.write_text(private_pem(KEY))
    one_line = public_pem(PLATFORM).replace("\n", "\\n")
    cfg = config(tmp_path, WECHATPAY_PRIVATE_KEY=str(path), WECHATPAY_PUBLIC_KEY=one_line)

    made = providers.build(cfg.finalise().as_flask()).default

    assert isinstance(made, WechatPayProvider)
    assert made.settings.private_key == private_pem(KEY)
    assert made.settings.public_key == public_pem(PLATFORM)


@pytest.mark.parametrize(
    ("change", "names"),
    [
        pytest.param({"WECHATPAY_MCHID": ""}, "WECHATPAY_MCHID", id="no-merchant"),
        pytest.param({"WECHATPAY_API_V3_KEY": "short"}, "32-byte", id="short-v3-key"),
        pytest.param({"WECHATPAY_PUBLIC_KEY_ID": ""}, "go together", id="key-without-id"),
    ],
)
def test_a_wechat_pay_setting_missing_or_wrong_stops_the_app(
    tmp_path: Path, change: dict[str, str], names: str
) -> None:
    with pytest.raises(ConfigError, match=names):
        config(tmp_path, **change).finalise()


def test_live_mode_needs_an_https_notify_url(tmp_path: Path) -> None:
    """Checked on its own: what else live mode needs (SMS, …) is other tests' business."""
    plain = config(tmp_path, SANDBOX=False, PUBLIC_BASE_URL="http://diandian.example")
    with pytest.raises(ConfigError, match="https"):
        plain._check_wechatpay()
    secure = config(tmp_path, SANDBOX=False, PUBLIC_BASE_URL="https://diandian.example")
    secure._check_wechatpay()
    assert secure.WECHATPAY_NOTIFY_URL.startswith("https://diandian.example/")


def test_a_private_key_that_is_not_one_stops_the_app(tmp_path: Path) -> None:
    path = tmp_path / "not-a-key.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    cfg = config(tmp_path, WECHATPAY_PRIVATE_KEY=str(path)).finalise()

    with pytest.raises(ConfigError, match="WECHATPAY_PRIVATE_KEY"):
        providers.build(cfg.as_flask())


def test_a_missing_key_file_stops_the_app(tmp_path: Path) -> None:
    cfg = config(tmp_path, WECHATPAY_PRIVATE_KEY=str(tmp_path / "absent.pem")).finalise()

    with pytest.raises(ConfigError, match="WECHATPAY_PRIVATE_KEY is neither PEM"):
        providers.build(cfg.as_flask())
