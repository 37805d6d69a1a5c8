"""Accounts API: sign-in (phone, WeChat), the current user, consents and legal texts, export and
deletion, organisations, members, invitations, API keys."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from werkzeug.http import dump_cookie

from backend.accounts import (
    consent,
    legal,
    memberships,
    privacy,
    services,
    wechat_jsapi,
    wechat_login,
)
from backend.accounts.auth import BEARER_AUTH, auth_settings, current_principal, current_token
from backend.accounts.consent import consent_exempt
from backend.accounts.memberships import OrgRoles
from backend.accounts.models import ApiKey, Invitation, Membership, Organisation, User
from backend.accounts.schemas import (
    ApiKeyCreatedSchema,
    ApiKeyCreateSchema,
    ApiKeySchema,
    AuthMethodsSchema,
    CodeIssuedSchema,
    CodeRequestSchema,
    ConsentsAcceptSchema,
    ConsentStandingSchema,
    DeletionConfirmationSchema,
    DeletionSchema,
    ExportSchema,
    InvitationCreateSchema,
    InvitationSchema,
    LegalQuerySchema,
    LegalSummarySchema,
    LegalTextSchema,
    MemberSchema,
    MembershipSummarySchema,
    MeSchema,
    MyInvitationSchema,
    OrganisationCreateSchema,
    OrganisationSchema,
    ProfileUpdateSchema,
    SignInSchema,
    TokenSchema,
    WechatAuthorizationSchema,
    WechatCallbackSchema,
    WechatCodeSchema,
    WechatJsapiConfigSchema,
    WechatJsapiQuerySchema,
    WechatSignInSchema,
)
from backend.accounts.sms import sender_for
from backend.core import db, public_url
from backend.core.errors import NotFound
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
legal_blp = Blueprint(
    "legal",
    __name__,
    url_prefix="/api/v1/legal",
    description="The terms, the privacy policy and the separate consents, in Chinese and English",
)
wechat_blp = Blueprint(
    "wechat-jsapi",
    __name__,
    url_prefix="/api/v1/wechat",
    description="WeChat's JS-SDK in WeChat's browser (scanning): the signed wx.config",
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


def _wechat() -> wechat_login.WechatSettings:
    cfg = current_app.config
    return wechat_login.WechatSettings(
        secret_key=cfg["SECRET_KEY"],
        public_base_url=cfg["PUBLIC_BASE_URL"],
        oa_appid=cfg["WECHAT_OA_APPID"],
        oa_secret=cfg["WECHAT_OA_SECRET"],
        mini_appid=cfg["WECHAT_MINI_APPID"],
        mini_secret=cfg["WECHAT_MINI_SECRET"],
        api_base=cfg["WECHAT_API_BASE"],
        open_base=cfg["WECHAT_OPEN_BASE"],
    )


def _browser_cookie(value: str, max_age: int) -> str:
    """The cookie binding a WeChat sign-in to its browser: HttpOnly, sent to those paths only."""
    secure = current_app.config["PUBLIC_BASE_URL"].startswith("https://")
    return dump_cookie(
        wechat_login.COOKIE,
        value,
        max_age=max_age,
        path=wechat_login.COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )


def _texted(resp: Response) -> bool:
    """A code went out: only that counts against the phone's limit, so a failed send (nothing
    stored) leaves the person free to retry."""
    return resp.status_code == 202


@auth_blp.route("/codes", methods=["POST"])
@limiter.limit(
    configured("RATELIMIT_OTP_PER_PHONE"),
    key_func=phone_key,
    scope="otp-phone",
    deduct_when=_texted,
)
@limiter.limit(configured("RATELIMIT_OTP_PER_IP"), scope="otp-ip")
@auth_blp.arguments(CodeRequestSchema())
@auth_blp.response(202, CodeIssuedSchema)
@auth_blp.alt_response(
    502, description="The SMS provider refused (`sms-provider-error`, its `provider_code`)"
)
@auth_blp.alt_response(503, description="The SMS provider could not be reached (`sms-unavailable`)")
def request_code(body: dict[str, Any]) -> tuple[services.IssuedCode, dict[str, str]]:
    """Send a one-time sign-in code (returned in the body in sandbox mode only).

    When the SMS provider fails, no code is stored and the phone's rate limit is not spent.
    """
    sms = sender_for(current_app.config)
    issued = services.request_code(db.session(), auth_settings(), sms, body["phone"])
    return issued, NO_STORE


@auth_blp.route("/tokens", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_PHONE"), key_func=phone_key, scope="signin-phone")
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.arguments(SignInSchema())
@auth_blp.response(201, TokenSchema)
@auth_blp.alt_response(
    403, description="A new account needs the texts accepted (`consent-required`)"
)
@auth_blp.alt_response(409, description="The WeChat is bound to another account")
def sign_in(body: dict[str, Any]) -> tuple[services.IssuedToken, dict[str, str]]:
    """Exchange a phone and its code for a bearer token (and bind a WeChat, if sent)."""
    s = db.session()
    binding = body.get("wechat_binding")
    found = wechat_login.open_binding(_secret_key(), binding) if binding else None
    issued = services.sign_in(s, auth_settings(), body["phone"], body["code"], body["accept"])
    if found is not None:
        wechat_login.bind(s, issued.user, found)
    return issued, NO_STORE


@auth_blp.route("/sign-out", methods=["POST"])
@auth_blp.response(204)
@auth_blp.doc(security=BEARER_AUTH)
@consent_exempt
def sign_out() -> None:
    """Revoke the bearer token of this request."""
    services.sign_out(db.session(), current_token())


@auth_blp.route("/methods", methods=["GET"])
@auth_blp.response(200, AuthMethodsSchema)
def sign_in_methods() -> wechat_login.Methods:
    """How one may sign in here: phone and code always, WeChat when configured."""
    return wechat_login.methods(_wechat())


@auth_blp.route("/wechat/authorizations", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.response(201, WechatAuthorizationSchema)
@auth_blp.alt_response(404, description="WeChat sign-in is not configured")
def wechat_authorize() -> tuple[wechat_login.Authorization, dict[str, str]]:
    """Start a WeChat sign-in (in WeChat's browser): where to send the browser, with a state
    bound to it by a cookie."""
    started = wechat_login.start(_wechat())
    cookie = _browser_cookie(started.browser, int(wechat_login.STATE_TTL.total_seconds()))
    return started, {**NO_STORE, "Set-Cookie": cookie}


@auth_blp.route("/wechat/sessions", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.arguments(WechatCallbackSchema())
@auth_blp.response(200, WechatSignInSchema)
@auth_blp.alt_response(401, description="WeChat refused the code")
@auth_blp.alt_response(403, description="A forged, expired, replayed or other browser's state")
@auth_blp.alt_response(404, description="WeChat sign-in is not configured")
@auth_blp.alt_response(502, description="WeChat did not answer")
def wechat_session(body: dict[str, Any]) -> tuple[wechat_login.WechatSignIn, dict[str, str]]:
    """Finish a WeChat sign-in with the code and state WeChat sent back: a token, or (the
    first time) a binding to send with a phone and its code."""
    settings = _wechat()
    if not settings.official_account:
        raise wechat_login.WechatNotConfigured("accounts.wechat_not_configured")
    s = db.session()
    browser = request.cookies.get(wechat_login.COOKIE)
    wechat_login.check_state(s, settings, body["state"], browser, None)
    found = wechat_login.exchange_oauth_code(settings, body["code"])
    outcome = wechat_login.sign_in(s, auth_settings(), settings, found)
    return outcome, {**NO_STORE, "Set-Cookie": _browser_cookie("", 0)}


@auth_blp.route("/wechat/mini-sessions", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNIN_PER_IP"), scope="signin-ip")
@auth_blp.arguments(WechatCodeSchema())
@auth_blp.response(200, WechatSignInSchema)
@auth_blp.alt_response(401, description="WeChat refused the code")
@auth_blp.alt_response(404, description="Mini-program sign-in is not configured")
@auth_blp.alt_response(502, description="WeChat did not answer")
def wechat_mini_session(body: dict[str, Any]) -> tuple[wechat_login.WechatSignIn, dict[str, str]]:
    """Sign in from the mini-program with a `wx.login` code (code2session): a token, or a
    binding to send with a phone and its code."""
    settings = _wechat()
    found = wechat_login.code2session(settings, body["code"])
    return wechat_login.sign_in(db.session(), auth_settings(), settings, found), NO_STORE


@wechat_blp.route("/jsapi-config", methods=["GET"])
@limiter.limit(configured("RATELIMIT_WECHAT_JSAPI_PER_IP"), scope="wechat-jsapi-ip")
@wechat_blp.arguments(WechatJsapiQuerySchema(), location="query")
@wechat_blp.response(200, WechatJsapiConfigSchema)
@wechat_blp.alt_response(404, description="No official account is configured")
@wechat_blp.alt_response(422, description="The URL is not a page of this site")
@wechat_blp.alt_response(502, description="WeChat did not answer, or refused")
@consent_exempt
def wechat_jsapi_config(args: dict[str, str]) -> tuple[wechat_jsapi.JsapiConfig, dict[str, str]]:
    """The signed `wx.config` (appId, timestamp, nonceStr, signature) for one of our pages,
    so that the page may call `wx.scanQRCode` inside WeChat."""
    settings = replace(_wechat(), public_base_url=public_url.base_url())
    return wechat_jsapi.config(db.session(), settings, args["url"]), NO_STORE


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

    @me_blp.arguments(DeletionSchema())
    @me_blp.response(204)
    @me_blp.alt_response(409, description="You are the last admin of an organisation with members")
    @me_blp.doc(security=BEARER_AUTH)
    @consent_exempt
    def delete(self, body: dict[str, Any]) -> None:
        """Delete your account, with the confirmation from `POST /me/deletion`: your personal
        data is erased or anonymised; retirements, certificates (as issued) and ledgers stay,
        unlinked from you."""
        user = current_principal().require_user()
        privacy.delete_account(
            db.session(), user, current_token(), body["confirmation"], secret_key=_secret_key()
        )


@me_blp.route("/deletion", methods=["POST"])
@me_blp.response(201, DeletionConfirmationSchema)
@me_blp.alt_response(409, description="You are the last admin of an organisation with members")
@me_blp.doc(security=BEARER_AUTH)
@consent_exempt
def confirm_deletion() -> tuple[privacy.DeletionConfirmation, dict[str, str]]:
    """Ask to delete your account: a confirmation, good for 10 minutes, for `DELETE /me`."""
    user = current_principal().require_user()
    confirmation = privacy.confirm_deletion(
        db.session(), user, current_token(), secret_key=_secret_key()
    )
    return confirmation, NO_STORE


@me_blp.route("/export", methods=["GET"])
@me_blp.response(200, ExportSchema)
@me_blp.doc(security=BEARER_AUTH)
@consent_exempt
def export_me() -> tuple[privacy.Export, dict[str, str]]:
    """Everything we hold on you, as JSON."""
    user = current_principal().require_user()
    return privacy.export(db.session(), user, secret_key=_secret_key()), NO_STORE


@me_blp.route("/consents")
class MyConsents(MethodView):
    @me_blp.response(200, ConsentStandingSchema(many=True))
    @me_blp.doc(security=BEARER_AUTH)
    @consent_exempt
    def get(self) -> list[consent.Standing]:
        """Each text, its version in force, and your answer."""
        return consent.standing(db.session(), current_principal().require_user())

    @me_blp.arguments(ConsentsAcceptSchema())
    @me_blp.response(200, ConsentStandingSchema(many=True))
    @me_blp.alt_response(403, description="A text changed since it was shown (`consent-required`)")
    @me_blp.doc(security=BEARER_AUTH)
    @consent_exempt
    def post(self, body: dict[str, Any]) -> list[consent.Standing]:
        """Accept texts in their versions in force (a new version, or a separate consent)."""
        s, user = db.session(), current_principal().require_user()
        consent.accept(s, user, body["accept"])
        return consent.standing(s, user)


@me_blp.route("/consents/<document>", methods=["DELETE"])
@me_blp.response(200, ConsentStandingSchema)
@me_blp.doc(security=BEARER_AUTH)
@consent_exempt
def withdraw_consent(document: str) -> consent.Standing:
    """Withdraw a separate consent (`judicial`, `travel`); the terms end with the account."""
    user = current_principal().require_user()
    return consent.withdraw(db.session(), user, _document(document))


def _document(name: str) -> legal.Document:
    try:
        return legal.Document(name)
    except ValueError:
        raise NotFound("accounts.no_document", params={"name": name}) from None


@legal_blp.route("", methods=["GET"])
@legal_blp.arguments(LegalQuerySchema(), location="query")
@legal_blp.response(200, LegalSummarySchema(many=True))
def legal_texts(query: dict[str, Any]) -> list[legal.Text]:
    """The texts, with their versions in force."""
    return [legal.text(d, query["lang"]) for d in legal.Document]


@legal_blp.route("/<document>", methods=["GET"])
@legal_blp.arguments(LegalQuerySchema(), location="query")
@legal_blp.response(200, LegalTextSchema)
def legal_text(query: dict[str, Any], document: str) -> legal.Text:
    """One text in Chinese (`zh`, authoritative) or English (`en`)."""
    return legal.text(_document(document), query["lang"])


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
