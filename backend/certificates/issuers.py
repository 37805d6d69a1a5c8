"""The certificate issuer of the current app, built once from its config."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from backend.certificates.images import ImageCache
from backend.certificates.issuing import Issuer
from backend.certificates.signing import keyring
from backend.core import public_url


def build(cfg: Mapping[str, Any]) -> Issuer:
    """The issuer of `cfg`: its keys and name; its links point where `core.public_url` says,
    read at each use (the request's origin when PUBLIC_BASE_URL is unset)."""
    return Issuer(
        keyring=keyring(cfg),
        name=cfg["CERTIFICATE_ISSUER"],
        origin=partial(public_url.base_url, cfg),
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
