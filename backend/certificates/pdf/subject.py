"""What a statement or report is about: the certificate as this reader sees it, and the
footprint its order neutralised (with an event's parts, whose lines carry the factors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import services
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate
from backend.certificates.view import CertificateView
from backend.core.errors import NotFound
from backend.core.lang import Lang
from backend.footprint import trail_text
from backend.footprint.models import Footprint, FootprintPart, Kind
from backend.orders.models import Order

REPORTED = frozenset({Kind.event, Kind.meeting, Kind.venue, Kind.hearing, Kind.site})


class NoFootprint(NotFound):
    slug, title = "no-footprint", "No footprint to report on"


@dataclass(frozen=True)
class Subject:
    view: CertificateView  # as this reader may see it (`access`)
    footprint: dict[str, Any]  # the footprint's frozen document, its words in the PDF's language
    parts: tuple[dict[str, Any], ...]  # an event's parts' documents, at any depth, likewise

    @property
    def documents(self) -> tuple[dict[str, Any], ...]:
        """The footprint's document, then its parts'."""
        return (self.footprint, *self.parts)

    @property
    def defaults(self) -> list[dict[str, Any]]:
        """Every default used where nothing was given, in the footprint and its parts."""
        return [d for doc in self.documents for d in doc.get("defaults", [])]

    @property
    def standard(self) -> str | None:
        """The claim standard the footprint was accounted under (`mee-2019`, `climate-impact`),
        when its document records one."""
        standard = self.footprint.get("standard")  # {"id": …, names, …} as the footprint has it
        if isinstance(standard, dict):
            standard = standard.get("id")
        return str(standard) if standard else None


def footprint_of(s: Session, cert: Certificate) -> Footprint | None:
    """The event, meeting, venue, hearing or site footprint the certificate's order neutralised."""
    if cert.order_id is None:
        return None
    fp_id = s.scalar(select(Order.footprint_id).where(Order.id == cert.order_id))
    fp = s.get(Footprint, fp_id) if fp_id else None
    return fp if fp is not None and fp.kind in REPORTED else None


def parts(s: Session, fp: Footprint) -> list[Footprint]:
    """The footprints an event includes, at any depth (parts are older, so never a loop)."""
    found: list[Footprint] = []
    todo = [fp.id]
    while todo:
        ids = s.scalars(select(FootprintPart.part_id).where(FootprintPart.event_id.in_(todo)))
        todo = []
        for part in s.scalars(select(Footprint).where(Footprint.id.in_(list(ids)))):
            found.append(part)
            todo.append(part.id)
    return found


def subject(s: Session, issuer: Issuer, cert: Certificate, full: bool, lang: Lang) -> Subject:
    """The certificate and its footprint, its words (`trail_text`) in `lang`; `NoFootprint`
    (404) when it neutralised none."""
    fp = footprint_of(s, cert)
    if fp is None:
        raise NoFootprint("certificates.no_footprint")
    view = services.view(s, issuer, cert, full)
    docs = [trail_text.document(f.content(), lang) for f in (fp, *parts(s, fp))]
    return Subject(view, docs[0], tuple(docs[1:]))
