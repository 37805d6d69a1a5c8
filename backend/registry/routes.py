"""Registry API: participants, methodologies, projects and their review, monitoring reports,
issuance, holdings, the move into inventory, a certificate's trace, and the public pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.registry import (
    catalogue,
    documents,
    holdings,
    issuance,
    offers,
    participants,
    projects,
    public,
    storage,
    trace,
)
from backend.registry.models import (
    InventoryOffer,
    Issuance,
    MonitoringReport,
    ProjectDocument,
    RegistryProject,
    StateChange,
    Subject,
)
from backend.registry.schemas import (
    DocumentFileSchema,
    DocumentFormSchema,
    DocumentSchema,
    HoldingSchema,
    InventoryOfferSchema,
    IssuanceSchema,
    IssueSchema,
    MarketDocumentSchema,
    OfferAcceptSchema,
    OfferCloseSchema,
    OfferCreateSchema,
    ParticipantCreateSchema,
    PublicProjectDetailSchema,
    PublicProjectSchema,
    RegistryMethodologySchema,
    RegistryParticipantSchema,
    RegistryProjectCreateSchema,
    RegistryProjectDetailSchema,
    RegistryProjectSchema,
    ReportCreateSchema,
    ReportReviewSchema,
    ReportSchema,
    ReviewQueueSchema,
    TraceQuerySchema,
    TraceSchema,
    TransitionSchema,
)
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "registry",
    __name__,
    url_prefix="/api/v1/registry",
    description="The CDCER registry: participants, projects, issuance, holdings",
)


@dataclass(frozen=True)
class ProjectDetail:
    project: RegistryProject
    history: list[StateChange]


@dataclass(frozen=True)
class ReviewQueue:
    projects: list[RegistryProject]
    reports: list[MonitoringReport]
    issuable: list[MonitoringReport]
    offers: list[InventoryOffer]


@blp.before_request
def _upload_limit() -> None:
    """A document upload may be larger than other bodies."""
    documents.limit_upload("registry.ProjectDocuments")


@blp.route("/methodologies")
class Methodologies(MethodView):
    @blp.response(200, RegistryMethodologySchema(many=True))
    def get(self) -> list[catalogue.Methodology]:
        """The CDCER methodologies, and those of the CCER projects in inventory."""
        return list(catalogue.methodologies().values())


@blp.route("/market-documents")
class MarketDocuments(MethodView):
    @blp.response(200, MarketDocumentSchema(many=True))
    def get(self) -> list[catalogue.MarketDocument]:
        """The documents an organisation accepts to open an account, with their versions."""
        return list(catalogue.market_documents().values())


@blp.route("/participants")
class Participants(MethodView):
    @blp.arguments(ParticipantCreateSchema())
    @blp.response(201, RegistryParticipantSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: participants.NewParticipant) -> participants.ParticipantView:
        """Open the organisation's exchange account (its admins)."""
        who = current_principal()
        p = participants.open_account(db.session(), who, new)
        return participants.view(who, p)


