"""Certificate use cases: read, verify, revoke, and the public ledger and statistics."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.certificates import access, claims, issuing
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate, StatsSnapshot
from backend.certificates.signing import b64url, canonical, unb64url
from backend.certificates.view import (
    CertificateStatus,
    CertificateView,
    CreditLine,
    RegistryStatus,
    SerialBlock,
    UnitLine,
)
from backend.core import cursors, messages, provinces
from backend.core.clock import china_date, month_sql, utcnow
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.lang import Lang
from backend.core.messages import Coded
from backend.credits import serials
from backend.credits.models import Allocation, Lot, Project, RegistryRetirement, Unit
from backend.credits.registry import due_at as registry_deadline
from backend.footprint.purpose import Purpose

MAX_PAGE = 100


class RegistryRetired(Conflict):
    slug, title = "registry-retired", "Retired at the registry"


class AlreadyVerified(Conflict):
    """A certificate is used (核销) for one purpose, once."""

    slug, title = "already-verified", "This certificate is already verified"


def listing(
    s: Session,
    who: Principal,
    *,
    organisation_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Certificate], str | None]:
    """My certificates (my orders and point redemptions), or an organisation's (its admins, its
    API key with `certificates:read`, operators); newest first."""
    q = select(Certificate)
    if who.api_key is not None:
        who.authorize_org(who.api_key.organisation_id, scope="certificates:read")
        q = q.where(Certificate.organisation_id == who.api_key.organisation_id)
    elif organisation_id is not None:
        who.authorize_org(organisation_id, roles=[Role.admin])
        q = q.where(Certificate.organisation_id == organisation_id)
    else:
        q = q.where(Certificate.user_id == who.require_user().id)
    return cursors.newest_first(s, q, Certificate.issued_at, Certificate.number, limit, cursor)


def get(s: Session, number: str) -> Certificate:
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        raise NotFound("certificates.not_found")
    return cert


def read(s: Session, who: Principal, number: str, code: str | None) -> tuple[Certificate, bool]:
    """A certificate and whether `who` reads it in full. Anyone else needs its check code, or
    gets the same 404 as for a number never issued: a bare number leaks nothing."""
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is not None:
        if access.reads_in_full(s, who, cert):
            return cert, True
        if claims.code_matches(issuing.signature(cert), code):
            return cert, False
    raise NotFound("certificates.not_found_or_code")


def document(cert: Certificate) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(cert.document)
    return parsed


@dataclass(frozen=True)
class _Taken:
    """One unit a reservation took grams of, with its lot's serial range and registry state."""

    lot_id: int
    number: int
    opened_at: datetime
    mass_g: int
    registry_ref: str | None
    serial_range: str
    first_unit: int
    last_unit: int
    project_registry_id: str


def _taken(s: Session, reservation_id: int) -> dict[int, list[_Taken]]:
    """The units a reservation took grams of, by lot, in serial order."""
    keys = (
        Unit.lot_id,
        Unit.serial,
        Unit.opened_at,
        RegistryRetirement.registry_ref,
        Lot.serial_range,
        Lot.first_unit,
        Lot.last_unit,
        Project.registry_id,
    )
    rows = s.execute(
        select(*keys, func.sum(Allocation.gram_end - Allocation.gram_start))
        .select_from(Allocation)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .outerjoin(RegistryRetirement, RegistryRetirement.id == Unit.retirement_id)
        .where(Allocation.reservation_id == reservation_id)
        .group_by(Unit.id, *keys)
        .order_by(Unit.lot_id, Unit.serial)
    ).all()
    out: dict[int, list[_Taken]] = {}
    for lot_id, number, opened, ref, rng, first, last, reg_id, grams in rows:
        out.setdefault(lot_id, []).append(
            _Taken(lot_id, number, opened, int(grams), ref, rng, first, last, reg_id)
        )
    return out


def _unit_line(u: _Taken, days: int) -> UnitLine:
    retired = u.registry_ref is not None
    return UnitLine(
        serial=serials.unit(u.serial_range, u.first_unit, u.last_unit, u.number),
        number=u.number,
        mass_g=u.mass_g,
        registry_status=RegistryStatus.retired if retired else RegistryStatus.pending,
        registry_ref=u.registry_ref,
        due_on=None if retired else china_date(registry_deadline(u.opened_at, days)),
    )


