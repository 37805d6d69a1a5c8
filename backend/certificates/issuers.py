"""The certificate issuer of the current app, built once from its config."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from backend.certificates.images import ImageCache
from backend.certificates.issuing import Issuer
from backend.certificates.signing import keyring


def build(cfg: Mapping[str, Any]) -> Issuer:
    return Issuer(
        keyring=keyring(cfg),
        name=cfg["CERTIFICATE_ISSUER"],
        base_url=cfg["PUBLIC_BASE_URL"],
        sandbox=cfg["PAYMENT_PROVIDER"] == "sandbox",
        registry_retirement_days=cfg["REGISTRY_RETIREMENT_DAYS"],
    )


def init_app(app: Flask) -> None:
    app.extensions["certificate_issuer"] = build(app.config)
    app.extensions["certificate_images"] = ImageCache(
        Path(app.config["INSTANCE_PATH"]) / "cache" / "certificates"
    )


def current() -> Issuer:
    issuer: Issuer = current_app.extensions["certificate_issuer"]
    return issuer
