"""Response and request shapes of the certificates, ledger and stats API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from backend.certificates.render import DEFAULT_WIDTH, PRESET_WIDTHS
from backend.core.text_fields import Label
from backend.footprint.purpose_schema import PurposeSchema, PurposeText

REGISTRY_STATUS = "`retired` at the registry, or `pending` (allocated, to be retired there)"


class UnitLineSchema(Schema):
    """One registry unit (a tonne) the certificate took grams of."""

    serial = fields.String(
        metadata={
            "description": "The unit as its registry writes it",
            "example": "CN-5-512000117-512000117-1-1-0-4521",
        }
    )
    number = fields.Integer(metadata={"description": "The unit's number at its registry"})
    mass_g = fields.Integer(metadata={"description": "Grams of it this certificate took"})
    registry_status = fields.String(metadata={"description": REGISTRY_STATUS})
    registry_ref = fields.String(
        allow_none=True, metadata={"description": "The registry's batch reference, once retired"}
    )
    due_on = fields.Date(
        allow_none=True,
        metadata={"description": "While pending: the day (China) it must be retired by"},
    )


class CreditLineSchema(Schema):
    standard = fields.String()
    project_registry_id = fields.String(
        metadata={"description": "The project's id at its registry", "example": "CDM-4521"}
    )
    project_name_zh = fields.String()
    project_name_en = fields.String()
    project_type = fields.String()
    province = fields.String(allow_none=True)
    vintage = fields.Integer()
    serials = fields.String(
        metadata={"description": "The units taken, as the registry writes the block"}
    )
    mass_g = fields.Integer()
    registry_status = fields.String(
        metadata={"description": "`retired` when every unit is retired at the registry"}
    )
    registry_ref = fields.String(allow_none=True)
    registry_due_on = fields.Date(
        allow_none=True,
        metadata={"description": "The earliest day (China) a pending unit must be retired by"},
    )
    units = fields.List(fields.Nested(UnitLineSchema))


CODE = "The check code printed beside the number: a public look-up needs both"
ISSUED_ON = "The date the certificate states: China's (Asia/Shanghai), as every date shown"
CODE_QUERY = fields.String(
    validate=validate.Length(max=20),
    metadata={"description": "The check code printed on the certificate (`check_code`)"},
)


class CertificateSchema(Schema):
    """Dumps a `services.Detail`: what is drawn from its view (names masked for the public on a
    judicial certificate), the claim and links from the detail, the rest from the row."""

    FROM_VIEW = frozenset(
        (
            "issuer",
            "sandbox",
            "credits",
            "verify_url",
            "beneficiary",
            "purpose",
            "issued_on",
            "check_code",
        )
    )
    FROM_DETAIL = frozenset({"claim", "png_url", "verified_for", "revoked_reason"})

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        attr = "purpose" if attr == "purpose_detail" else attr  # its text, and the structure
        source = (
            obj.view if attr in self.FROM_VIEW else obj if attr in self.FROM_DETAIL else obj.cert
        )
        return super().get_attribute(source, attr, default)

    number = fields.String(metadata={"example": "DD-2026-000123"})
    check_code = fields.String(metadata={"description": CODE, "example": "K7QX2M"})
    status = fields.String(metadata={"description": "`valid` or `revoked`"})
    beneficiary = fields.String(
        metadata={"description": "Judicial, to the public: the first character, then `*`"}
    )
    purpose = PurposeText(
        metadata={"description": "In Chinese; judicial, to the public: never the case number"}
    )
    purpose_detail = fields.Nested(
        PurposeSchema, metadata={"description": "Kind, name and route, and its text in zh and en"}
    )
    footprint_mass_g = fields.Integer(allow_none=True)
    mass_g = fields.Integer(metadata={"description": "Grams CO2e retired"})
    issued_at = fields.DateTime()
    issued_on = fields.Date(metadata={"description": ISSUED_ON})
    issuer = fields.String()
    sandbox = fields.Boolean(
        metadata={"description": "Paid through the sandbox: not a real offset"}
    )
    judicial = fields.Boolean()
    credits = fields.List(fields.Nested(CreditLineSchema))
    verify_url = fields.String(metadata={"description": "What the QR encodes"})
    png_url = fields.String()
    key_id = fields.String()
    claim = fields.Dict(
        metadata={
            "description": "The signed claim (certificate-qr.v2 schema; v1 for certificates "
            "issued before it), with `encoded`, what the QR carries of it"
        }
    )
    signature = fields.String(
        metadata={"description": "Ed25519 over the claim's signed bytes, base64url"}
    )
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = fields.String(
        metadata={"description": "The operator's words, or the platform's in Accept-Language"}
    )
    verified_at = fields.DateTime(
        allow_none=True, metadata={"description": "When it was used (核销) for one purpose"}
    )
    verified_by = fields.String(metadata={"description": "Who used it: a court"})
    verified_for = fields.String(
        metadata={"description": "For what: a case number (empty to the public)"}
    )


class CertificateReadQuerySchema(Schema):
    k = CODE_QUERY


class PngQuerySchema(Schema):
    k = CODE_QUERY
    size = fields.Integer(
        load_default=DEFAULT_WIDTH,
        validate=validate.OneOf(PRESET_WIDTHS),
        metadata={
            "description": "Width in pixels (A4 portrait): 600 to share on a phone, 1240 for a "
            "screen (150 dpi), 2480 to print (300 dpi)"
        },
    )


class PdfQuerySchema(Schema):
    k = CODE_QUERY
    lang = fields.String(
        validate=validate.OneOf(["zh", "en"]),
        metadata={
            "description": "Language (the statement is bilingual); default: Accept-Language, "
            "else zh"
        },
    )


class RevocationSchema(Schema):
    reason = Label(required=True, min_length=3, max_length=300)


class JwkSchema(Schema):
    kty = fields.String()
    crv = fields.String()
    alg = fields.String()
    use = fields.String()
    kid = fields.String()
    x = fields.String()
    status = fields.String(metadata={"description": "`active` signs new certificates"})


class KeysSchema(Schema):
    """Dumps a `signing.Keyring`."""

    keys = fields.List(fields.Nested(JwkSchema), attribute="jwks")


class LedgerUnitSchema(Schema):
    lot_id = fields.Integer()
    standard = fields.String()
    vintage = fields.Integer()
    project_registry_id = fields.String()
    project_name_en = fields.String()
    serial = fields.Integer(metadata={"description": "The unit's number at its registry"})
    registry_serial = fields.String(metadata={"description": "The unit as its registry writes it"})
    gram_start = fields.Integer()
    gram_end = fields.Integer()
    registry_status = fields.String(metadata={"description": REGISTRY_STATUS})
    registry_ref = fields.String(
        allow_none=True, metadata={"description": "The registry's batch reference, once retired"}
    )


class LedgerEntrySchema(Schema):
    certificate_number = fields.String()
    issued_at = fields.DateTime()
    mass_g = fields.Integer()
    status = fields.String()
    units = fields.List(fields.Nested(LedgerUnitSchema))


class LedgerPageSchema(Schema):
    items = fields.List(fields.Nested(LedgerEntrySchema))
    next_cursor = fields.String(allow_none=True)


class CertificateSummarySchema(Schema):
    """Dumps a `services.Summary`."""

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        attr = "purpose" if attr == "purpose_detail" else attr
        own = ("verify_url", "png_url", "issued_on", "check_code", "purpose")
        source = obj if attr in own else obj.cert
        return super().get_attribute(source, attr, default)

    number = fields.String(metadata={"example": "DD-2026-000123"})
    check_code = fields.String(metadata={"description": CODE, "example": "K7QX2M"})
    status = fields.String(metadata={"description": "`valid` or `revoked`"})
    beneficiary = fields.String()
    purpose = PurposeText(metadata={"description": "In Chinese"})
    purpose_detail = fields.Nested(PurposeSchema)
    mass_g = fields.Integer(metadata={"description": "Grams CO2e retired"})
    issued_at = fields.DateTime()
    issued_on = fields.Date(metadata={"description": ISSUED_ON})
    judicial = fields.Boolean()
    order_id = fields.String(allow_none=True)
    verify_url = fields.String()
    png_url = fields.String()


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(CertificateSummarySchema))
    next_cursor = fields.String(allow_none=True)


class CertificateQuerySchema(Schema):
    organisation_id = fields.Integer(
        metadata={"description": "An organisation's certificates (its admins)"}
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=200))


class LedgerQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=200))


RETIRED_G = "Of `mass_g`, grams in units retired at their registry"
PENDING_G = "Of `mass_g`, grams allocated whose registry retirement is pending"


class StatRowSchema(Schema):
    key = fields.String()
    mass_g = fields.Integer()
    registry_retired_g = fields.Integer(metadata={"description": RETIRED_G})
    registry_pending_g = fields.Integer(metadata={"description": PENDING_G})


class CountRowSchema(Schema):
    key = fields.String()
    count = fields.Integer()


class StatsSchema(Schema):
    neutralisations = fields.Integer()
    mass_g = fields.Integer(metadata={"description": "Grams CO2e allocated to valid certificates"})
    registry_retired_g = fields.Integer(metadata={"description": RETIRED_G})
    registry_pending_g = fields.Integer(metadata={"description": PENDING_G})
    by_standard = fields.List(fields.Nested(StatRowSchema))
    by_project_type = fields.List(fields.Nested(StatRowSchema))
    by_province = fields.List(fields.Nested(StatRowSchema))
    by_month = fields.List(fields.Nested(StatRowSchema))
    neutralisations_by_month = fields.List(fields.Nested(CountRowSchema))