def _written(lot: _Taken, start: int, end: int) -> str:
    """Units `start`..`end` of `lot`'s lot, as its registry writes the block."""
    return serials.block(lot.serial_range, lot.first_unit, lot.last_unit, start, end)


def _blocks(taken: list[_Taken], days: int) -> tuple[SerialBlock, ...]:
    """Consecutive units in the same registry state (status, batch, due date), each written as
    the registry writes a block."""
    runs: list[list[UnitLine]] = []
    for u in (_unit_line(t, days) for t in taken):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and u.number == last.number + 1
            and (u.registry_status, u.registry_ref, u.due_on)
            == (last.registry_status, last.registry_ref, last.due_on)
        ):
            runs[-1].append(u)
        else:
            runs.append([u])
    return tuple(
        SerialBlock(_written(taken[0], run[0].number, run[-1].number), tuple(run)) for run in runs
    )


def _credit_line(c: dict[str, Any], taken: list[_Taken], days: int) -> CreditLine:
    """A line of the signed document, with its units' serials and live registry state (an
    issued certificate's allocations are never deleted, so `taken` is never empty)."""
    blocks = _blocks(taken, days)
    units = [u for b in blocks for u in b.units]
    refs = sorted({u.registry_ref for u in units if u.registry_ref is not None})
    pending = [u.due_on for u in units if u.due_on is not None]
    return CreditLine(
        standard=c["standard"],
        project_name_zh=c["project_name_zh"],
        project_name_en=c["project_name_en"],
        project_type=c["project_type"],
        province=c["province"],
        vintage=c["vintage"],
        serials=_written(taken[0], units[0].number, units[-1].number),
        mass_g=c["mass_g"],
        registry_status=RegistryStatus.pending if pending else RegistryStatus.retired,
        registry_ref=", ".join(refs) or None,
        project_registry_id=c.get("project_registry_id") or taken[0].project_registry_id,
        registry_due_on=min(pending, default=None),
        blocks=blocks,
    )


def view(s: Session, issuer: Issuer, cert: Certificate, full: bool = False) -> CertificateView:
    """What the PNG, the JSON and the verify page show, with live registry status: each unit
    taken, as the registry writes it, retired under a batch reference or due by a date; as
    the public sees it unless `full` (`access`)."""
    doc = document(cert)
    taken = _taken(s, cert.reservation_id)
    days = issuer.registry_retirement_days
    lines = [_credit_line(c, taken.get(c["lot_id"], []), days) for c in doc["credits"]]
    return CertificateView(
        number=cert.number,
        status=CertificateStatus(cert.status),
        beneficiary=access.beneficiary(cert, full),
        purpose=access.purpose(cert, full),
        footprint_mass_g=cert.footprint_mass_g,
        mass_g=cert.mass_g,
        issued_on=issuing.issued_on(cert),
        issuer=doc["issuer"],
        credits=tuple(lines),
        verify_url=issuing.verify_url(issuer, cert),
        judicial=cert.judicial,
        sandbox=bool(doc.get("sandbox")),
        check_code=issuing.check_code(cert),
        lookup_url=issuing.lookup_url(issuer, cert),
    )


def claim(cert: Certificate) -> dict[str, Any]:
    """The signed claim as the JSON shows it: certificate-qr v1 or v2, and `encoded`, what the
    QR carries of it (v2: the whole payload, signature included)."""
    if not issuing.is_compact(cert):
        statement = issuing.claim(cert)
        return {**statement, "encoded": b64url(canonical(statement))}
    compact = issuing.compact(cert)
    return {
        "v": claims.FORMAT,
        "n": compact.number,
        "m": compact.mass_g,
        "d": compact.issued_on.isoformat(),
        "t": compact.key_tag.hex(),
        "h": b64url(compact.doc_hash),
        "encoded": claims.encode(compact, issuing.signature(cert)),
    }


