"""Request and response shapes of the accounts API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

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

    @post_dump(pass_original=True)
    def _code_in_sandbox_only(self, data: dict[str, Any], issued: Any, **_: Any) -> dict[str, Any]:
        if not issued.sandbox:
            data.pop("code", None)
        return data


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


class MeSchema(Schema):
    id = fields.Integer(attribute="user.id")
    phone = fields.String(attribute="user.phone")
    display_name = fields.String(attribute="user.display_name")
    created_at = fields.DateTime(attribute="user.created_at")
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


def masked_phone_field() -> fields.String:
    """A phone shown to others than its owner."""
    return fields.String(metadata={"description": "Masked", "example": "+86 139****0001"})


class MemberUserSchema(Schema):
    """A member as the organisation sees them: no full phone number."""

    id = fields.Integer()
    display_name = fields.String()
    phone_masked = masked_phone_field()


class MemberSchema(Schema):
    user = fields.Nested(MemberUserSchema)
    role = fields.Enum(Role, by_value=True)
    created_at = fields.DateTime()


class InvitationCreateSchema(Schema):
    phone = phone_field()
    roles = fields.List(
        fields.Enum(Role, by_value=True), required=True, validate=validate.Length(min=1)
    )


class InvitationSchema(Schema):
    """An invitation as its organisation's admins see it."""

    id = fields.String()
    phone_masked = masked_phone_field()
    roles = fields.List(fields.Enum(Role, by_value=True), attribute="offered_roles")
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class MyInvitationSchema(Schema):
    """An invitation as its invited person sees it."""

    id = fields.String()
    organisation = fields.Nested(OrganisationRefSchema)
    roles = fields.List(fields.Enum(Role, by_value=True), attribute="offered_roles")
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


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
