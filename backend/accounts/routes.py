"""Accounts API: sign-in, the current user, organisations, members, invitations, API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask.views import MethodView

from backend.accounts import memberships, services
from backend.accounts.auth import BEARER_AUTH, auth_settings, current_principal, current_token
from backend.accounts.memberships import OrgRoles
from backend.accounts.models import ApiKey, Invitation, Membership, Organisation, User
from backend.accounts.schemas import (
    ApiKeyCreatedSchema,
    ApiKeyCreateSchema,
    ApiKeySchema,
    CodeIssuedSchema,
    CodeRequestSchema,
    InvitationCreateSchema,
    InvitationSchema,
    MemberSchema,
    MembershipSummarySchema,
    MeSchema,
    MyInvitationSchema,
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

# A secret answered once (a code, a token, an API key) is kept by no cache on the way.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in by phone")
me_blp = Blueprint(
    "me",
    __name__,
    url_prefix="/api/v1/me",
    description="The signed-in user, their invitations and memberships",
)
org_blp = Blueprint(
    "organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Organisations, members, invitations and API keys",
)


@dataclass(frozen=True)
class Me:
    """The signed-in person, as `GET /me` shows them."""

    user: User
    operator: bool
    organisations: list[OrgRoles]


def _me() -> Me:
    who = current_principal()
    user = who.require_user()
    return Me(user, who.operator, memberships.held_roles(user))


def _secret_key() -> str:
    key: str = current_app.config["SECRET_KEY"]
    return key


@auth_blp.route("/codes", methods=["POST"])
@limiter.limit(configured("RATELIMIT_OTP_PER_PHONE"), key_func=phone_key, scope="otp-phone")
@limiter.limit(configured("RATELIMIT_OTP_PER_IP"), scope="otp-ip")
@auth_blp.arguments(CodeRequestSchema())
@auth_blp.response(202, CodeIssuedSchema)
def request_code(body: dict[str, Any]) -> tuple[services.IssuedCode, dict[str, str]]:
    """Send a one-time sign-in code (returned in the body in sandbox mode only)."""
    sms = sender_for(current_app.config["SMS_PROVIDER"])
    issued = services.request_code(db.session(), auth_settings(), sms, body["phone"])
    return issued, NO_STORE


@auth_blp.route("/tokens", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_PHONE"), key_func=phone_key, scope="signin-phone")
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.arguments(SignInSchema())
@auth_blp.response(201, TokenSchema)
def sign_in(body: dict[str, Any]) -> tuple[services.IssuedToken, dict[str, str]]:
    """Exchange a phone and its code for a bearer token."""
    issued = services.sign_in(db.session(), auth_settings(), body["phone"], body["code"])
    return issued, NO_STORE


@auth_blp.route("/sign-out", methods=["POST"])
@auth_blp.response(204)
@auth_blp.doc(security=BEARER_AUTH)
def sign_out() -> None:
    """Revoke the bearer token of this request."""
    services.sign_out(db.session(), current_token())


@me_blp.route("")
class MeView(MethodView):
    @me_blp.response(200, MeSchema)
    @me_blp.doc(security=BEARER_AUTH)
    def get(self) -> Me:
        """The signed-in user, their organisations and roles."""
        return _me()

    @me_blp.arguments(ProfileUpdateSchema())
    @me_blp.response(200, MeSchema)
    @me_blp.doc(security=BEARER_AUTH)
    def patch(self, body: dict[str, Any]) -> Me:
        """Change the display name."""
        services.update_profile(
            db.session(), current_principal().require_user(), body["display_name"]
        )
        return _me()


@me_blp.route("/invitations")
class MyInvitations(MethodView):
    @me_blp.response(200, MyInvitationSchema(many=True))
    @me_blp.doc(security=BEARER_AUTH)
    def get(self) -> list[Invitation]:
        """Invitations to organisations waiting for your answer."""
        user = current_principal().require_user()
        return memberships.my_invitations(db.session(), user, secret_key=_secret_key())


@me_blp.route("/invitations/<invitation_id>")
class MyInvitationById(MethodView):
    @me_blp.response(204)
    @me_blp.doc(security=BEARER_AUTH)
    def delete(self, invitation_id: str) -> None:
        """Decline an invitation: nothing is granted, and it is gone."""
        user = current_principal().require_user()
        memberships.decline(db.session(), user, invitation_id, secret_key=_secret_key())


@me_blp.route("/invitations/<invitation_id>/accept", methods=["POST"])
@me_blp.response(200, MembershipSummarySchema)
@me_blp.doc(security=BEARER_AUTH)
def accept_invitation(invitation_id: str) -> OrgRoles:
    """Accept an invitation: you take its roles in the organisation."""
    user = current_principal().require_user()
    return memberships.accept(db.session(), user, invitation_id, secret_key=_secret_key())


@me_blp.route("/memberships/<int:org_id>", methods=["DELETE"])
@me_blp.response(204)
@me_blp.alt_response(409, description="You are its last admin (`last-admin`)")
@me_blp.doc(security=BEARER_AUTH)
def leave_organisation(org_id: int) -> None:
    """Leave an organisation, giving up every role in it (not as its last admin)."""
    memberships.leave(db.session(), current_principal().require_user(), org_id)


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
    def get(self, org_id: int) -> list[Membership]:
        """Who holds which role (phones masked)."""
        return memberships.list_members(db.session(), current_principal(), org_id)


@org_blp.route("/<int:org_id>/invitations")
class Invitations(MethodView):
    @org_blp.response(200, InvitationSchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[Invitation]:
        """Invitations not yet answered (admins)."""
        return memberships.pending_invitations(db.session(), current_principal(), org_id)

    @org_blp.arguments(InvitationCreateSchema())
    @org_blp.response(201, InvitationSchema)
    @org_blp.alt_response(
        409,
        description="The phone has a pending invitation (`invitation-pending`), or its person "
        "holds these roles already (`already-member`)",
    )
    @org_blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any], org_id: int) -> Invitation:
        """Invite a phone to take roles (admins); nothing is granted until its person accepts."""
        return memberships.invite(
            db.session(),
            current_principal(),
            org_id,
            phone=body["phone"],
            roles=body["roles"],
            secret_key=_secret_key(),
        )


@org_blp.route("/<int:org_id>/invitations/<invitation_id>", methods=["DELETE"])
@org_blp.response(204)
@org_blp.doc(security=BEARER_AUTH)
def withdraw_invitation(org_id: int, invitation_id: str) -> None:
    """Withdraw an invitation not yet answered (admins)."""
    memberships.withdraw(db.session(), current_principal(), org_id, invitation_id)


@org_blp.route("/<int:org_id>/api-keys")
class ApiKeys(MethodView):
    @org_blp.response(200, ApiKeySchema(many=True))
    @org_blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[ApiKey]:
        """The organisation's API keys, without secrets (admins only)."""
        return services.list_api_keys(db.session(), current_principal(), org_id)

    @org_blp.arguments(ApiKeyCreateSchema())
    @org_blp.response(201, ApiKeyCreatedSchema)
    @org_blp.doc(security=BEARER_AUTH)
    def post(
        self, body: dict[str, Any], org_id: int
    ) -> tuple[services.IssuedApiKey, dict[str, str]]:
        """Create a scoped API key; the full key is in this response only."""
        issued = services.create_api_key(
            db.session(), current_principal(), org_id, name=body["name"], scopes=body["scopes"]
        )
        return issued, NO_STORE


@org_blp.route("/<int:org_id>/api-keys/<int:key_id>")
class ApiKeyById(MethodView):
    @org_blp.response(200, ApiKeySchema)
    @org_blp.doc(security=BEARER_AUTH)
    def delete(self, org_id: int, key_id: int) -> ApiKey:
        """Revoke an API key."""
        return services.revoke_api_key(db.session(), current_principal(), org_id, key_id)
