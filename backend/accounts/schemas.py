"""Request and response shapes of the accounts API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.accounts.models import CourtLevel, OrgKind, Role
from backend.accounts.principal import SCOPES


def phone_field() -> fields.String:
    """A phone number as typed; services normalise it to E.164."""
    return fields.String(
        required=True,
        validate=validate.Length(min=3, max=32),
        metadata={"description": "E.164, or a mainland number", "example": "+8613800138000"},
    )


class CodeRequestSchema(Schema):
    phone = phone_field()


class CodeIssuedSchema(Schema):
    phone = fields.String(metadata={"description": "The number in E.164 form"})
    expires_at = fields.DateTime()
    sandbox = fields.Boolean(metadata={"description": "True when no SMS is sent"})
    code = fields.String(metadata={"description": "Sandbox mode only: the code itself"})


class SignInSchema(Schema):
    phone = phone_field()
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="Six digits."))


class OrganisationRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Enum(OrgKind, by_value=True)


class MembershipSummarySchema(Schema):
    organisation = fields.Nested(OrganisationRefSchema)
    roles = fields.List(fields.Enum(Role, by_value=True))


class UserSchema(Schema):
    id = fields.Integer()
    phone = fields.String()
    display_name = fields.String()
    created_at = fields.DateTime()


class MeSchema(UserSchema):
    operator = fields.Boolean()
    organisations = fields.List(fields.Nested(MembershipSummarySchema))


class ProfileUpdateSchema(Schema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class OrganisationCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Enum(OrgKind, by_value=True, required=True)
    court_level = fields.Enum(CourtLevel, by_value=True, allow_none=True, load_default=None)
    parent_id = fields.Integer(allow_none=True, load_default=None)


class OrganisationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Enum(OrgKind, by_value=True)
    court_level = fields.Enum(CourtLevel, by_value=True, allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class MemberAddSchema(Schema):
    phone = phone_field()
    roles = fields.List(
        fields.Enum(Role, by_value=True), required=True, validate=validate.Length(min=1)
    )


class MemberSchema(Schema):
    user = fields.Nested(UserSchema)
    role = fields.Enum(Role, by_value=True)
    created_at = fields.DateTime()


class ApiKeyCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(sorted(SCOPES))),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Any of: " + ", ".join(sorted(SCOPES))},
    )


class ApiKeySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "Visible part of the key"})
    scopes = fields.List(fields.String())
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = fields.String(metadata={"description": "The full key. Shown once: store it now."})