@dataclass(frozen=True)
class Detail:
    """A certificate as its JSON shows it (CertificateSchema): the row, what the image shows
    (as this reader may see it), and the signed claim."""

    cert: Certificate
    view: CertificateView
    full: bool
    lang: Lang = "zh"

    @property
    def revoked_reason(self) -> str:
        return revoked_reason(self.cert, self.lang)

    @property
    def claim(self) -> dict[str, Any]:
        return claim(self.cert)

    @property
    def png_url(self) -> str:
        return png_url(self.cert)

    @property
    def verified_for(self) -> str:
        return access.verified_for(self.cert, self.full)


@dataclass(frozen=True)
class Summary:
    """A certificate in a list (CertificateSummarySchema); lists are their owners'."""

    cert: Certificate
    verify_url: str

    @property
    def png_url(self) -> str:
        return png_url(self.cert)

    @property
    def issued_on(self) -> date:
        return issuing.issued_on(self.cert)

    @property
    def check_code(self) -> str:
        return issuing.check_code(self.cert)

    @property
    def purpose(self) -> Purpose:
        return issuing.purpose_of(self.cert)


@dataclass(frozen=True)
class SummaryPage:
    items: list[Summary]
    next_cursor: str | None


def png_url(cert: Certificate) -> str:
    """The image's path, with the check code that lets anyone holding it see it."""
    return f"/api/v1/certificates/{cert.number}.png?k={issuing.check_code(cert)}"


def detail(s: Session, issuer: Issuer, cert: Certificate, full: bool, lang: Lang = "zh") -> Detail:
    return Detail(cert, view(s, issuer, cert, full), full, lang)


def summaries(issuer: Issuer, page: tuple[list[Certificate], str | None]) -> SummaryPage:
    certs, cursor = page
    return SummaryPage([Summary(c, issuing.verify_url(issuer, c)) for c in certs], cursor)


@dataclass(frozen=True)
class Verdict:
    outcome: str  # valid, revoked, forged, unknown
    certificate: Certificate | None = None


@dataclass(frozen=True)
class Presented:
    """What a verifier holds besides the number: the check code printed on the certificate,
    or the claim and signature of a version-1 QR (`?c=…&s=…`)."""

    code: str | None = None
    claim: str | None = None
    signature: str | None = None


def verify(s: Session, issuer: Issuer, ref: str, presented: Presented | None = None) -> Verdict:
    """Check a certificate against our record: `ref` is its number (with its check code or a
    version-1 QR's claim in `presented`), or the payload of a version-2 QR. A number without
    either is `unknown`, as is a wrong check code: a bare number finds nothing."""
    presented = presented or Presented()
    try:
        scanned = None if claims.NUMBER.fullmatch(ref) else claims.decode(ref)
    except ValueError:
        return Verdict("unknown")
    number = scanned[0].number if scanned else ref
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        return Verdict("unknown")
    if scanned is not None:
        matches = scanned == (issuing.compact(cert), issuing.signature(cert))
    elif presented.claim is not None or presented.signature is not None:
        matches = _version_1_matches(cert, presented)
    elif claims.code_matches(issuing.signature(cert), presented.code):
        matches = True
    else:
        return Verdict("unknown")
    intact = issuer.keyring.verify(cert.key_id, issuing.message(cert), cert.signature)
    if not (matches and intact):
        return Verdict("forged", cert)  # the QR, or our own record, does not match the signature
    if cert.status == CertificateStatus.revoked:
        return Verdict("revoked", cert)
    return Verdict("valid", cert)


def _version_1_matches(cert: Certificate, presented: Presented) -> bool:
    """Whether a version-1 QR's claim and signature are this certificate's."""
    if issuing.is_compact(cert):
        return False
    try:
        raw = unb64url(presented.claim or "")
    except ValueError:
        return False
    return raw == issuing.message(cert) and presented.signature == cert.signature


