"""Accounts API: sign-in, the current user, organisations, members and API keys."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from backend.accounts import services
from backend.accounts.auth import BEARER_AUTH, auth_settings, current_principal, current_token
from backend.accounts.models import Organisation
from backend.accounts.schemas import (
    ApiKeyCreatedSchema,
    ApiKeyCreateSchema,
    ApiKeySchema,
    CodeIssuedSchema,
    CodeRequestSchema,
    MemberAddSchema,
    MemberSchema,
    MeSchema,
    OrganisationCreateSchema,
    OrganisationSchema,
    ProfileUpdateSchema,
    SignInSchema,
    TokenSchema,
)
from backend.accounts.sms import sender_for
from backend.core import db
from backend.web.blueprint import Blueprint
from backend.web.limiter import configured, limiter, phone_key

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in by phone")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")
org_blp = Blueprint(
    "organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Organisations, members and API keys",
)


@auth_blp.route("/codes", methods=["POST"])
@limiter.limit(configured("RATELIMIT_OTP_PER_PHONE"), key_func=phone_key, scope="otp-phone")
@limiter.limit(configured("RATELIMIT_OTP_PER_IP"), scope="otp-ip")
@auth_blp.arguments(CodeRequestSchema())
@auth_blp.response(202, CodeIssuedSchema)
def request_code(body: dict[str, Any]) -> dict[str, Any]:
    """Send a one-time sign-in code (returned in the body in sandbox mode only)."""
    cfg = auth_settings()
    issued = services.request_code(
        db.session(), cfg, sender_for(current_app.config["SMS_PROVIDER"]), body["phone"]
    )
    out: dict[str, Any] = {
        "phone": issued.phone,
        "expires_at": issued.expires_at,
        "sandbox": cfg.sandbox,
    }
    if cfg.sandbox:
        out["code"] = issued.code
    return out


@auth_blp.route("/tokens", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_PHONE"), key_func=phone_key, scope="signin-phone")
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.arguments(SignInSchema())
@auth_blp.response(201, TokenSchema)
def sign_in(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange a phone and its code for a bearer token."""
    issued = services.sign_in(db.session(), auth_settings(), body["phone"], body["code"])
    return {
        "access_token": issued.token,
        "token_type": "Bearer",
        "expires_at": issued.record.expires_at,
        "user": issued.record.user,
    }


@auth_blp.route("/sign-out", methods=["POST"])
@auth_blp.response(204)
@auth_blp.doc(security=BEARER_AUTH)
def sign_out() -> None:
    """Revoke the bearer token of this request."""
    services.sign_out(db.session(), current_token())


@me_blp.route("")
class Me(MethodView):
    @me_blp.response(200, MeSchema)
    @me_blp.doc(security=BEARER_AUTH)
    def get(self) -> dict[str, Any]:
        """The signed-in user, their organisations and roles."""
        return _me()

    @me_blp.arguments(ProfileUpdateSchema())
    @me_blp.response(200, MeSchema)
    @me_blp.doc(security=BEARER_AUTH)
    def patch(self, body: dict[str, Any]) -> dict[str, Any]:
        """Change the display name."""
        services.update_profile(
            db.session(), current_principal().require_user(), body["display_name"]
        )
        return _me()


def _me() -> dict[str, Any]:
    who = current_principal()
    user = who.require_user()
    orgs: dict[int, Organisation] = {m.organisation_id: m.organisation for m in user.memberships}
    return {
        "id": user.id,
        "phone": user.phone,
        "display_name": user.display_name,
        "created_at": user.created_at,
        "operator": who.operator,
        "organisations": [
            {"organisation": orgs[oid], "roles": sorted(who.roles.get(oid, ()))} for oid in orgs
        ],
    }


@org_blp.route("")
class Organisations(MethodView):
    @org_blp.response(200, OrganisationSchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def get(self) -> list[Organisation]:
        """The caller's organisations (all, for operators)."""
        who = current_principal()
        if who.anonymous:
            who.require_user()
        return services.organisations_of(db.session(), who)

    @org_blp.arguments(OrganisationCreateSchema())
    @org_blp.response(201, OrganisationSchema)
    @org_blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any]) -> Organisation:
        """Create an organisation with yourself as admin (courts and operators: operators only)."""
        return services.create_organisation(db.session(), current_principal(), **body)


@org_blp.route("/<int:org_id>")
class OrganisationById(MethodView):
    @org_blp.response(200, OrganisationSchema)
    @org_blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> Organisation:
        """One organisation (members, its API keys with `organisation:read`, operators)."""
        return services.get_organisation(db.session(), current_principal(), org_id)


@org_blp.route("/<int:org_id>/members")
class Members(MethodView):
    @org_blp.response(200, MemberSchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[Any]:
        """Who holds which role."""
        return services.list_members(db.session(), current_principal(), org_id)

    @org_blp.arguments(MemberAddSchema())
    @org_blp.response(201, MemberSchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any], org_id: int) -> list[Any]:
        """Give a person roles in the organisation (admins only)."""
        return services.add_member(
            db.session(), current_principal(), org_id, body["phone"], body["roles"]
        )


@org_blp.route("/<int:org_id>/api-keys")
class ApiKeys(MethodView):
    @org_blp.response(200, ApiKeySchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[Any]:
        """The organisation's API keys, without secrets (admins only)."""
        return services.list_api_keys(db.session(), current_principal(), org_id)

    @org_blp.arguments(ApiKeyCreateSchema())
    @org_blp.response(201, ApiKeyCreatedSchema)
    @org_blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any], org_id: int) -> dict[str, Any]:
        """Create a scoped API key; the full key is in this response only."""
        key, full = services.create_api_key(
            db.session(), current_principal(), org_id, body["name"], body["scopes"]
        )
        return {name: getattr(key, name) for name in ApiKeySchema().fields} | {"key": full}


@org_blp.route("/<int:org_id>/api-keys/<int:key_id>")
class ApiKeyById(MethodView):
    @org_blp.response(200, ApiKeySchema)
    @org_blp.doc(security=BEARER_AUTH)
    def delete(self, org_id: int, key_id: int) -> Any:
        """Revoke an API key."""
        return services.revoke_api_key(db.session(), current_principal(), org_id, key_id)
