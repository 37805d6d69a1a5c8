"""Certificates API: JSON, PNG, public keys, revocation; plus the public ledger and stats."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.certificates import issuers, services
from backend.certificates.images import ImageCache
from backend.certificates.pdf import report, statement
from backend.certificates.pdf.subject import Subject, subject
from backend.certificates.render import POOL, render_png
from backend.certificates.schemas import (
    CertificatePageSchema,
    CertificateQuerySchema,
    CertificateReadQuerySchema,
    CertificateSchema,
    KeysSchema,
    LedgerPageSchema,
    LedgerQuerySchema,
    PdfQuerySchema,
    PngQuerySchema,
    RevocationSchema,
    StatsSchema,
)
from backend.certificates.signing import Keyring
from backend.certificates.view import CertificateView
from backend.core import db, uow
from backend.core.errors import DomainError, Forbidden
from backend.core.lang import Lang, request_lang
from backend.imaging.processes import PoolFull
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "certificates",
    __name__,
    url_prefix="/api/v1",
    description="Certificates, their public keys, the public ledger and statistics",
)
PNG_CACHE = "public, max-age=60"
FULL_PNG_CACHE = "private, max-age=60"  # as its owner sees it: never in a shared cache
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, *BEARER_AUTH]
UNKNOWN = "Unknown number, or not with this check code (its owner needs no code)"
RETRY_AFTER_S = 1  # a render takes 10-60 ms in a warm child: a second frees a slot
BUSY = "Every render slot of the worker is taken (`temporarily-unavailable`); retry after the "
BUSY += "`Retry-After` seconds"
BUSY_HEADERS = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "example": 1}}
}


class RendersBusy(DomainError):
    """The worker's render pool and its backlog are full: the client may retry shortly."""

    status, slug, title = 503, "temporarily-unavailable", "Service unavailable"

    def __init__(self) -> None:
        super().__init__(
            "certificates.renders_busy",
            params={"seconds": RETRY_AFTER_S},
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


def _png(view: CertificateView, width: int) -> bytes:
    """The image, drawn in the worker's render pool; 503 when it is full."""
    try:
        return render_png(view, width)
    except PoolFull:
        raise RendersBusy from None


def _pdf_drawn(draw: Callable[[Subject, Lang], bytes], about: Subject, lang: Lang) -> bytes:
    """A PDF, drawn in the same pool as the images (`render.POOL`); 503 when it is full."""
    try:
        return POOL.run(draw, about, lang)
    except PoolFull:
        raise RendersBusy from None


def images() -> ImageCache:
    cache: ImageCache = current_app.extensions["certificate_images"]
    return cache


@blp.route("/certificates")
class Certificates(MethodView):
    @blp.arguments(CertificateQuerySchema(), location="query")
    @blp.response(200, CertificatePageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> services.SummaryPage:
        """My certificates, or an organisation's (its admins and API keys); newest first."""
        page = services.listing(
            db.session(),
            current_principal(),
            organisation_id=q.get("organisation_id"),
            limit=q["limit"],
            cursor=q.get("cursor"),
        )
        return services.summaries(issuers.current(), page)


@blp.route("/certificates/keys")
class Keys(MethodView):
    @blp.response(200, KeysSchema)
    def get(self) -> Keyring:
        """The Ed25519 public keys (JWK) that sign certificates, by key id, for offline checks."""
        return issuers.current().keyring


@blp.route("/certificates/<string:number>")
class CertificateByNumber(MethodView):
    @blp.arguments(CertificateReadQuerySchema(), location="query")
    @blp.response(200, CertificateSchema)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.doc(security=OPTIONAL_AUTH)
    def get(self, query: dict[str, Any], number: str) -> services.Detail:
        """A certificate as JSON, with live registry status: in full to its owner, a court that
        handles it and operators; to anyone with its check code `k` as the public sees it."""
        s = db.session()
        cert, full = services.read(s, current_principal(), number, query.get("k"))
        return services.detail(s, issuers.current(), cert, full, request_lang())


@blp.route("/certificates/<string:number>.png")
class CertificatePng(MethodView):
    @blp.arguments(PngQuerySchema(), location="query")
    @blp.response(200, content_type="image/png", description="The certificate, A4 portrait")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(503, description=BUSY, headers=BUSY_HEADERS)
    @blp.doc(security=OPTIONAL_AUTH)
    def get(self, query: dict[str, Any], number: str) -> Response:
        """The certificate as a PNG; `size` is the width: 600, 1240 (default) or 2480 px. Who
        may see it, and what, as for its JSON. Cached, with an ETag. Rendered in a bounded pool
        of processes: when it is full, 503 with `Retry-After`."""
        width, code = query["size"], query.get("k")
        cache = images()
        who = current_principal()
        # A worker remembers its latest public image, by check code; a signed-in caller's
        # image is always looked up.
        png = cache.recent(number, width, code) if who.anonymous else None
        full = False
        if png is None:
            s = db.session()
            cert, full = services.read(s, who, number, code)
            view = services.view(s, issuers.current(), cert, full)
            png = cache.get(view, width, lambda: _png(view, width), public=not full)
        headers = {
            "ETag": f'"{png.etag}"',
            "Cache-Control": FULL_PNG_CACHE if full else PNG_CACHE,
            "Vary": "Authorization",  # its owner sees more than the public
        }
        if png.etag in request.if_none_match:
            return Response(status=304, headers=headers)
        return Response(png.body, mimetype="image/png", headers=headers)


NO_FOOTPRINT = (
    "Unknown, or not for an event, meeting, venue, hearing or site footprint (`no-footprint`)"
)


def _lang(query: dict[str, Any]) -> Lang:
    """`?lang`, else the best of Accept-Language, else zh."""
    return request_lang(query.get("lang"))


def _pdf(body: bytes, full: bool) -> Response:
    """A PDF with a strong ETag, cached as the PNG is (privately when read in full)."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": FULL_PNG_CACHE if full else PNG_CACHE,
        "Vary": "Authorization, Accept-Language",
    }
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/pdf", headers=headers)


@blp.route("/certificates/<string:number>/statement.pdf")
class StatementPdf(MethodView):
    @blp.arguments(PdfQuerySchema(), location="query")
    @blp.response(200, content_type="application/pdf", description="One A4 page, zh and en")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(404, description=NO_FOOTPRINT)
    @blp.alt_response(503, description=BUSY, headers=BUSY_HEADERS)
    @blp.doc(security=OPTIONAL_AUTH)
    def get(self, query: dict[str, Any], number: str) -> Response:
        """The 碳中和声明 of a certificate for an event, meeting, venue, hearing or site: who, what,
        the footprint, the credits retired and their serials. Who may see it, and what, as for
        its JSON (a judicial one masked to the public)."""
        s = db.session()
        cert, full = services.read(s, current_principal(), number, query.get("k"))
        lang = _lang(query)
        about = subject(s, issuers.current(), cert, full, lang)
        return _pdf(_pdf_drawn(statement.render, about, lang), full)


@blp.route("/certificates/<string:number>/report.pdf")
class ReportPdf(MethodView):
    @blp.arguments(PdfQuerySchema(), location="query")
    @blp.response(200, content_type="application/pdf", description="A4, several pages")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(403, description="A check code opens the statement only")
    @blp.alt_response(404, description=NO_FOOTPRINT)
    @blp.alt_response(503, description=BUSY, headers=BUSY_HEADERS)
    @blp.doc(security=BEARER_AUTH)
    def get(self, query: dict[str, Any], number: str) -> Response:
        """The accounting report (核算报告) of a certificate for an event, meeting, venue or
        hearing, in the MEE large-event guide's structure: boundary, sources, activity data and
        defaults, factors and sources, results, credits and serials. For those who read the
        certificate in full (its owner, a court that handles it, operators)."""
        s = db.session()
        cert, full = services.read(s, current_principal(), number, query.get("k"))
        if not full:
            raise Forbidden("certificates.report_owner_only")
        lang = _lang(query)
        about = subject(s, issuers.current(), cert, full, lang)
        return _pdf(_pdf_drawn(report.render, about, lang), full)


@blp.route("/certificates/<string:number>/revocation", methods=["POST"])
@blp.arguments(RevocationSchema())
@blp.response(200, CertificateSchema)
@blp.alt_response(409, description="Its credits are retired at the registry (`registry-retired`)")
@blp.doc(security=BEARER_AUTH)
def revoke(body: dict[str, Any], number: str) -> services.Detail:
    """Revoke a certificate, with a reason (operators), while no unit is registry-retired."""
    operator = current_principal().require_operator()
    s = db.session()
    cert = services.revoke(s, number, body["reason"], operator.id)
    uow.on_commit(s, lambda: images().forget(number))
    return services.detail(s, issuers.current(), cert, full=True, lang=request_lang())


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.arguments(LedgerQuerySchema(), location="query")
    @blp.response(200, LedgerPageSchema)
    def get(self, q: dict[str, Any]) -> services.LedgerPage:
        """Every retirement, newest first: certificate number, serial units and grams."""
        return services.ledger(db.session(), q["limit"], q.get("cursor"))


@blp.route("/stats")
class Stats(MethodView):
    @blp.response(200, StatsSchema)
    def get(self) -> services.Stats:
        """Public figures: neutralisations, and mass by standard, project type, province, month.

        As of the worker's last refresh (`STATS_REFRESH_S`, 60 s by default)."""
        return services.public_stats(db.session())