def revoke(
    s: Session, number: str, reason: str, by_user_id: int | None, now: datetime | None = None
) -> Certificate:
    """Revoke while no unit is retired at the registry (that is never undone); again: no effect.
    `reason` is an operator's words, kept as written, or the platform's `Coded` reason.

    The grams stay allocated: they are not sold a second time. The caller commits.
    """
    cert = s.scalar(select(Certificate).where(Certificate.number == number).with_for_update())
    if cert is None:
        raise NotFound("certificates.not_found")
    if cert.status == CertificateStatus.revoked:
        return cert
    retired = s.scalar(
        select(func.count())
        .select_from(Allocation)
        .join(Unit, Unit.id == Allocation.unit_id)
        .where(Allocation.reservation_id == cert.reservation_id, Unit.retirement_id.is_not(None))
    )
    if retired:
        raise RegistryRetired("certificates.registry_retired")
    cert.status, cert.revoked_at = CertificateStatus.revoked, now or utcnow()
    if isinstance(reason, Coded):
        cert.revoked_code = reason.code
    else:
        cert.revoked_reason = reason[:300]
    cert.revoked_by = by_user_id
    return cert


def revoked_reason(cert: Certificate, lang: Lang) -> str:
    """Why the certificate was revoked, in `lang` when the platform revoked it."""
    return (
        messages.text(cert.revoked_code, None, lang) if cert.revoked_code else cert.revoked_reason
    )


def mark_verified(s: Session, number: str, by: str, reference: str, at: datetime) -> None:
    """Record that a relying party (a court) used the certificate for `reference` (a case), once
    ever: a second use is refused by the conditional UPDATE."""
    done = s.execute(
        update(Certificate)
        .where(Certificate.number == number, Certificate.verified_at.is_(None))
        .values(verified_at=at, verified_by=by[:200], verified_for=reference[:100])
    ).rowcount  # type: ignore[attr-defined]
    if not done:
        raise AlreadyVerified("certificates.already_verified", params={"number": number})


@dataclass(frozen=True)
class LedgerUnit:
    lot_id: int
    standard: str
    vintage: int
    project_registry_id: str
    project_name_en: str
    serial: int  # the unit's number in its registry's numbering
    registry_serial: str  # the unit as its registry writes it
    gram_start: int
    gram_end: int
    registry_ref: str | None

    @property
    def registry_status(self) -> RegistryStatus:
        return RegistryStatus.pending if self.registry_ref is None else RegistryStatus.retired


@dataclass(frozen=True)
class LedgerEntry:
    certificate_number: str
    issued_at: datetime
    mass_g: int
    status: str
    units: list[LedgerUnit]


@dataclass(frozen=True)
class LedgerPage:
    items: list[LedgerEntry]
    next_cursor: str | None


def ledger(s: Session, limit: int = 50, cursor: str | None = None) -> LedgerPage:
    """Every retirement, newest first, with its certificate number and the units and grams it
    took: each unit as its registry writes it, its project's registry id, and the registry's
    batch reference once retired. Names are left out: a certificate is traced by its number."""
    q = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if cursor:
        at, raw_id = cursors.decode(cursor)
        if not raw_id.isdigit():
            raise ValidationFailed("cursor", "core.cursor")
        cid = int(raw_id)
        q = q.where(
            or_(
                Certificate.issued_at < at,
                and_(Certificate.issued_at == at, Certificate.id < cid),
            )
        )
    certs = list(s.scalars(q.limit(limit + 1)))
    more, certs = len(certs) > limit, certs[:limit]
    units = s.execute(
        select(
            Allocation.reservation_id,
            Lot.id,
            Lot.standard,
            Lot.vintage,
            Project.registry_id,
            Project.name_en,
            Unit.serial,
            Lot.serial_range,
            Lot.first_unit,
            Lot.last_unit,
            Allocation.gram_start,
            Allocation.gram_end,
            RegistryRetirement.registry_ref,
        )
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .outerjoin(RegistryRetirement, RegistryRetirement.id == Unit.retirement_id)
        .where(Allocation.reservation_id.in_([c.reservation_id for c in certs]))
        .order_by(Lot.id, Unit.serial)
    ).all()
    by_reservation: dict[int, list[LedgerUnit]] = {}
    for rid, lot_id, std, vintage, reg_id, name, serial, rng, first, last, g0, g1, ref in units:
        written = serials.unit(rng, first, last, serial)
        by_reservation.setdefault(rid, []).append(
            LedgerUnit(lot_id, str(std), vintage, reg_id, name, serial, written, g0, g1, ref)
        )
    items = [
        LedgerEntry(
            c.number,
            c.issued_at,
            c.mass_g,
            c.status.value,
            by_reservation.get(c.reservation_id, []),
        )
        for c in certs
    ]
    next_cursor = cursors.encode(certs[-1].issued_at, certs[-1].id) if more else None
    return LedgerPage(items, next_cursor)


