"""Ed25519 signatures over canonical JSON, with key ids so keys can be rotated.

A certificate's QR carries a compact claim (number, beneficiary, mass, date, key id and the
SHA-256 of the full signed document) and its signature, so an app holding the public keys
(`GET /api/v1/certificates/keys`) can verify a scan offline.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from backend.core.config import ConfigError, dev_secret


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string per value."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    """Decode base64url without padding; ValueError on anything else."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def digest(document: bytes) -> str:
    return b64url(hashlib.sha256(document).digest())


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Key:
    kid: str
    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None

    def jwk(self, active: bool) -> Jwk:
        """The public key as a JWK (RFC 8037)."""
        return Jwk(
            kid=self.kid,
            x=b64url(_raw_public(self.public)),
            status="active" if active else "retired",
        )


@dataclass(frozen=True)
class Jwk:
    """An Ed25519 public key as a JSON Web Key (RFC 8037)."""

    kid: str
    x: str
    status: str  # active: signs new certificates; retired: still verifies old ones
    kty: str = "OKP"
    crv: str = "Ed25519"
    alg: str = "EdDSA"
    use: str = "sig"


class Keyring:
    """The active signing key and every key a certificate may have been signed with."""

    def __init__(self, active: Key, others: list[Key]) -> None:
        if active.private is None:
            raise ConfigError("the active certificate key needs its private half")
        self.active = active
        self.keys = {k.kid: k for k in [active, *others]}

    def sign(self, message: bytes) -> tuple[str, str]:
        """(key id, base64url signature) with the active key."""
        assert self.active.private is not None  # noqa: S101 - checked in __init__
        return self.active.kid, b64url(self.active.private.sign(message))

    def verify(self, kid: str, message: bytes, signature: str) -> bool:
        key = self.keys.get(kid)
        if key is None:
            return False
        try:
            key.public.verify(unb64url(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def jwks(self) -> list[Jwk]:
        """Every public key (JwkSchema), the active one marked."""
        return [k.jwk(k.kid == self.active.kid) for k in self.keys.values()]


def _pairs(raw: str, name: str) -> list[tuple[str, bytes]]:
    out = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        kid, sep, value = item.partition(":")
        try:
            if not sep or not kid:
                raise ValueError
            material = unb64url(value)
            if len(material) != 32:
                raise ValueError
        except ValueError:
            raise ConfigError(f"{name}: expected kid:base64url(32 bytes), got {kid!r}") from None
        out.append((kid, material))
    return out


def keyring(cfg: Mapping[str, Any]) -> Keyring:
    """From CERTIFICATE_SIGNING_KEYS (private seeds, first is active) and CERTIFICATE_VERIFY_KEYS
    (public keys of retired ones); in sandbox, a development key kept in instance/."""
    signing = _pairs(cfg["CERTIFICATE_SIGNING_KEYS"], "CERTIFICATE_SIGNING_KEYS")
    verifying = _pairs(cfg["CERTIFICATE_VERIFY_KEYS"], "CERTIFICATE_VERIFY_KEYS")
    if not signing:
        if not cfg["SANDBOX"]:
            raise ConfigError("CERTIFICATE_SIGNING_KEYS must be set when DIANDIAN_SANDBOX=0")
        seed = hashlib.sha256(
            dev_secret(Path(cfg["INSTANCE_PATH"]), "CERTIFICATE_SIGNING_SEED").encode()
        ).digest()
        signing = [("dev-" + hashlib.sha256(seed).hexdigest()[:8], seed)]
    keys = [
        Key(kid, (private := Ed25519PrivateKey.from_private_bytes(seed)).public_key(), private)
        for kid, seed in signing
    ]
    keys += [Key(kid, Ed25519PublicKey.from_public_bytes(raw)) for kid, raw in verifying]
    return Keyring(keys[0], keys[1:])


def new_key_pair() -> tuple[str, str]:
    """(private seed, public key), both base64url, for `flask certificates new-key`."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    return b64url(seed), b64url(_raw_public(private.public_key()))
