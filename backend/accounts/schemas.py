"""Request and response shapes of the accounts API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, post_load, validate

from backend.accounts.consent import Acceptance
from backend.accounts.legal import LANGS, Document
from backend.accounts.models import CourtLevel, OrgKind, Role, WechatApp
from backend.accounts.principal import SCOPES
from backend.core.messages import Coded


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


class AcceptanceSchema(Schema):
    """ "I agree" to one version of one text (`GET /legal/{document}` gives the version)."""

    document = fields.Enum(Document, by_value=True, required=True)
    version = fields.String(required=True, validate=validate.Length(min=1, max=20))

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Acceptance:
        return Acceptance(**data)


class SignInSchema(Schema):
    phone = phone_field()
    code = fields.String(
        required=True, validate=validate.Regexp(r"^\d{6}$", error=Coded("accounts.six_digits"))
    )
    accept = fields.List(
        fields.Nested(AcceptanceSchema),
        load_default=list,
        metadata={
            "description": "Texts accepted: a new account needs the terms and the privacy "
            "policy in their versions in force (else 403 `consent-required`)"
        },
    )
    wechat_binding = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "From a WeChat sign-in of an unbound WeChat: bind it now"},
    )


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


# --- consent and legal texts -----------------------------------------------------------------


class ConsentsAcceptSchema(Schema):
    accept = fields.List(
        fields.Nested(AcceptanceSchema), required=True, validate=validate.Length(min=1, max=4)
    )


class ConsentStandingSchema(Schema):
    """Where the person stands with one text."""

    document = fields.Enum(Document, by_value=True)
    title = fields.String()
    version = fields.String(metadata={"description": "The version in force"})
    required = fields.Boolean(metadata={"description": "Needed to use the service at all"})
    sensitive = fields.Boolean(metadata={"description": "A separate consent (PIPL art. 29)"})
    in_force = fields.Boolean(metadata={"description": "Accepted in the version in force"})
    accepted_version = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class ConsentRecordSchema(Schema):
    document = fields.Enum(Document, by_value=True)
    version = fields.String()
    accepted = fields.Boolean(metadata={"description": "False: withdrawn"})
    at = fields.DateTime()


class LegalQuerySchema(Schema):
    lang = fields.String(validate=validate.OneOf(LANGS), load_default="zh")


class LegalSummarySchema(Schema):
    document = fields.Enum(Document, by_value=True)
    lang = fields.String()
    title = fields.String()
    version = fields.String()
    effective = fields.Date()
    sensitive = fields.Boolean()


class LegalTextSchema(LegalSummarySchema):
    markdown = fields.String(metadata={"description": "The source, as kept in the repository"})
    html = fields.String(metadata={"description": "The Markdown rendered (no raw HTML passes)"})


# --- WeChat sign-in ----------------------------------------------------------------------------


class AuthMethodsSchema(Schema):
    phone = fields.Boolean()
    wechat_official_account = fields.Boolean(
        metadata={"description": "Sign-in inside WeChat's browser (OAuth)"}
    )
    wechat_mini_program = fields.Boolean()


class WechatAuthorizationSchema(Schema):
    authorize_url = fields.String(metadata={"description": "Send the browser here"})
    state = fields.String()
    expires_at = fields.DateTime()


class WechatCallbackSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    state = fields.String(required=True, validate=validate.Length(min=1, max=128))


class WechatCodeSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "From wx.login in the mini-program"},
    )


class WechatSignInSchema(Schema):
    signed_in = fields.Boolean()
    token = fields.Nested(TokenSchema, allow_none=True)
    binding = fields.String(
        allow_none=True,
        metadata={
            "description": "An unbound WeChat: send this as `wechat_binding` with a phone "
            "and its code to `POST /auth/tokens`"
        },
    )
    binding_expires_at = fields.DateTime(allow_none=True)


class WechatIdentitySchema(Schema):
    app = fields.Enum(WechatApp, by_value=True)
    app_id = fields.String()
    openid = fields.String()
    unionid = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_used_at = fields.DateTime()


class WechatJsapiQuerySchema(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2048),
        metadata={
            "description": "The page's URL (`location.href`; the `#…` part is dropped). Only "
            "pages of this site are signed."
        },
    )


class WechatJsapiConfigSchema(Schema):
    """What `wx.config` takes: appId, timestamp, nonceStr, signature."""

    app_id = fields.String(metadata={"description": "The official account's appId"})
    timestamp = fields.Integer(metadata={"description": "Unix seconds, as signed"})
    nonce_str = fields.String(metadata={"description": "The nonce, as signed"})
    signature = fields.String(
        metadata={"description": "sha1 of jsapi_ticket, noncestr, timestamp and url"}
    )
    url = fields.String(metadata={"description": "The URL signed (without `#…`)"})


# --- export and deletion -----------------------------------------------------------------------


class ExportSchema(Schema):
    exported_at = fields.DateTime()
    profile = fields.Nested(UserSchema)
    consents = fields.List(fields.Nested(ConsentRecordSchema))
    wechat_identities = fields.List(fields.Nested(WechatIdentitySchema))
    memberships = fields.List(fields.Nested(MembershipSummarySchema))
    invitations = fields.List(fields.Nested(MyInvitationSchema))
    records = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "What each other part of the service holds on you, by part: "
            "footprints, orders, certificates, points, courts, partners"
        },
    )


class DeletionConfirmationSchema(Schema):
    confirmation = fields.String(metadata={"description": "Send it to `DELETE /me`"})
    expires_at = fields.DateTime()


class DeletionSchema(Schema):
    confirmation = fields.String(required=True, validate=validate.Length(min=1, max=500))
