"""WeChat's message signatures and safe-mode encryption (Tencent's WXBizMsgCrypt scheme).

Signature: hex SHA-1 of the sorted strings concatenated ([token, timestamp, nonce], plus the
`Encrypt` text in safe mode). Encryption: AES-256-CBC with key = base64(EncodingAESKey + "="),
IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, over
16 random bytes + 4-byte big-endian length + message + appid, then base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_KEY_PATTERN = re.compile(r"^[A-Za-z0-9+/]{43}$")
BLOCK_BITS = 256  # WeChat pads to 32 bytes, not AES's 16


class CryptoError(ValueError):
    """The ciphertext is malformed, or was not made for this appid."""


def signature(*parts: str) -> str:
    """The hex SHA-1 WeChat sends as `signature` / `msg_signature`."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's


def signed(given: str, *parts: str) -> bool:
    """Whether `given` is the signature of `parts`, compared in constant time."""
    return hmac.compare_digest(signature(*parts).encode(), given.lower().encode())


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key an EncodingAESKey (43 base64 characters) stands for."""
    if not AES_KEY_PATTERN.match(encoding_aes_key):
        raise ValueError("an EncodingAESKey is 43 characters of the base64 alphabet")
    return base64.b64decode(encoding_aes_key + "=")


class MessageCrypt:
    """Encrypts replies and decrypts messages of one official account."""

    def __init__(self, encoding_aes_key: str, appid: str) -> None:
        self.key = aes_key(encoding_aes_key)
        self.appid = appid

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: str, random: bytes | None = None) -> str:
        """The base64 `Encrypt` text of a message; `random` (16 bytes) only for test vectors."""
        body = message.encode()
        plain = (random or os.urandom(16)) + struct.pack(">I", len(body)) + body
        plain += self.appid.encode()
        padder = padding.PKCS7(BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(padded) + enc.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        """The message inside an `Encrypt` text; CryptoError unless it was made for our appid."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except binascii.Error as exc:
            raise CryptoError("Encrypt is not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("Encrypt is not whole AES blocks")
        dec = self._cipher().decryptor()
        unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(dec.update(raw) + dec.finalize()) + unpadder.finalize()
        except ValueError as exc:
            raise CryptoError("Encrypt does not decrypt with this EncodingAESKey") from exc
        if len(plain) < 20:
            raise CryptoError("Encrypt is too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body, appid = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length or not hmac.compare_digest(appid, self.appid.encode()):
            raise CryptoError("the message was not encrypted for this appid")
        try:
            return body.decode()
        except UnicodeDecodeError as exc:
            raise CryptoError("the message is not UTF-8") from exc
