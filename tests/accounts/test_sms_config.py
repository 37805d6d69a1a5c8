"""Which SMS configurations start the app: live mode needs a vendor with all its variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.accounts.sms import SandboxSms, sender_for
from backend.accounts.sms_aliyun import AliyunSms, aliyun_number
from backend.accounts.sms_tencent import TencentSms
from backend.core.config import SMS_KEYS, Config, ConfigError
from tests.accounts.fake_aliyun_sms import aliyun_settings
from tests.accounts.fake_tencent_sms import tencent_settings
from tests.factories import live_config

VENDORS = {"aliyun": aliyun_settings, "tencent": tencent_settings}


def live(tmp_path: Path, **settings: Any) -> Config:
    """Live mode with the sandbox SMS sender unless `settings` choose a vendor."""
    sms = {key: "" for keys in SMS_KEYS.values() for key in keys}
    return live_config(
        tmp_path,
        PUBLIC_BASE_URL="https://diandian.example",
        **{**sms, "SMS_PROVIDER": "sandbox", **settings},
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_live_mode_starts_with_a_vendor_and_all_its_variables(tmp_path, vendor):
    cfg = live(tmp_path, **VENDORS[vendor]()).finalise()
    sender = sender_for(cfg.as_flask())
    assert isinstance(sender, AliyunSms if vendor == "aliyun" else TencentSms)


def test_live_mode_refuses_the_sandbox_sender(tmp_path):
    with pytest.raises(ConfigError, match="set SMS_PROVIDER to aliyun or tencent"):
        live(tmp_path).finalise()
    assert isinstance(
        sender_for(Config(INSTANCE_PATH=str(tmp_path)).finalise().as_flask()), SandboxSms
    )


def test_an_unknown_provider_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="SMS_PROVIDER is one of sandbox, aliyun, tencent"):
        live(tmp_path, SMS_PROVIDER="twilio").finalise()


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_missing_variable_is_named(tmp_path, vendor):
    with pytest.raises(ConfigError, match=f"needs {', '.join(SMS_KEYS[vendor])}$"):
        live(tmp_path, SMS_PROVIDER=vendor).finalise()
    for key in SMS_KEYS[vendor]:  # a partial configuration names what it lacks
        partial = {**VENDORS[vendor](), key: ""}
        with pytest.raises(ConfigError, match=f"SMS_PROVIDER={vendor} needs {key}$"):
            live(tmp_path, **partial).finalise()
        with pytest.raises(ConfigError, match=key):  # sandbox mode too, once a vendor is chosen
            Config(INSTANCE_PATH=str(tmp_path), **partial).finalise()


@pytest.mark.parametrize("vendor", VENDORS)
def test_live_mode_reaches_the_vendor_over_https_only(tmp_path, vendor):
    """Plain http only to this machine's loopback (a local forwarding proxy, or a fake)."""
    settings = VENDORS[vendor]("http://sms.example")
    base = next(k for k in settings if k.endswith("_API_BASE"))
    with pytest.raises(ConfigError, match=f"{base} must be an https origin"):
        live(tmp_path, **settings).finalise()
    assert Config(INSTANCE_PATH=str(tmp_path), **settings).finalise()  # sandbox mode
    assert live(tmp_path, **VENDORS[vendor]("http://127.0.0.1:9")).finalise()
    with pytest.raises(ConfigError, match=f"{base} must be an https origin"):
        Config(INSTANCE_PATH=str(tmp_path), **VENDORS[vendor]("https://x.example/v1")).finalise()


def test_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DIANDIAN_SANDBOX", "0")
    for key, value in tencent_settings().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("TENCENT_SMS_REGION")
    cfg = Config.from_env()
    assert (cfg.TENCENT_SMS_REGION, cfg.TENCENT_SMS_API_BASE) == (
        "ap-guangzhou",
        "https://sms.tencentcloudapi.com",
    )
    assert cfg.ALIYUN_SMS_API_BASE == "https://dysmsapi.aliyuncs.com"


def test_aliyun_takes_mainland_numbers_without_the_country_code():
    assert aliyun_number("+8613800138000") == "13800138000"
    assert aliyun_number("+85251234567") == "85251234567"
