"""What the message server needs from the app's configuration, read once per request."""

from __future__ import annotations

from dataclasses import dataclass

from backend.certificates.issuing import Issuer


@dataclass(frozen=True)
class Settings:
    secret_key: str  # unseals the accounts' secrets and signs link tokens
    base_url: str  # the public origin (`core.public_url`): where the PWA and the API are
    window_s: int  # WECHAT_TIMESTAMP_WINDOW_SECONDS: how old or new a timestamp may be
    issuer: Issuer  # certificates' verify URLs

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
