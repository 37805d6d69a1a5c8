"""Configuration from the environment."""

from __future__ import annotations

import contextlib
import json
import secrets
import threading

import pytest

from backend.core.config import Config, ConfigError, dev_secret, normalise_database_url
from tests.accounts.fake_aliyun_sms import aliyun_settings


def test_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    cfg = Config.from_env()
    assert f"sqlite:///{tmp_path / 'diandian.sqlite3'}" == cfg.SQLALCHEMY_DATABASE_URI
    assert cfg.SANDBOX is True


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_dev_secret_is_generated_once_and_shared(tmp_path):
    a = Config(INSTANCE_PATH=str(tmp_path)).finalise()
    b = Config(INSTANCE_PATH=str(tmp_path)).finalise()
    assert a.SECRET_KEY == b.SECRET_KEY
    assert len(a.SECRET_KEY) >= 48
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0


def test_processes_starting_at_once_share_one_dev_secret(monkeypatch, tmp_path):
    """Two workers on a fresh instance directory: the second waits for the first's secret
    instead of making its own (each would sign with a key the other rejects)."""
    both_making = threading.Barrier(2)
    make = secrets.token_urlsafe

    def slow(n: int) -> str:
        # both threads get here at once unless the first holds the other off
        with contextlib.suppress(threading.BrokenBarrierError):
            both_making.wait(timeout=0.5)
        return make(n)

    monkeypatch.setattr(secrets, "token_urlsafe", slow)
    got: list[str] = []
    workers = [
        threading.Thread(target=lambda: got.append(dev_secret(tmp_path, "SECRET_KEY")))
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert got[0] == got[1] == json.loads((tmp_path / "dev-secrets.json").read_text())["SECRET_KEY"]


def test_live_mode_refuses_missing_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config(INSTANCE_PATH=str(tmp_path), SANDBOX=False).finalise()


def test_live_mode_refuses_sandbox_sms(tmp_path):
    """More in tests/accounts/test_sms_config.py."""
    with pytest.raises(ConfigError, match="live mode texts sign-in codes: set SMS_PROVIDER"):
        Config(INSTANCE_PATH=str(tmp_path), SANDBOX=False, SECRET_KEY="k").finalise()


def test_bad_integer_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TOKEN_TTL_SECONDS", "soon")
    with pytest.raises(ConfigError, match="TOKEN_TTL_SECONDS"):
        Config.from_env()


def test_the_sandbox_pays_unless_a_stripe_key_is_set(tmp_path):
    assert Config(INSTANCE_PATH=str(tmp_path)).finalise().PAYMENT_PROVIDER == "sandbox"
    cfg = Config(
        INSTANCE_PATH=str(tmp_path),
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_PUBLISHABLE_KEY="pk_test_x",
        STRIPE_WEBHOOK_SECRET="whsec_x",
    ).finalise()
    assert cfg.PAYMENT_PROVIDER == "stripe"


def test_stripe_needs_all_three_keys(tmp_path):
    with pytest.raises(ConfigError, match="STRIPE_WEBHOOK_SECRET"):
        Config(
            INSTANCE_PATH=str(tmp_path), STRIPE_SECRET_KEY="sk", STRIPE_PUBLISHABLE_KEY="pk"
        ).finalise()


def test_live_mode_refuses_sandbox_payments(tmp_path):
    cfg = Config(INSTANCE_PATH=str(tmp_path), SANDBOX=False, SECRET_KEY="k", **aliyun_settings())
    with pytest.raises(ConfigError, match="live mode takes real payments"):
        cfg.finalise()


@pytest.mark.parametrize("bad", [{"PAYMENT_PROVIDER": "paypal"}, {"ORDER_FEE_BPS": -1}])
def test_bad_payment_settings_are_refused(tmp_path, bad):
    with pytest.raises(ConfigError):
        Config(INSTANCE_PATH=str(tmp_path), **bad).finalise()


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ({"MARKET_HOURS": "09:30-11:30,11:00-15:00"}, "MARKET_HOURS"),
        ({"MARKET_HOURS": "9:30-15:00"}, "MARKET_HOURS"),
        ({"MARKET_BUYER_FEE_BPS": -1}, "MARKET_BUYER_FEE_BPS"),
        ({"MARKET_BLOCK_BAND_BPS": 10_000}, "MARKET_BLOCK_BAND_BPS"),
        ({"MARKET_BLOCK_MIN_T": 0}, "MARKET_BLOCK_MIN_T"),
        ({"MARKET_BANK": "icbc"}, "MARKET_BANK"),
    ],
)
def test_market_rules_out_of_range_are_clear_errors(tmp_path, setting, words):
    with pytest.raises(ConfigError, match=words):
        Config(INSTANCE_PATH=str(tmp_path), **setting).finalise()
