"""The compact signed claim a certificate's QR carries (certificate-qr v2), and the check code.

A version-2 QR holds `{base}/verify/{payload}`, where `payload` is 98 bytes in RFC 4648 base32
(upper case, no padding: 157 characters, all in the QR alphanumeric set, so the symbol stays
at version 7 at error correction M for a short origin):

| bytes | field |
| --- | --- |
| 1 | claim format, 2 |
| 2 | the number's year |
| 3 | the number's sequence (`DD-{year}-{seq:06d}`) |
| 6 | grams CO2e retired |
| 2 | the issue date (China's), days since 1970-01-01 |
| 4 | key tag: the first 4 bytes of SHA-256 of the signing key's `kid` |
| 16 | the first 16 bytes of SHA-256 of the signed certificate document |
| 64 | Ed25519 signature of the 34 bytes above |

An app holding the keys of `GET /api/v1/certificates/keys` verifies a scan offline; the
document hash binds the beneficiary, purpose and credits too. The schema is
`shared/schemas/certificate-qr.v2.schema.json`.

The **check code** printed on a certificate (6 base32 characters) is derived from its signature,
which only the signing key can make: whoever holds the certificate, or its QR, holds the code,
and a bare sequential number finds nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta

FORMAT = 2
PREFIX = "DD"
MESSAGE_BYTES = 34
SIGNATURE_BYTES = 64
HASH_BYTES = 16
CODE_LENGTH = 6
EPOCH = date(1970, 1, 1)
NUMBER = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{6}})$")
PAYLOAD = re.compile(r"^[A-Z2-7]{157}$")  # 98 bytes in base32, without padding
CODE_DOMAIN = b"diandian certificate check code\x00"


def key_tag(kid: str) -> bytes:
    """4 bytes naming a signing key in the QR, instead of its `kid`."""
    return hashlib.sha256(kid.encode()).digest()[:4]


def document_hash(document: str) -> bytes:
    return hashlib.sha256(document.encode()).digest()[:HASH_BYTES]


@dataclass(frozen=True)
class Compact:
    """What a version-2 QR states, as signed."""

    year: int
    seq: int
    mass_g: int
    issued_on: date
    key_tag: bytes
    doc_hash: bytes

    @property
    def number(self) -> str:
        return f"{PREFIX}-{self.year:04d}-{self.seq:06d}"

    def message(self) -> bytes:
        """The 34 bytes the signature covers. ValueError if a field does not fit."""
        try:
            return b"".join(
                (
                    FORMAT.to_bytes(1),
                    self.year.to_bytes(2),
                    self.seq.to_bytes(3),
                    self.mass_g.to_bytes(6),
                    (self.issued_on - EPOCH).days.to_bytes(2),
                    self.key_tag,
                    self.doc_hash,
                )
            )
        except OverflowError as exc:
            raise ValueError(f"{self.number} does not fit the compact claim") from exc

    @classmethod
    def parse(cls, message: bytes) -> Compact:
        """The claim of 34 signed bytes; ValueError for anything else."""
        if len(message) != MESSAGE_BYTES or message[0] != FORMAT:
            raise ValueError("not a version-2 certificate claim")
        num = int.from_bytes
        return cls(
            year=num(message[1:3]),
            seq=num(message[3:6]),
            mass_g=num(message[6:12]),
            issued_on=EPOCH + timedelta(days=num(message[12:14])),
            key_tag=message[14:18],
            doc_hash=message[18:34],
        )


def number_parts(number: str) -> tuple[int, int]:
    """(year, sequence) of `DD-2026-000123`; ValueError for anything else."""
    found = NUMBER.fullmatch(number)
    if found is None:
        raise ValueError(f"not a certificate number: {number!r}")
    return int(found.group(1)), int(found.group(2))


def encode(claim: Compact, signature: bytes) -> str:
    """The QR payload: claim and signature in base32, upper case, without padding."""
    return base64.b32encode(claim.message() + signature).decode().rstrip("=")


def decode(payload: str) -> tuple[Compact, bytes]:
    """(claim, signature) of a QR payload, in either case; ValueError if it is not one."""
    text = payload.strip().upper()
    if not PAYLOAD.fullmatch(text):
        raise ValueError("not a version-2 certificate QR payload")
    raw = base64.b32decode(text + "=" * (-len(text) % 8))
    return Compact.parse(raw[:MESSAGE_BYTES]), raw[MESSAGE_BYTES:]


def check_code(signature: bytes) -> str:
    """The 6 characters printed beside the number: base32 of SHA-256 of the signature."""
    mac = hashlib.sha256(CODE_DOMAIN + signature).digest()
    return base64.b32encode(mac).decode()[:CODE_LENGTH]


def code_matches(signature: bytes, presented: str | None) -> bool:
    """Whether `presented` is the check code, in any case and spacing."""
    if not presented:
        return False
    typed = "".join(presented.split()).upper()
    return hmac.compare_digest(typed.encode(), check_code(signature).encode())
