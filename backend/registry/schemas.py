"""Request and response shapes of the registry API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from backend.certificates.schemas import CODE_QUERY
from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.credits.models import Standard
from backend.registry.models import (
    OfferState,
    ParticipantRole,
    ProjectState,
    ReportState,
    TransferKind,
)
from backend.registry.participants import Acceptance, NewParticipant, valid_uscc
from backend.registry.projects import NewProject, NewReport

TONNES = validate.Range(min=1, max=10**9)
# A tonne's price in fen: up to 1,000,000 yuan (our bound, far above any carbon price), so
# tonnes × price stays within a BIGINT.
PRICE = validate.Range(min=0, max=10**8)


class UsccField(fields.String):
    """A 统一社会信用代码, checked by its GB 32100-2015 check character."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> str:
        compact = valid_uscc(super()._deserialize(value, attr, data, **kw))
        if compact is None:
            raise ValidationError(Coded("registry.uscc_invalid"))
        return compact


# --- catalogue ---------------------------------------------------------------------------


class SceneSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()


class RegistryMethodologyNameSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    version = fields.String()


class RegistryMethodologySchema(RegistryMethodologyNameSchema):
    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.String()
    source = fields.String()
    year = fields.Integer()
    assumption = fields.String(metadata={"description": "What in the entry is our assumption"})
    scenes = fields.List(fields.Nested(SceneSchema))
    issued_here = fields.Function(
        lambda m: m.standard == Standard.CDCER,
        metadata={"type": "boolean", "description": "Projects may be registered under it"},
    )


class MarketDocumentSchema(Schema):
    code = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    version = fields.String()
    effective = fields.Date()


# --- participants ------------------------------------------------------------------------


class RegistryAcceptanceSchema(Schema):
    document = fields.String(required=True, validate=validate.Length(min=1, max=32))
    version = fields.String(required=True, validate=validate.Length(min=1, max=20))

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Acceptance:
        return Acceptance(**data)


class ParticipantCreateSchema(Schema):
    organisation_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    uscc = UsccField(required=True, metadata={"example": "91110000600037341L"})
    legal_representative = Label(required=True, min_length=1, max_length=100)
    contact_name = Label(required=True, min_length=1, max_length=100)
    contact_phone = fields.String(required=True, validate=validate.Length(min=3, max=32))
    roles = fields.List(
        fields.Enum(ParticipantRole, by_value=True),
        required=True,
        validate=validate.Length(min=1, max=4),
    )
    accept = fields.List(
        fields.Nested(RegistryAcceptanceSchema),
        required=True,
        validate=validate.Length(max=10),
        metadata={"description": "Every market document in force, with its version"},
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewParticipant:
        return NewParticipant(
            **{**data, "roles": tuple(data["roles"]), "accept": tuple(data["accept"])}
        )


class AcceptanceRecordSchema(Schema):
    document = fields.String()
    version = fields.String()
    at = fields.DateTime()


class RegistryParticipantSchema(Schema):
    """A `participants.ParticipantView`."""

    id = fields.Integer(attribute="participant.id")
    organisation_id = fields.Integer(attribute="participant.organisation_id")
    organisation_name = fields.String(attribute="participant.organisation.name")
    uscc = fields.String(attribute="participant.uscc")
    legal_representative = fields.String(attribute="participant.legal_representative")
    contact_name = fields.String(attribute="participant.contact_name")
    contact_phone = fields.String(
        allow_none=True,
        metadata={"description": "In full for operators and the organisation's admins only"},
    )
    contact_phone_masked = fields.String(metadata={"example": "+86 139****0001"})
    roles = fields.List(
        fields.Enum(ParticipantRole, by_value=True), attribute="participant.role_names"
    )
    acceptances = fields.List(
        fields.Nested(AcceptanceRecordSchema), attribute="participant.acceptances"
    )
    opened_at = fields.DateTime(attribute="participant.opened_at")


# --- projects ----------------------------------------------------------------------------


class RegistryProjectCreateSchema(Schema):
    owner_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    methodology = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name_zh = Label(required=True, min_length=1, max_length=200)
    name_en = Label(required=True, min_length=1, max_length=200)
    province = fields.String(required=True, validate=validate.Length(min=1, max=6))
    city = Label(required=True, min_length=1, max_length=50)
    latitude = fields.Decimal(required=True, places=6, as_string=False)
    longitude = fields.Decimal(required=True, places=6, as_string=False)
    crediting_start = fields.Date(required=True)
    crediting_end = fields.Date(required=True)
    expected_annual_t = fields.Integer(required=True, strict=True, validate=TONNES)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewProject:
        return NewProject(**data)


class StateChangeSchema(Schema):
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.DateTime()


class DocumentSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class ReportSchema(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    vintage = fields.Integer()
    claimed_t = fields.Integer()
    state = fields.Enum(ReportState, by_value=True)
    verified_t = fields.Integer(allow_none=True)
    issued_t = fields.Integer()
    verifier_id = fields.Integer(allow_none=True, metadata={"description": "None: an operator"})
    verified_at = fields.DateTime(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    submitted_at = fields.DateTime()
    project_name_zh = fields.String(attribute="project.name_zh")
    project_name_en = fields.String(attribute="project.name_en")


class RegistryProjectSchema(Schema):
    id = fields.Integer()
    owner_id = fields.Integer()
    standard = fields.Enum(Standard, by_value=True)
    methodology = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    province = fields.String()
    city = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()
    crediting_start = fields.Date()
    crediting_end = fields.Date()
    expected_annual_t = fields.Integer()
    state = fields.Enum(ProjectState, by_value=True)
    reject_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    documents = fields.List(fields.Nested(DocumentSchema))
    reports = fields.List(fields.Nested(ReportSchema))


class RegistryProjectDetailSchema(Schema):
    """A `routes.ProjectDetail`: the project and its history."""

    project = fields.Nested(RegistryProjectSchema)
    history = fields.List(fields.Nested(StateChangeSchema))


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in ProjectState]))
    reason = Label(load_default=None, allow_none=True, max_length=2000)