@dataclass(frozen=True)
class Row:
    key: str
    mass_g: int = 0
    count: int = 0
    registry_retired_g: int = 0  # of mass_g, in units retired at their registry
    registry_pending_g: int = 0  # of mass_g, allocated, registry retirement pending


@dataclass(frozen=True)
class Stats:
    """Public figures from valid certificates (the 点点 report's tables); months in China.
    Grams are split into those retired at their registry and those still pending there."""

    neutralisations: int
    mass_g: int
    registry_retired_g: int
    registry_pending_g: int
    by_standard: list[Row]
    by_project_type: list[Row]
    by_province: list[Row]
    by_month: list[Row]
    neutralisations_by_month: list[Row]


STATS_KEY = "stats"
_TABLES = ("by_standard", "by_project_type", "by_province", "by_month", "neutralisations_by_month")


def public_stats(s: Session) -> Stats:
    """`/stats`: the worker's last snapshot (`refresh_stats`, every `STATS_REFRESH_S`), one row
    whatever the number of certificates; computed here only while there is none yet (a new
    database, or no worker). Computing it scans every valid certificate's allocations: 0.2 s at
    10^4 orders, seconds at 10^6 (bench/growth.py)."""
    snap = s.get(StatsSnapshot, STATS_KEY)
    if snap is None:
        return stats(s)
    raw: dict[str, Any] = json.loads(snap.body)
    for k in _TABLES:
        raw[k] = [Row(**r) for r in raw[k]]
    return Stats(**raw)


def refresh_stats(s: Session, now: datetime | None = None) -> Stats:
    """Compute `/stats` and store it as the snapshot `public_stats` serves (the worker's sweep;
    idempotent: the last one wins)."""
    figures = stats(s)
    body = json.dumps(dataclasses.asdict(figures), ensure_ascii=False)
    snap = s.get(StatsSnapshot, STATS_KEY, with_for_update=True)
    if snap is None:
        s.add(StatsSnapshot(key=STATS_KEY, body=body, computed_at=now or utcnow()))
    else:
        snap.body, snap.computed_at = body, now or utcnow()
    s.flush()
    return figures


def stats(s: Session) -> Stats:
    """How many valid certificates, and their grams (retired at the registry, and pending) by
    standard, project type, province and month."""
    valid = Certificate.status == CertificateStatus.valid
    count = s.scalar(select(func.count()).select_from(Certificate).where(valid))
    span = Allocation.gram_end - Allocation.gram_start
    sums = (
        func.coalesce(func.sum(span), 0),
        func.coalesce(func.sum(case((Unit.retirement_id.is_not(None), span), else_=0)), 0),
    )
    base = (
        select(*sums)
        .select_from(Certificate)
        .join(Allocation, Allocation.reservation_id == Certificate.reservation_id)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .where(valid)
    )
    total, retired = (int(x) for x in s.execute(base).one())
    months = month_sql(s, Certificate.issued_at)
    by: dict[str, list[Row]] = {}
    for name, key in (
        ("by_standard", Lot.standard),
        ("by_project_type", Project.type),
        ("by_province", func.coalesce(Project.province, Project.country)),
        ("by_month", months),
    ):
        rows = s.execute(base.add_columns(key).group_by(key).order_by(key)).all()
        by[name] = [
            Row(str(getattr(k, "value", k)), int(g), 0, int(r), int(g) - int(r)) for g, r, k in rows
        ]
    by["by_province"].sort(key=lambda r: provinces.order(r.key))  # as statistics tables list them
    counts = s.execute(
        select(months, func.count()).where(valid).group_by(months).order_by(months)
    ).all()
    return Stats(
        neutralisations=int(count or 0),
        mass_g=total,
        registry_retired_g=retired,
        registry_pending_g=total - retired,
        neutralisations_by_month=[Row(str(m), count=int(n)) for m, n in counts],
        **by,
    )
