"""Who reads a certificate in full, and what everyone else sees of it.

The owner (the person it was bought for, the organisation's admins and its API keys with
`certificates:read`), operators, and whoever a higher domain vouches for (a court's staff, for
the certificates bought in its cases: `allow` in `backend/wiring.py`) read a certificate in
full. Anyone else needs its number and check code, or its QR, and sees a judicial certificate
with the defendant's name masked (张*) and neither the case number nor the purpose that names
it: under PIPL a criminal record is sensitive personal information.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.certificates import issuing
from backend.certificates.models import Certificate
from backend.core.errors import Forbidden, NotFound
from backend.footprint.purpose import Purpose

Reader = Callable[[Session, Principal, Certificate], bool]

_READERS: list[Reader] = []


def allow(reader: Reader) -> None:
    """Let `reader(s, who, cert)` grant a full read (a higher domain's rule); once."""
    if reader not in _READERS:
        _READERS.append(reader)


def reads_in_full(s: Session, who: Principal, cert: Certificate) -> bool:
    """Whether `who` sees everything the certificate records."""
    if who.anonymous:
        return False
    try:
        who.authorize_owner(cert.user_id, cert.organisation_id, scope="certificates:read")
    except (NotFound, Forbidden):
        return any(reader(s, who, cert) for reader in _READERS)
    return True


def mask(name: str) -> str:
    """A person's name as the public sees it: the first character, then `*` (张三 → 张*)."""
    name = " ".join(name.split())
    return f"{name[:1]}*"


def beneficiary(cert: Certificate, full: bool) -> str:
    return cert.beneficiary if full or not cert.judicial else mask(cert.beneficiary)


def purpose(cert: Certificate, full: bool) -> Purpose:
    return issuing.purpose_of(cert).public(judicial=cert.judicial and not full)


def verified_for(cert: Certificate, full: bool) -> str:
    """The case a court verified it for: a case number, so never public."""
    return cert.verified_for if full else ""
