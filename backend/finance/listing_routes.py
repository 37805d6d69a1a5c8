"""The 绿蓉融 database API: the taxonomy, listing applications with their evidence files and
review, and the public lists of listed enterprises and projects."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.finance import listings, taxonomy
from backend.finance.listing_models import ListingApplication, ListingDocument, Subject
from backend.finance.listing_schemas import (
    ListedPageSchema,
    ListedQuerySchema,
    ListingApplicationCreateSchema,
    ListingApplicationSchema,
    ListingTransitionSchema,
    PublicListingSchema,
    TaxonomyCatalogueSchema,
)
from backend.registry import documents, storage
from backend.registry.schemas import DocumentFileSchema, DocumentFormSchema, DocumentSchema
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "finance_listings",
    __name__,
    url_prefix="/api/v1/finance",
    description="绿蓉融: the database of green and climate-friendly enterprises and projects",
)


@blp.before_request
def _upload_limit() -> None:
    """An evidence file may be as large as a registry document."""
    documents.limit_upload("finance_listings.ApplicationDocuments")


@blp.route("/taxonomy")
class Taxonomy(MethodView):
    @blp.response(200, TaxonomyCatalogueSchema(many=True))
    def get(self) -> list[taxonomy.Catalogue]:
        """The 绿色产业指导目录 versions and their categories (which levels are complete)."""
        return list(taxonomy.catalogues().values())


@blp.route("/organisations/<int:org_id>/listing-applications")
class OrganisationApplications(MethodView):
    @blp.response(200, ListingApplicationSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[ListingApplication]:
        """An organisation's applications, newest first (its people, operators)."""
        return listings.of_organisation(db.session(), current_principal(), org_id)

    @blp.arguments(ListingApplicationCreateSchema())
    @blp.response(201, ListingApplicationSchema)
    @blp.alt_response(409, description="One is open or listed already (`finance.application_open`)")
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: listings.NewApplication, org_id: int) -> ListingApplication:
        """Apply to list the enterprise or a project, with the taxonomy code it claims (its
        admins); a project's environmental benefit is computed or stated here."""
        return listings.apply(db.session(), current_principal(), org_id, new)


@blp.route("/listing-applications/<int:application_id>")
class ApplicationById(MethodView):
    @blp.response(200, ListingApplicationSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, application_id: int) -> ListingApplication:
        """An application with its files and history (its organisation's people, operators)."""
        return listings.get(db.session(), current_principal(), application_id)


@blp.route("/listing-applications/<int:application_id>/transitions", methods=["POST"])
@blp.arguments(ListingTransitionSchema())
@blp.response(200, ListingApplicationSchema)
@blp.alt_response(409, description="Not allowed from its state (`finance.illegal_transition`)")
@blp.doc(security=BEARER_AUTH)
def transition(body: dict[str, Any], application_id: int) -> ListingApplication:
    """List, reject with a reason, or delist with a reason (operators)."""
    return listings.transition(
        db.session(), current_principal(), application_id, body["to"], body["reason"]
    )


@blp.route("/listing-review")
class Review(MethodView):
    @blp.response(200, ListingApplicationSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> list[ListingApplication]:
        """Submitted applications, oldest first (operators)."""
        return listings.review_queue(db.session(), current_principal())


@blp.route("/listing-applications/<int:application_id>/documents")
class ApplicationDocuments(MethodView):
    @blp.arguments(DocumentFormSchema(), location="form")
    @blp.arguments(DocumentFileSchema(), location="files")
    @blp.response(201, DocumentSchema)
    @blp.alt_response(413, description="Larger than `REGISTRY_DOCUMENT_MAX_BYTES`")
    @blp.alt_response(415, description="Not a PDF, JPEG or PNG by its content")
    @blp.doc(security=BEARER_AUTH)
    def post(
        self, form: dict[str, Any], files: dict[str, Any], application_id: int
    ) -> ListingDocument:
        """Add an evidence file (PDF, JPEG or PNG) to a submitted application (its admins)."""
        upload = files["file"]
        limit = current_app.config["REGISTRY_DOCUMENT_MAX_BYTES"]
        return listings.add_document(
            db.session(),
            storage.current(),
            current_principal(),
            application_id,
            title=form["title"],
            filename=upload.filename or "",
            data=upload.stream.read(limit + 1),
            max_bytes=limit,
        )


@blp.route("/listing-applications/<int:application_id>/documents/<int:document_id>")
class ApplicationDocumentById(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    @blp.doc(security=BEARER_AUTH)
    def get(self, application_id: int, document_id: int) -> Response:
        """An evidence file (its organisation's people, operators)."""
        doc = listings.get_document(db.session(), current_principal(), application_id, document_id)
        return Response(
            storage.current().get(doc.storage_key),
            mimetype=doc.content_type,
            headers={"Content-Disposition": "attachment", "Cache-Control": "private, no-store"},
        )


@blp.route("/listed/enterprises")
class ListedEnterprises(MethodView):
    @blp.arguments(ListedQuerySchema(), location="query")
    @blp.response(200, ListedPageSchema)
    def get(self, query: dict[str, Any]) -> listings.Page:
        """Listed enterprises (绿色企业, 气候友好型企业), newest first, by kind and category."""
        return listings.listed(db.session(), Subject.enterprise, **_filters(query))


@blp.route("/listed/projects")
class ListedProjects(MethodView):
    @blp.arguments(ListedQuerySchema(), location="query")
    @blp.response(200, ListedPageSchema)
    def get(self, query: dict[str, Any]) -> listings.Page:
        """Listed projects (绿色项目, 气候投融资项目) with their benefit, newest first."""
        return listings.listed(db.session(), Subject.project, **_filters(query))


@blp.route("/listed/projects/<int:application_id>")
class ListedProjectById(MethodView):
    @blp.response(200, PublicListingSchema)
    def get(self, application_id: int) -> ListingApplication:
        """A listed project's page: its category, benefit and calculation trail."""
        return listings.public_project(db.session(), application_id)


def _filters(query: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": query.get("kind"),
        "category": query.get("category"),
        "page": query["page"],
        "per_page": query["per_page"],
    }