@blp.route("/participants/<int:participant_id>")
class ParticipantById(MethodView):
    @blp.response(200, RegistryParticipantSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> participants.ParticipantView:
        """A participant (its organisation's members, operators)."""
        who = current_principal()
        return participants.view(who, participants.get(db.session(), who, participant_id))


@blp.route("/organisations/<int:organisation_id>/participant")
class ParticipantOfOrganisation(MethodView):
    @blp.response(200, RegistryParticipantSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, organisation_id: int) -> participants.ParticipantView:
        """An organisation's exchange account (its people, operators); 404 if none is open."""
        who = current_principal()
        return participants.view(
            who, participants.of_organisation(db.session(), who, organisation_id)
        )


@blp.route("/participants/<int:participant_id>/holdings")
class Holdings(MethodView):
    @blp.response(200, HoldingSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[holdings.HeldBlock]:
        """A participant's holdings by standard, project, vintage and serial range."""
        return holdings.held(db.session(), current_principal(), participant_id)


@blp.route("/projects")
class Projects(MethodView):
    @blp.response(200, RegistryProjectSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> list[RegistryProject]:
        """The projects of the caller's organisations."""
        return projects.owned(db.session(), current_principal())

    @blp.arguments(RegistryProjectCreateSchema())
    @blp.response(201, RegistryProjectSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: projects.NewProject) -> RegistryProject:
        """Register a project, in draft (a project owner's members)."""
        return projects.register(db.session(), current_principal(), new)


@blp.route("/projects/<int:project_id>")
class ProjectById(MethodView):
    @blp.response(200, RegistryProjectDetailSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, project_id: int) -> ProjectDetail:
        """A project with its documents, reports and history (owner, operators, verifiers)."""
        s = db.session()
        project = projects.get(s, current_principal(), project_id)
        return ProjectDetail(project, projects.history(s, Subject.project, project.id))


@blp.route("/projects/<int:project_id>/transitions", methods=["POST"])
@blp.arguments(TransitionSchema())
@blp.response(200, RegistryProjectDetailSchema)
@blp.alt_response(409, description="Not allowed from its state (`registry.illegal_transition`)")
@blp.doc(security=BEARER_AUTH)
def project_transition(body: dict[str, Any], project_id: int) -> ProjectDetail:
    """Submit (owner), validate or reject with a reason (operators)."""
    s = db.session()
    project = projects.transition(s, current_principal(), project_id, body["to"], body["reason"])
    return ProjectDetail(project, projects.history(s, Subject.project, project.id))


@blp.route("/projects/<int:project_id>/documents")
class ProjectDocuments(MethodView):
    @blp.arguments(DocumentFormSchema(), location="form")
    @blp.arguments(DocumentFileSchema(), location="files")
    @blp.response(201, DocumentSchema)
    @blp.alt_response(413, description="Larger than `REGISTRY_DOCUMENT_MAX_BYTES`")
    @blp.alt_response(415, description="Not a PDF, JPEG or PNG by its content")
    @blp.doc(security=BEARER_AUTH)
    def post(self, form: dict[str, Any], files: dict[str, Any], project_id: int) -> ProjectDocument:
        """Upload a document (PDF, JPEG or PNG) to a project (its owner)."""
        s = db.session()
        who = current_principal()
        project = projects.get_as_owner(s, who, project_id)
        upload = files["file"]
        limit = current_app.config["REGISTRY_DOCUMENT_MAX_BYTES"]
        return documents.add(
            s,
            storage.current(),
            project,
            title=form["title"],
            filename=upload.filename or "",
            data=upload.stream.read(limit + 1),
            max_bytes=limit,
            by_id=who.require_user().id,
        )


@blp.route("/projects/<int:project_id>/documents/<int:document_id>")
class ProjectDocumentById(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    @blp.doc(security=BEARER_AUTH)
    def get(self, project_id: int, document_id: int) -> Response:
        """A document's file (owner, operators, verifiers)."""
        s = db.session()
        doc = documents.get(s, projects.get(s, current_principal(), project_id), document_id)
        return Response(
            storage.current().get(doc.storage_key),
            mimetype=doc.content_type,
            headers={"Content-Disposition": "attachment", "Cache-Control": "private, no-store"},
        )


@blp.route("/projects/<int:project_id>/reports", methods=["POST"])
@blp.arguments(ReportCreateSchema())
@blp.response(201, ReportSchema)
@blp.doc(security=BEARER_AUTH)
def submit_report(new: projects.NewReport, project_id: int) -> MonitoringReport:
    """Submit a monitoring report for a period of a validated project (its owner)."""
    return projects.submit_report(db.session(), current_principal(), project_id, new)


@blp.route("/reports/<int:report_id>/transitions", methods=["POST"])
@blp.arguments(ReportReviewSchema())
@blp.response(200, ReportSchema)
@blp.alt_response(409, description="Not allowed from its state (`registry.illegal_transition`)")
@blp.doc(security=BEARER_AUTH)
def review_report(body: dict[str, Any], report_id: int) -> MonitoringReport:
    """Verify (核证, with the verified tonnes) or reject a report (operators, verifiers)."""
    return projects.review_report(
        db.session(),
        current_principal(),
        report_id,
        body["to"],
        verified_t=body["verified_t"],
        reason=body["reason"],
    )


@blp.route("/reports/<int:report_id>/issuances", methods=["POST"])
@blp.arguments(IssueSchema())
@blp.response(201, IssuanceSchema)
@blp.alt_response(409, description="More than the verified tonnes left (`registry.over_issuance`)")
@blp.doc(security=BEARER_AUTH)
def issue(body: dict[str, Any], report_id: int) -> Issuance:
    """Issue whole tonnes of a verified report into its owner's holding (operators)."""
    return issuance.issue(db.session(), current_principal(), report_id, body["tonnes"])


@blp.route("/review")
class Review(MethodView):
    @blp.response(200, ReviewQueueSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> ReviewQueue:
        """Submitted projects, reports to verify, reports to issue from, open offers."""
        s, who = db.session(), current_principal()
        queue = projects.review_queue(s, who)
        return ReviewQueue(*queue, offers.open_offers(s) if who.operator else [])


@blp.route("/holdings/<int:holding_id>/offers", methods=["POST"])
@blp.arguments(OfferCreateSchema())
@blp.response(201, InventoryOfferSchema)
@blp.doc(security=BEARER_AUTH)
def make_offer(body: dict[str, Any], holding_id: int) -> InventoryOffer:
    """Offer a holding's tonnes to 点点's retirement inventory at a price (the holder's admins)."""
    return offers.offer(db.session(), current_principal(), holding_id, **body)


@blp.route("/participants/<int:participant_id>/offers")
class ParticipantOffers(MethodView):
    @blp.response(200, InventoryOfferSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[InventoryOffer]:
        """A participant's offers to the inventory, newest first."""
        return offers.of_participant(db.session(), current_principal(), participant_id)


@blp.route("/offers/<int:offer_id>/acceptance", methods=["POST"])
@blp.arguments(OfferAcceptSchema())
@blp.response(200, InventoryOfferSchema)
@blp.alt_response(409, description="Already decided, or the holding has fewer tonnes now")
@blp.doc(security=BEARER_AUTH)
def accept_offer(body: dict[str, Any], offer_id: int) -> InventoryOffer:
    """Accept an offer: its tonnes become a credits lot with their serials (operators)."""
    return offers.accept(db.session(), current_principal(), offer_id, body["price_fen_per_t"])


@blp.route("/offers/<int:offer_id>/closure", methods=["POST"])
@blp.arguments(OfferCloseSchema())
@blp.response(200, InventoryOfferSchema)
@blp.alt_response(409, description="Already decided")
@blp.doc(security=BEARER_AUTH)
def close_offer(body: dict[str, Any], offer_id: int) -> InventoryOffer:
    """Decline an open offer with a reason (operators) or withdraw it (the holder's admins)."""
    return offers.close(db.session(), current_principal(), offer_id, body["reason"])


@blp.route("/trace/<string:number>")
class Trace(MethodView):
    @blp.arguments(TraceQuerySchema(), location="query")
    @blp.response(200, TraceSchema)
    @blp.alt_response(404, description="No such certificate, or not its check code")
    def get(self, query: dict[str, Any], number: str) -> trace.Trace:
        """A certificate's grams, back to their project's monitoring report (its owner, or with
        its check code `k`, as the certificate itself)."""
        return trace.trace(db.session(), current_principal(), number, query.get("k"))


@blp.route("/public/projects")
class PublicProjects(MethodView):
    @blp.response(200, PublicProjectSchema(many=True))
    def get(self) -> list[public.PublicProject]:
        """Validated projects, with issued and retired volumes (项目公示)."""
        return public.listing(db.session())


@blp.route("/public/projects/<int:project_id>")
class PublicProjectById(MethodView):
    @blp.response(200, PublicProjectDetailSchema)
    def get(self, project_id: int) -> public.PublicProject:
        """A validated project with its issuance history."""
        return public.page(db.session(), project_id)