class ReportCreateSchema(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    claimed_t = fields.Integer(required=True, strict=True, validate=TONNES)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewReport:
        return NewReport(**data)


class ReportReviewSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in ReportState]))
    verified_t = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=10**9)
    )
    reason = Label(load_default=None, allow_none=True, max_length=2000)


class ReviewQueueSchema(Schema):
    projects = fields.List(fields.Nested(RegistryProjectSchema))
    reports = fields.List(fields.Nested(ReportSchema))
    issuable = fields.List(
        fields.Nested(ReportSchema),
        metadata={"description": "verified reports with tonnes left to issue (operators)"},
    )
    offers = fields.List(
        fields.Nested(lambda: InventoryOfferSchema()),
        metadata={"description": "open offers into the retirement inventory (operators)"},
    )


class DocumentFormSchema(Schema):
    title = Label(required=True, min_length=1, max_length=200)


class DocumentFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


# --- issuance and holdings ---------------------------------------------------------------


class IssueSchema(Schema):
    tonnes = fields.Integer(required=True, strict=True, validate=TONNES)


class IssuanceSchema(Schema):
    id = fields.Integer()
    report_id = fields.Integer()
    project_id = fields.Integer()
    standard = fields.Enum(Standard, by_value=True)
    vintage = fields.Integer()
    serial_range = fields.String(metadata={"example": "CDCER-2025-ZL0001-00000001-00000500"})
    first_unit = fields.Integer()
    last_unit = fields.Integer()
    tonnes = fields.Integer()
    issued_at = fields.DateTime()


class HoldingSchema(Schema):
    """A `holdings.HeldBlock`."""

    id = fields.Integer(attribute="holding.id")
    standard = fields.Enum(Standard, by_value=True, attribute="holding.standard")
    project_id = fields.Integer(attribute="project.id")
    project_name_zh = fields.String(attribute="project.name_zh")
    project_name_en = fields.String(attribute="project.name_en")
    vintage = fields.Integer(attribute="issuance.vintage")
    issuance_id = fields.Integer(attribute="issuance.id")
    serial_range = fields.String()
    first_unit = fields.Integer(attribute="holding.first_unit")
    last_unit = fields.Integer(attribute="holding.last_unit")
    tonnes = fields.Integer(attribute="holding.tonnes")


class OfferCreateSchema(Schema):
    tonnes = fields.Integer(required=True, strict=True, validate=TONNES)
    price_fen_per_t = fields.Integer(
        required=True,
        strict=True,
        validate=PRICE,
        metadata={"description": "the holder's asking price: what the inventory pays per tonne"},
    )


class OfferAcceptSchema(Schema):
    price_fen_per_t = fields.Integer(
        required=True,
        strict=True,
        validate=PRICE,
        metadata={"description": "the new lot's selling price per tonne"},
    )


class OfferCloseSchema(Schema):
    reason = Label(load_default=None, allow_none=True, max_length=2000)


class RegistryTransferSchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(TransferKind, by_value=True)
    issuance_id = fields.Integer()
    from_participant_id = fields.Integer(allow_none=True)
    to_participant_id = fields.Integer(allow_none=True)
    lot_id = fields.Integer(allow_none=True)
    first_unit = fields.Integer()
    last_unit = fields.Integer()
    tonnes = fields.Integer()
    at = fields.DateTime()


class InventoryOfferSchema(Schema):
    id = fields.Integer()
    participant_id = fields.Integer()
    holding_id = fields.Integer(allow_none=True)
    issuance_id = fields.Integer()
    project_id = fields.Integer(attribute="issuance.project_id")
    project_name_zh = fields.String(attribute="issuance.project.name_zh")
    project_name_en = fields.String(attribute="issuance.project.name_en")
    vintage = fields.Integer(attribute="issuance.vintage")
    tonnes = fields.Integer()
    price_fen_per_t = fields.Integer()
    state = fields.Enum(OfferState, by_value=True)
    reason = fields.String(allow_none=True)
    transfer = fields.Nested(RegistryTransferSchema, allow_none=True)
    offered_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


# --- trace and public pages --------------------------------------------------------------


class RegistryOriginSchema(Schema):
    """The registry's side of a lot."""

    project_id = fields.Integer(attribute="issuance.project_id")
    project_name_zh = fields.String(attribute="issuance.project.name_zh")
    project_name_en = fields.String(attribute="issuance.project.name_en")
    methodology = fields.String(attribute="issuance.project.methodology")
    report_id = fields.Integer(attribute="issuance.report_id")
    period_start = fields.Date(attribute="issuance.report.period_start")
    period_end = fields.Date(attribute="issuance.report.period_end")
    verified_t = fields.Integer(attribute="issuance.report.verified_t")
    verified_at = fields.DateTime(attribute="issuance.report.verified_at")
    issuance_id = fields.Integer(attribute="issuance.id")
    issuance_serial_range = fields.String(attribute="issuance.serial_range")
    issued_at = fields.DateTime(attribute="issuance.issued_at")
    transfer_id = fields.Integer(attribute="transfer.id")
    moved_to_inventory_at = fields.DateTime(attribute="transfer.at")


class TracedGramsSchema(Schema):
    """A `trace.TracedGrams`: one allocation of the certificate."""

    serial = fields.String()
    gram_start = fields.Integer(attribute="allocation.gram_start")
    gram_end = fields.Integer(attribute="allocation.gram_end")
    mass_g = fields.Integer(attribute="allocation.mass_g")
    lot_id = fields.Integer(attribute="lot.id")
    lot_serial_range = fields.String(attribute="lot.serial_range")
    standard = fields.String(attribute="lot.project.standard")
    project_registry_id = fields.String(attribute="lot.project.registry_id")
    project_name_zh = fields.String(attribute="lot.project.name_zh")
    project_name_en = fields.String(attribute="lot.project.name_en")
    registry_ref = fields.String(
        allow_none=True, metadata={"description": "None until retired at the registry"}
    )
    origin = fields.Nested(RegistryOriginSchema, allow_none=True)


class TraceQuerySchema(Schema):
    k = CODE_QUERY


class TraceSchema(Schema):
    number = fields.String()
    units = fields.List(fields.Nested(TracedGramsSchema))


class PublicIssuanceSchema(Schema):
    vintage = fields.Integer()
    serial_range = fields.String()
    tonnes = fields.Integer()
    period_start = fields.Date(attribute="report.period_start")
    period_end = fields.Date(attribute="report.period_end")
    issued_at = fields.DateTime()


class PublicProjectSchema(Schema):
    """A `public.PublicProject`: no personal data."""

    id = fields.Integer(attribute="project.id")
    registry_id = fields.String()
    name_zh = fields.String(attribute="project.name_zh")
    name_en = fields.String(attribute="project.name_en")
    owner_name = fields.String(metadata={"description": "The owner organisation's name"})
    methodology = fields.Nested(RegistryMethodologyNameSchema)
    province = fields.String(attribute="project.province")
    city = fields.String(attribute="project.city")
    latitude = fields.Float(attribute="project.latitude")
    longitude = fields.Float(attribute="project.longitude")
    crediting_start = fields.Date(attribute="project.crediting_start")
    crediting_end = fields.Date(attribute="project.crediting_end")
    expected_annual_t = fields.Integer(attribute="project.expected_annual_t")
    issued_t = fields.Integer()
    retired_g = fields.Integer(metadata={"description": "Grams allocated to beneficiaries"})


class PublicProjectDetailSchema(PublicProjectSchema):
    issuances = fields.List(fields.Nested(PublicIssuanceSchema))
