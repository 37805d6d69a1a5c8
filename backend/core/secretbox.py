"""Encrypting secrets we must keep readable (partners' HMAC secrets) at rest: Fernet, with a key
derived from SECRET_KEY by HKDF for each purpose."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def box(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, purpose: str, plaintext: str) -> str:
    return box(secret_key, purpose).encrypt(plaintext.encode()).decode()


def unseal(secret_key: str, purpose: str, token: str) -> str:
    """The plaintext; ValueError if the token was not sealed with this key and purpose."""
    try:
        return box(secret_key, purpose).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot unseal: wrong key or purpose") from exc
