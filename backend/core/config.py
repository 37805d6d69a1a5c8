"""One configuration object, read from the environment.

Every variable `Config.from_env` reads has a row in docs/configuration.md, with its default;
tests/core/test_config_docs.py fails when they disagree.
"""

from __future__ import annotations

import fcntl
import ipaddress
import itertools
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable service."""


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (Heroku-style `postgres://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# What each payment rail needs from the environment.
PAYMENT_KEYS: dict[str, tuple[str, ...]] = {
    "sandbox": (),
    "stripe": ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"),
    "wechatpay": (
        "WECHATPAY_MCHID",
        "WECHATPAY_APPID",
        "WECHATPAY_API_V3_KEY",
        "WECHATPAY_CERT_SERIAL_NO",
        "WECHATPAY_PRIVATE_KEY",
    ),
    "alipay": ("ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"),
}
WECHATPAY_NOTIFY_PATH = "/api/v1/payments/wechatpay/notify"
# What each SMS sender needs from the environment, and the variable pointing its SDK.
SMS_KEYS: dict[str, tuple[str, ...]] = {
    "sandbox": (),
    "aliyun": (
        "ALIYUN_SMS_ACCESS_KEY_ID",
        "ALIYUN_SMS_ACCESS_KEY_SECRET",
        "ALIYUN_SMS_SIGN_NAME",
        "ALIYUN_SMS_TEMPLATE_CODE",
    ),
    "tencent": (
        "TENCENT_SMS_SECRET_ID",
        "TENCENT_SMS_SECRET_KEY",
        "TENCENT_SMS_SDK_APP_ID",
        "TENCENT_SMS_SIGN_NAME",
        "TENCENT_SMS_TEMPLATE_ID",
    ),
}
SMS_API_BASE = {"aliyun": "ALIYUN_SMS_API_BASE", "tencent": "TENCENT_SMS_API_BASE"}
ALIPAY_NOTIFY_PATH = "/api/v1/payments/alipay/notify"
ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
ALIPAY_SANDBOX_HOST = "alipaydev.com"  # Alipay's sandbox gateway: no real money


def _hours_valid(spec: str) -> bool:
    """`09:30-11:30,13:00-15:00`: sessions within a day, each ending after it starts, in order."""
    bounds: list[str] = []
    for part in spec.split(","):
        ends = part.strip().split("-")
        if len(ends) != 2 or not all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", e) for e in ends):
            return False
        bounds += ends
    return all(a < b for a, b in itertools.pairwise(bounds))


@dataclass
class Config:
    """Settings of one app instance; `from_env` is the production path."""

    SQLALCHEMY_DATABASE_URI: str = ""
    SECRET_KEY: str = ""
    SANDBOX: bool = True
    INSTANCE_PATH: str = str(DEFAULT_INSTANCE)
    PWA_DIST: str = str(ROOT / "pwa" / "dist")
    LOG_LEVEL: str = "INFO"
    PROXY_FIX_X_FOR: int = 0
    SMS_PROVIDER: str = "sandbox"  # or "aliyun", "tencent"; SMS_KEYS says what each needs
    # Aliyun SMS: a RAM user's AccessKey allowed dysms:SendSms; an approved sign name and
    # template whose one variable is ${code} (docs/going-live.md, SMS)
    ALIYUN_SMS_ACCESS_KEY_ID: str = ""
    ALIYUN_SMS_ACCESS_KEY_SECRET: str = ""
    ALIYUN_SMS_SIGN_NAME: str = ""
    ALIYUN_SMS_TEMPLATE_CODE: str = ""
    ALIYUN_SMS_API_BASE: str = "https://dysmsapi.aliyuncs.com"  # tests point the SDK at a fake
    # Tencent Cloud SMS: a SecretId/SecretKey allowed sms:SendSms; the SMS application's
    # SdkAppId; an approved sign name and template whose one parameter is {1}
    TENCENT_SMS_SECRET_ID: str = ""
    TENCENT_SMS_SECRET_KEY: str = ""
    TENCENT_SMS_SDK_APP_ID: str = ""
    TENCENT_SMS_SIGN_NAME: str = ""
    TENCENT_SMS_TEMPLATE_ID: str = ""
    TENCENT_SMS_REGION: str = "ap-guangzhou"
    TENCENT_SMS_API_BASE: str = "https://sms.tencentcloudapi.com"  # tests point the SDK at a fake
    OTP_TTL_SECONDS: int = 300
    OTP_MAX_ATTEMPTS: int = 5
    TOKEN_TTL_SECONDS: int = 30 * 24 * 3600
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_OTP_PER_PHONE: str = "3 per minute;10 per hour"
    RATELIMIT_OTP_PER_IP: str = "30 per hour"
    RATELIMIT_SIGNIN_PER_PHONE: str = "10 per 10 minutes"
    RATELIMIT_SIGNIN_PER_IP: str = "60 per hour"
    RATELIMIT_FOOTPRINTS_ANON: str = "30 per minute;500 per day"
    RATELIMIT_WRITES: str = "30 per minute;600 per hour"
    RATELIMIT_WECHAT_JSAPI_PER_IP: str = "30 per minute;600 per hour"  # opening the scanner
    # The payment rails, most preferred first ("wechatpay,alipay"); default: stripe when its key
    # is set, else the sandbox. PAYMENT_KEYS says what each one needs.
    PAYMENT_PROVIDER: str = ""
    STRIPE_SECRET_KEY: str = ""
    STRIPE_PUBLISHABLE_KEY: str = ""
    STRIPE_WEBHOOK_SECRET: str = ""
    STRIPE_API_BASE: str = ""  # tests point the SDK at a local fake
    STRIPE_MINIMUM_AMOUNT: int = 400  # fen: about USD 0.50, Stripe's smallest charge
    # WeChat Pay API v3, a direct merchant (docs/payments.md says where each comes from)
    WECHATPAY_MCHID: str = ""
    WECHATPAY_APPID: str = ""  # the official account's (JSAPI: the payer's openid is under it)
    WECHATPAY_API_V3_KEY: str = ""  # 32 bytes: decrypts notifications (AES-256-GCM)
    WECHATPAY_CERT_SERIAL_NO: str = ""  # the merchant API certificate's serial number
    WECHATPAY_PRIVATE_KEY: str = ""  # the merchant API private key: PEM, or a path to it
    WECHATPAY_PUBLIC_KEY: str = ""  # WeChat Pay's public key (PEM or path); else certificates
    WECHATPAY_PUBLIC_KEY_ID: str = ""  # its id, PUB_KEY_ID_…
    WECHATPAY_CERT_DIR: str = ""  # platform certificates kept here; default: instance/wechatpay
    WECHATPAY_NOTIFY_URL: str = ""  # default: PUBLIC_BASE_URL + WECHATPAY_NOTIFY_PATH
    WECHATPAY_API_BASE: str = ""  # tests point the SDK at a local fake
    # Alipay open platform, 公钥模式 RSA2 (docs/going-live.md says where each comes from)
    ALIPAY_APP_ID: str = ""
    ALIPAY_APP_PRIVATE_KEY: str = ""  # the app's private key (应用私钥): PEM, a path, or base64
    ALIPAY_PUBLIC_KEY: str = ""  # Alipay's public key (支付宝公钥), not the app's
    ALIPAY_GATEWAY: str = ALIPAY_GATEWAY  # the sandbox's, or tests' local fake
    ALIPAY_SELLER_ID: str = ""  # the merchant's PID (2088…): notifications must name it
    ORDER_FEE_BPS: int = 0
    ORDER_TTL_SECONDS: int = 1800
    # Our assumption, not a rule of the exchange: enough for any real order, too little to hoard.
    ORDER_UNPAID_MAX_COUNT: int = 10
    ORDER_UNPAID_MAX_MASS_G: int = 200_000_000  # 200 t
    CERTIFICATE_SIGNING_KEYS: str = ""  # kid:base64url(seed),… the first signs
    CERTIFICATE_VERIFY_KEYS: str = ""  # kid:base64url(public key),… of retired keys
    CERTIFICATE_ISSUER: str = "点点碳中和服务 Diandian Carbon Neutral Service"
    REGISTRY_RETIREMENT_DAYS: int = 30  # days to retire allocated units at their registry
    # Project documents of the CDCER registry: "local" (under the instance) or "s3"
    REGISTRY_STORAGE: str = "local"
    REGISTRY_S3_BUCKET: str = ""
    REGISTRY_S3_ENDPOINT_URL: str = ""  # empty: AWS itself; else MinIO, OSS, COS …
    REGISTRY_S3_REGION: str = ""
    REGISTRY_S3_ACCESS_KEY_ID: str = ""
    REGISTRY_S3_SECRET_ACCESS_KEY: str = ""
    REGISTRY_DOCUMENT_MAX_BYTES: int = 10 * 2**20  # our assumption: a scanned report of ~50 pages
    # The market (docs/market.md has each rule's source, or says it is our assumption)
    MARKET_BANK: str = "sandbox"  # the bank-transfer interface for deposits and withdrawals
    MARKET_HOURS: str = "09:30-11:30,13:00-15:00"  # Asia/Shanghai, on trading days
    MARKET_BLOCK_MIN_T: int = 100_000  # 大宗交易 from this many tonnes (SEEE, 2021)
    MARKET_LISTING_BAND_BPS: int = 1000  # ±10% around the previous close (SEEE, 2021)
    MARKET_BLOCK_BAND_BPS: int = 3000  # ±30% (SEEE, 2021)
    MARKET_AGREEMENT_BAND_BPS: int = 0  # 0: no band (our assumption)
    MARKET_BUYER_FEE_BPS: int = 25  # our assumption
    MARKET_SELLER_FEE_BPS: int = 25  # our assumption
    PUBLIC_BASE_URL: str = ""  # unset (sandbox only): where the app is served (core/public_url)
    PORT: int = 8000  # gunicorn's; links use it outside a request when the above is unset
    POINTS_INACTIVE_DAYS: int = 365
    STATS_REFRESH_S: int = 60  # how often the worker recomputes `/stats` (our choice)
    POINTS_VENUE_WINDOW_SECONDS: int = 60  # a venue code's life; the previous one is accepted
    POINTS_PER_FEN: int = 775  # a sponsor's fen funds what it buys of CDCER (docs/points.md)
    MAX_CONTENT_LENGTH: int = 2**20  # bytes of a request body; a 1,000-action batch is ~0.3 MiB
    WECHAT_TIMESTAMP_WINDOW_SECONDS: int = 300
    # Signing in with WeChat: the official account (OAuth in WeChat's browser), a mini-program.
    WECHAT_OA_APPID: str = ""
    WECHAT_OA_SECRET: str = ""
    WECHAT_MINI_APPID: str = ""
    WECHAT_MINI_SECRET: str = ""
    WECHAT_API_BASE: str = "https://api.weixin.qq.com"  # tests point these at a local fake
    WECHAT_OPEN_BASE: str = "https://open.weixin.qq.com"
    WEBHOOK_TIMEOUT_SECONDS: int = 5  # the whole attempt, from DNS to the last byte read
    WEBHOOK_MAX_ATTEMPTS: int = 8
    # Development only: http and loopback/private targets (never link-local or metadata ones).
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool = False
    WORKER_WEBHOOK_THREADS: int = 4
    LOG_FORMAT: str = "text"  # or "json": one object per line
    METRICS_TOKEN: str = ""  # bearer token for /metrics
    METRICS_ALLOW_FROM: str = ""  # addresses or networks that may read /metrics without it
    SENTRY_DSN: str = ""  # empty: Sentry off
    SENTRY_ENVIRONMENT: str = ""  # default: "sandbox" or "live"
    SENTRY_RELEASE: str = ""  # default: what sentry-sdk detects (git, Heroku)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Config:
        """Read every setting from the environment (docs/configuration.md has the table)."""
        instance = _str("INSTANCE_PATH", str(DEFAULT_INSTANCE))
        sandbox = _flag("DIANDIAN_SANDBOX", True)
        default_db = f"sqlite:///{Path(instance) / 'diandian.sqlite3'}"
        cfg = cls(
            SQLALCHEMY_DATABASE_URI=normalise_database_url(_str("DATABASE_URL", default_db)),
            SECRET_KEY=os.environ.get("SECRET_KEY", ""),
            SANDBOX=sandbox,
            INSTANCE_PATH=instance,
            PWA_DIST=_str("PWA_DIST", str(ROOT / "pwa" / "dist")),
            LOG_LEVEL=_str("LOG_LEVEL", "INFO").upper(),
            PROXY_FIX_X_FOR=_int("PROXY_FIX_X_FOR", 0),
            SMS_PROVIDER=_str("SMS_PROVIDER", "sandbox"),
            ALIYUN_SMS_ACCESS_KEY_ID=_str("ALIYUN_SMS_ACCESS_KEY_ID", ""),
            ALIYUN_SMS_ACCESS_KEY_SECRET=_str("ALIYUN_SMS_ACCESS_KEY_SECRET", ""),
            ALIYUN_SMS_SIGN_NAME=_str("ALIYUN_SMS_SIGN_NAME", ""),
            ALIYUN_SMS_TEMPLATE_CODE=_str("ALIYUN_SMS_TEMPLATE_CODE", ""),
            ALIYUN_SMS_API_BASE=_str("ALIYUN_SMS_API_BASE", "https://dysmsapi.aliyuncs.com"),
            TENCENT_SMS_SECRET_ID=_str("TENCENT_SMS_SECRET_ID", ""),
            TENCENT_SMS_SECRET_KEY=_str("TENCENT_SMS_SECRET_KEY", ""),
            TENCENT_SMS_SDK_APP_ID=_str("TENCENT_SMS_SDK_APP_ID", ""),
            TENCENT_SMS_SIGN_NAME=_str("TENCENT_SMS_SIGN_NAME", ""),
            TENCENT_SMS_TEMPLATE_ID=_str("TENCENT_SMS_TEMPLATE_ID", ""),
            TENCENT_SMS_REGION=_str("TENCENT_SMS_REGION", "ap-guangzhou"),
            TENCENT_SMS_API_BASE=_str("TENCENT_SMS_API_BASE", "https://sms.tencentcloudapi.com"),
            TOKEN_TTL_SECONDS=_int("TOKEN_TTL_SECONDS", 30 * 24 * 3600),
            RATELIMIT_STORAGE_URI=_str(
                "RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL") or "memory://"
            ),
            RATELIMIT_ENABLED=_flag("RATELIMIT_ENABLED", True),
            RATELIMIT_WRITES=_str("RATELIMIT_WRITES", "30 per minute;600 per hour"),
            PAYMENT_PROVIDER=_str("PAYMENT_PROVIDER", ""),
            STRIPE_SECRET_KEY=_str("STRIPE_SECRET_KEY", ""),
            STRIPE_PUBLISHABLE_KEY=_str("STRIPE_PUBLISHABLE_KEY", ""),
            STRIPE_WEBHOOK_SECRET=_str("STRIPE_WEBHOOK_SECRET", ""),
            STRIPE_API_BASE=_str("STRIPE_API_BASE", ""),
            STRIPE_MINIMUM_AMOUNT=_int("STRIPE_MINIMUM_AMOUNT", 400),
            WECHATPAY_MCHID=_str("WECHATPAY_MCHID", ""),
            WECHATPAY_APPID=_str("WECHATPAY_APPID", ""),
            WECHATPAY_API_V3_KEY=_str("WECHATPAY_API_V3_KEY", ""),
            WECHATPAY_CERT_SERIAL_NO=_str("WECHATPAY_CERT_SERIAL_NO", ""),
            WECHATPAY_PRIVATE_KEY=_str("WECHATPAY_PRIVATE_KEY", ""),
            WECHATPAY_PUBLIC_KEY=_str("WECHATPAY_PUBLIC_KEY", ""),
            WECHATPAY_PUBLIC_KEY_ID=_str("WECHATPAY_PUBLIC_KEY_ID", ""),
            WECHATPAY_CERT_DIR=_str("WECHATPAY_CERT_DIR", ""),
            WECHATPAY_NOTIFY_URL=_str("WECHATPAY_NOTIFY_URL", ""),
            WECHATPAY_API_BASE=_str("WECHATPAY_API_BASE", ""),
            ALIPAY_APP_ID=_str("ALIPAY_APP_ID", ""),
            ALIPAY_APP_PRIVATE_KEY=_str("ALIPAY_APP_PRIVATE_KEY", ""),
            ALIPAY_PUBLIC_KEY=_str("ALIPAY_PUBLIC_KEY", ""),
            ALIPAY_GATEWAY=_str("ALIPAY_GATEWAY", ALIPAY_GATEWAY),
            ALIPAY_SELLER_ID=_str("ALIPAY_SELLER_ID", ""),
            ORDER_FEE_BPS=_int("ORDER_FEE_BPS", 0),
            ORDER_TTL_SECONDS=_int("ORDER_TTL_SECONDS", 1800),
            ORDER_UNPAID_MAX_COUNT=_int("ORDER_UNPAID_MAX_COUNT", 10),
            ORDER_UNPAID_MAX_MASS_G=_int("ORDER_UNPAID_MAX_MASS_G", 200_000_000),
            CERTIFICATE_SIGNING_KEYS=_str("CERTIFICATE_SIGNING_KEYS", ""),
            CERTIFICATE_VERIFY_KEYS=_str("CERTIFICATE_VERIFY_KEYS", ""),
            CERTIFICATE_ISSUER=_str(
                "CERTIFICATE_ISSUER", "点点碳中和服务 Diandian Carbon Neutral Service"
            ),
            REGISTRY_RETIREMENT_DAYS=_int("REGISTRY_RETIREMENT_DAYS", 30),
            REGISTRY_STORAGE=_str("REGISTRY_STORAGE", "local"),
            REGISTRY_S3_BUCKET=_str("REGISTRY_S3_BUCKET", ""),
            REGISTRY_S3_ENDPOINT_URL=_str("REGISTRY_S3_ENDPOINT_URL", ""),
            REGISTRY_S3_REGION=_str("REGISTRY_S3_REGION", ""),
            REGISTRY_S3_ACCESS_KEY_ID=_str("REGISTRY_S3_ACCESS_KEY_ID", ""),
            REGISTRY_S3_SECRET_ACCESS_KEY=_str("REGISTRY_S3_SECRET_ACCESS_KEY", ""),
            REGISTRY_DOCUMENT_MAX_BYTES=_int("REGISTRY_DOCUMENT_MAX_BYTES", 10 * 2**20),
            MARKET_BANK=_str("MARKET_BANK", "sandbox"),
            MARKET_HOURS=_str("MARKET_HOURS", "09:30-11:30,13:00-15:00"),
            MARKET_BLOCK_MIN_T=_int("MARKET_BLOCK_MIN_T", 100_000),
            MARKET_LISTING_BAND_BPS=_int("MARKET_LISTING_BAND_BPS", 1000),
            MARKET_BLOCK_BAND_BPS=_int("MARKET_BLOCK_BAND_BPS", 3000),
            MARKET_AGREEMENT_BAND_BPS=_int("MARKET_AGREEMENT_BAND_BPS", 0),
            MARKET_BUYER_FEE_BPS=_int("MARKET_BUYER_FEE_BPS", 25),
            MARKET_SELLER_FEE_BPS=_int("MARKET_SELLER_FEE_BPS", 25),
            PUBLIC_BASE_URL=_str("PUBLIC_BASE_URL", ""),
            PORT=_int("PORT", 8000),
            POINTS_INACTIVE_DAYS=_int("POINTS_INACTIVE_DAYS", 365),
            STATS_REFRESH_S=_int("STATS_REFRESH_S", 60),
            POINTS_VENUE_WINDOW_SECONDS=_int("POINTS_VENUE_WINDOW_SECONDS", 60),
            POINTS_PER_FEN=_int("POINTS_PER_FEN", 775),
            MAX_CONTENT_LENGTH=_int("MAX_REQUEST_BYTES", 2**20),
            WECHAT_TIMESTAMP_WINDOW_SECONDS=_int("WECHAT_TIMESTAMP_WINDOW_SECONDS", 300),
            WECHAT_OA_APPID=_str("WECHAT_OA_APPID", ""),
            WECHAT_OA_SECRET=_str("WECHAT_OA_SECRET", ""),
            WECHAT_MINI_APPID=_str("WECHAT_MINI_APPID", ""),
            WECHAT_MINI_SECRET=_str("WECHAT_MINI_SECRET", ""),
            WECHAT_API_BASE=_str("WECHAT_API_BASE", "https://api.weixin.qq.com"),
            WECHAT_OPEN_BASE=_str("WECHAT_OPEN_BASE", "https://open.weixin.qq.com"),
            WEBHOOK_TIMEOUT_SECONDS=_int("WEBHOOK_TIMEOUT_SECONDS", 5),
            WEBHOOK_MAX_ATTEMPTS=_int("WEBHOOK_MAX_ATTEMPTS", 8),
            WEBHOOK_ALLOW_PRIVATE_TARGETS=_flag("WEBHOOK_ALLOW_PRIVATE_TARGETS", False),
            WORKER_WEBHOOK_THREADS=_int("WORKER_WEBHOOK_THREADS", 4),
            LOG_FORMAT=_str("LOG_FORMAT", "text").lower(),
            METRICS_TOKEN=_str("METRICS_TOKEN", ""),
            METRICS_ALLOW_FROM=_str("METRICS_ALLOW_FROM", ""),
            SENTRY_DSN=_str("SENTRY_DSN", ""),
            SENTRY_ENVIRONMENT=_str("SENTRY_ENVIRONMENT", ""),
            SENTRY_RELEASE=_str("SENTRY_RELEASE", ""),
        )
        return cfg

    def finalise(self) -> Config:
        """Fill development secrets in sandbox mode; refuse to run live without them."""
        if not self.SECRET_KEY:
            if not self.SANDBOX:
                raise ConfigError("SECRET_KEY must be set when DIANDIAN_SANDBOX=0")
            self.SECRET_KEY = dev_secret(Path(self.INSTANCE_PATH), "SECRET_KEY")
        self._check_sms()
        self._choose_payment_provider()
        if "wechatpay" in self.payment_providers:
            self._check_wechatpay()
        if "alipay" in self.payment_providers:
            self._check_alipay()
        self._check_wechat_sign_in()
        self._check_observability()
        if self.REGISTRY_RETIREMENT_DAYS < 1:
            raise ConfigError("REGISTRY_RETIREMENT_DAYS must be at least 1")
        self._check_registry_storage()
        if self.POINTS_VENUE_WINDOW_SECONDS < 10:
            raise ConfigError("POINTS_VENUE_WINDOW_SECONDS must be at least 10")
        if self.WEBHOOK_ALLOW_PRIVATE_TARGETS:
            if not self.SANDBOX:
                raise ConfigError("WEBHOOK_ALLOW_PRIVATE_TARGETS is for development only")
            log.warning("webhooks may call loopback and private addresses (development only)")
        self._check_public_base_url()
        return self

    def _check_public_base_url(self) -> None:
        """Live certificates print it in their QR codes: it must be set, and a web origin."""
        url = self.PUBLIC_BASE_URL
        if not url:
            if not self.SANDBOX:
                raise ConfigError(
                    "PUBLIC_BASE_URL must be set when DIANDIAN_SANDBOX=0: it is in every QR "
                    "code and link"
                )
            return
        if not _is_origin(url, ("http", "https")):
            raise ConfigError(f"PUBLIC_BASE_URL must be an http(s) origin, got {url!r}")

    def _check_registry_storage(self) -> None:
        self._check_market()
        if self.REGISTRY_STORAGE not in ("local", "s3"):
            raise ConfigError("REGISTRY_STORAGE must be local or s3")
        if self.REGISTRY_STORAGE == "s3" and not self.REGISTRY_S3_BUCKET:
            raise ConfigError("REGISTRY_STORAGE=s3 needs REGISTRY_S3_BUCKET")

    def _check_market(self) -> None:
        if self.MARKET_BANK != "sandbox":
            raise ConfigError("MARKET_BANK must be sandbox (the only bank interface so far)")
        for name in (
            "MARKET_LISTING_BAND_BPS",
            "MARKET_BLOCK_BAND_BPS",
            "MARKET_AGREEMENT_BAND_BPS",
            "MARKET_BUYER_FEE_BPS",
            "MARKET_SELLER_FEE_BPS",
        ):
            if not 0 <= getattr(self, name) < 10_000:
                raise ConfigError(f"{name} must be 0 to 9999 basis points")
        if self.MARKET_BLOCK_MIN_T < 1:
            raise ConfigError("MARKET_BLOCK_MIN_T must be at least 1")
        if not _hours_valid(self.MARKET_HOURS):
            raise ConfigError("MARKET_HOURS must be sessions HH:MM-HH:MM, in order, by commas")

    def _check_sms(self) -> None:
        """Live mode texts codes: a vendor with all its variables, reached over https."""
        provider = self.SMS_PROVIDER
        if provider not in SMS_KEYS:
            raise ConfigError(f"SMS_PROVIDER is one of {', '.join(SMS_KEYS)}, not {provider!r}")
        if provider == "sandbox":
            if not self.SANDBOX:
                raise ConfigError(
                    "live mode texts sign-in codes: set SMS_PROVIDER to aliyun or tencent, "
                    "with its variables (docs/going-live.md)"
                )
            return
        missing = [key for key in SMS_KEYS[provider] if not getattr(self, key)]
        if missing:
            raise ConfigError(f"SMS_PROVIDER={provider} needs {', '.join(missing)}")
        name = SMS_API_BASE[provider]
        url = getattr(self, name)
        if not _is_origin(url, ("http", "https")) or not (self.SANDBOX or _secure(url)):
            raise ConfigError(f"{name} must be an https origin (scheme://host)")

    def _check_wechat_sign_in(self) -> None:
        for app_id, secret in (
            ("WECHAT_OA_APPID", "WECHAT_OA_SECRET"),
            ("WECHAT_MINI_APPID", "WECHAT_MINI_SECRET"),
        ):
            if bool(getattr(self, app_id)) != bool(getattr(self, secret)):
                raise ConfigError(f"{app_id} and {secret} are set together")

    def _check_observability(self) -> None:
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigError("LOG_FORMAT must be 'text' or 'json'")
        for part in filter(None, (p.strip() for p in self.METRICS_ALLOW_FROM.split(","))):
            try:
                ipaddress.ip_network(part)
            except ValueError as exc:
                raise ConfigError(
                    f"METRICS_ALLOW_FROM: {part!r} is not an address or a network"
                ) from exc

    def _check_wechatpay(self) -> None:
        if len(self.WECHATPAY_API_V3_KEY.encode()) != 32:
            raise ConfigError("WECHATPAY_API_V3_KEY must be the 32-byte API v3 key")
        if bool(self.WECHATPAY_PUBLIC_KEY) != bool(self.WECHATPAY_PUBLIC_KEY_ID):
            raise ConfigError("WECHATPAY_PUBLIC_KEY and WECHATPAY_PUBLIC_KEY_ID go together")
        if not self.WECHATPAY_NOTIFY_URL:
            self.WECHATPAY_NOTIFY_URL = self.PUBLIC_BASE_URL.rstrip("/") + WECHATPAY_NOTIFY_PATH
        if not self.SANDBOX and not self.WECHATPAY_NOTIFY_URL.startswith("https://"):
            raise ConfigError("WeChat Pay notifies only https URLs: set PUBLIC_BASE_URL")
        if not self.WECHATPAY_CERT_DIR:
            self.WECHATPAY_CERT_DIR = str(Path(self.INSTANCE_PATH) / "wechatpay")

    def _check_alipay(self) -> None:
        """Alipay's keys as PEM, and the public origin its notify and return URLs are under."""
        from backend.core import keys  # it imports ConfigError from here

        self.ALIPAY_APP_PRIVATE_KEY = keys.rsa_private_pem(
            self.ALIPAY_APP_PRIVATE_KEY, "ALIPAY_APP_PRIVATE_KEY"
        )
        self.ALIPAY_PUBLIC_KEY = keys.rsa_public_pem(self.ALIPAY_PUBLIC_KEY, "ALIPAY_PUBLIC_KEY")
        if not self.PUBLIC_BASE_URL:
            raise ConfigError("alipay needs PUBLIC_BASE_URL: its notify and return URLs")
        gateway = urlsplit(self.ALIPAY_GATEWAY)
        if self.SANDBOX:
            return
        if not self.PUBLIC_BASE_URL.startswith("https://") or not _secure(self.ALIPAY_GATEWAY):
            raise ConfigError("Alipay in live mode: https PUBLIC_BASE_URL and ALIPAY_GATEWAY")
        if (gateway.hostname or "").endswith(ALIPAY_SANDBOX_HOST):
            raise ConfigError("ALIPAY_GATEWAY is Alipay's sandbox, which takes no real money")

    @property
    def payment_providers(self) -> list[str]:
        """PAYMENT_PROVIDER as a list of names, most preferred first."""
        return [n.strip() for n in self.PAYMENT_PROVIDER.split(",") if n.strip()]

    def _choose_payment_provider(self) -> None:
        if not self.PAYMENT_PROVIDER:
            self.PAYMENT_PROVIDER = "stripe" if self.STRIPE_SECRET_KEY else "sandbox"
        names = self.payment_providers
        unknown = [n for n in names if n not in PAYMENT_KEYS]
        if unknown or len(set(names)) != len(names):
            raise ConfigError(
                f"PAYMENT_PROVIDER lists payment rails once each, of: {', '.join(PAYMENT_KEYS)}"
            )
        for name in names:
            missing = [key for key in PAYMENT_KEYS[name] if not getattr(self, key)]
            if missing:
                raise ConfigError(f"{name} needs {', '.join(missing)}")
        if "sandbox" in names and (len(names) > 1 or not self.SANDBOX):
            real = ", ".join(n for n in PAYMENT_KEYS if n != "sandbox")
            raise ConfigError(
                "the sandbox takes no real money: alone, in sandbox mode only; live mode "
                f"takes real payments (configure {real})"
            )
        if not 0 <= self.ORDER_FEE_BPS <= 10_000:
            raise ConfigError("ORDER_FEE_BPS must be between 0 and 10000")

    def as_flask(self) -> dict[str, Any]:
        """The mapping handed to `app.config.update`."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        out.update(self.extra)
        return out


def _is_origin(url: str, schemes: tuple[str, ...]) -> bool:
    """`scheme://host[:port]`, nothing after but a slash."""
    parts = urlsplit(url)
    extra = parts.path.strip("/") or parts.query or parts.fragment
    return parts.scheme in schemes and bool(parts.netloc) and not extra


def _secure(url: str) -> bool:
    """https, or plain http to this machine's loopback (a local forwarding proxy, or the tests'
    fakes), where nothing crosses a network."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    try:
        return parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return parts.scheme == "http" and parts.hostname == "localhost"


def dev_secret(instance: Path, name: str) -> str:
    """A development secret kept in `instance/dev-secrets.json` so all workers share it.

    Read, made and written under an exclusive lock on `dev-secrets.lock`: gunicorn's workers
    (and the containers sharing an instance volume) start at once, and two that both found no
    secret each made their own, signing with keys the others did not know."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "dev-secrets.json"
    with (instance / "dev-secrets.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        if name not in stored:
            stored[name] = secrets.token_urlsafe(48)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(stored, indent=2))
            tmp.chmod(0o600)
            tmp.replace(path)
            log.warning("generated a development %s in %s (sandbox mode only)", name, path)
    return stored[name]
