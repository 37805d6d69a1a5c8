"""Footprint API: calculate, read back, and the factor sets behind the numbers."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.core.lang import request_lang
from backend.footprint import services, trail_text
from backend.footprint.document import FootprintRequest
from backend.footprint.models import Footprint
from backend.footprint.schemas import (
    FactorQuerySchema,
    FactorSetSchema,
    FootprintCreateSchema,
    FootprintSchema,
)
from backend.web.blueprint import Blueprint
from backend.web.limiter import configured, limiter

blp = Blueprint(
    "footprints",
    __name__,
    url_prefix="/api/v1",
    description="Footprints of meetings, flights, hearings, venues and events",
)
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, *BEARER_AUTH]


def _document(
    footprint: Footprint, status: int = 200, stored: dict[str, Any] | None = None
) -> Response:
    """The document frozen when the footprint was made, its words in the language of the
    request (`trail_text`); one stored before that, with its English words, byte for byte.
    `stored`: the document already parsed (a footprint just made)."""
    stored = footprint.content() if stored is None else stored
    if trail_text.legacy(stored):
        body, lang = footprint.document, "en"
    else:
        lang = request_lang()
        rendered = trail_text.document(stored, lang)
        body = json.dumps(rendered, ensure_ascii=False, separators=(",", ":"))
    headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    return Response(body, status=status, mimetype="application/json", headers=headers)


@blp.route("/footprints", methods=["POST"])
@limiter.limit(
    configured("RATELIMIT_FOOTPRINTS_ANON"),
    scope="footprints-anon",
    exempt_when=lambda: "Authorization" in request.headers,
)
@blp.arguments(FootprintCreateSchema())
@blp.response(201, FootprintSchema)
@blp.doc(security=OPTIONAL_AUTH)
def create_footprint(req: FootprintRequest) -> Response:
    """Calculate a footprint (anonymous allowed, rate-limited); it is stored and never changes."""
    footprint, stored = services.create_stored(db.session(), current_principal(), req)
    return _document(footprint, 201, stored)


@blp.route("/footprints/<string:footprint_id>")
class FootprintById(MethodView):
    @blp.response(200, FootprintSchema)
    @blp.doc(security=OPTIONAL_AUTH)
    def get(self, footprint_id: str) -> Response:
        """One footprint: anonymous ones by link, owned ones for their owners."""
        return _document(services.get(db.session(), current_principal(), footprint_id))


@blp.route("/factors")
class Factors(MethodView):
    @blp.arguments(FactorQuerySchema(), location="query")
    @blp.response(200, FactorSetSchema)
    def get(self, query: dict[str, Any]) -> services.FactorListing:
        """A factor set (default: the latest) with every source, and the versions available."""
        return services.listing(query.get("version"))
