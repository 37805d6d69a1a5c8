"""The ESG disclosure API: an organisation's page (JSON, `?lang=` or Accept-Language), its PDF,
and its admins' choice to publish it."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.core.lang import request_lang
from backend.finance import esg, esg_pdf
from backend.finance.listing_schemas import (
    EsgLangQuerySchema,
    EsgPublicationSchema,
    EsgPublicationStateSchema,
    EsgSchema,
)
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "finance_esg",
    __name__,
    url_prefix="/api/v1/finance",
    description="ESG disclosure generated from the platform's own data",
)


def _view(org_id: int, lang: str) -> esg.EsgView:
    return esg.localised(esg.disclosure(db.session(), current_principal(), org_id), lang)


@blp.route("/organisations/<int:org_id>/esg")
class Esg(MethodView):
    @blp.arguments(EsgLangQuerySchema(), location="query")
    @blp.response(200, EsgSchema)
    def get(self, query: dict[str, Any], org_id: int) -> esg.EsgView:
        """The disclosure: public once published, else its people and operators (others 404)."""
        return _view(org_id, request_lang(query.get("lang")))


@blp.route("/organisations/<int:org_id>/esg.pdf")
class EsgPdf(MethodView):
    @blp.arguments(EsgLangQuerySchema(), location="query")
    @blp.response(200, content_type="application/pdf", description="A4, zh (en with ?lang=en)")
    def get(self, query: dict[str, Any], org_id: int) -> Response:
        """The disclosure as a PDF, for whoever may read it: Chinese unless `?lang=en`."""
        view = _view(org_id, query.get("lang") or "zh")
        cache = "public, max-age=300" if view.published else "private, no-store"
        return Response(
            esg_pdf.render(view),
            mimetype="application/pdf",
            headers={"Cache-Control": cache, "Vary": "Authorization"},
        )


@blp.route("/organisations/<int:org_id>/esg/publication", methods=["POST"])
@blp.arguments(EsgPublicationSchema())
@blp.response(200, EsgPublicationStateSchema)
@blp.doc(security=BEARER_AUTH)
def publish(body: dict[str, Any], org_id: int) -> esg.Publication:
    """Publish or withdraw the disclosure (the organisation's own admins; recorded)."""
    return esg.publish(db.session(), current_principal(), org_id, body["published"])
