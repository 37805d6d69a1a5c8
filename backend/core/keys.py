"""Keys given in the environment: PEM text (`\\n` escapes allowed, for one-line environments),
the path of a PEM file, or, for RSA keys, the bare base64 that Alipay's key tool prints."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.core.config import ConfigError


def pem(value: str, name: str) -> str:
    """The key setting `name` as PEM text, read from the file when it names one."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        return text.replace("\\n", "\n").strip() + "\n"
    try:
        return Path(text).read_text(encoding="ascii").strip() + "\n"
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name} is neither PEM text nor the path of a PEM file") from exc


def _der(value: str) -> bytes | None:
    """Bare base64 (no PEM armour), as Alipay's key tool and console show keys; else None. A
    DER key is an ASN.1 SEQUENCE, so its base64 begins with `MI`."""
    text = "".join(value.replace("\\n", "").split())
    if not text.startswith("MI"):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def rsa_private_pem(value: str, name: str) -> str:
    """An RSA private key (PKCS#8 or PKCS#1, in any form above) as PKCS#8 PEM."""
    der = _der(value)
    try:
        key = (
            serialization.load_der_private_key(der, None)
            if der is not None
            else serialization.load_pem_private_key(pem(value, name).encode(), None)
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{name} is not an unencrypted RSA private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{name} is not an RSA private key")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def rsa_public_pem(value: str, name: str) -> str:
    """An RSA public key (in any form above) as SubjectPublicKeyInfo PEM."""
    der = _der(value)
    try:
        key = (
            serialization.load_der_public_key(der)
            if der is not None
            else serialization.load_pem_public_key(pem(value, name).encode())
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{name} is not an RSA public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigError(f"{name} is not an RSA public key")
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
