"""Who is calling, and the authorization checks every domain reuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from backend.accounts.models import ApiKey, Role, User
from backend.core.errors import Forbidden, NotFound, Unauthenticated
from backend.core.messages import Coded

SCOPES: dict[str, str] = {
    "organisation:read": "Read the organisation and its members",
    "footprints:read": "Read the organisation's footprints",
    "footprints:write": "Create footprints",
    "orders:read": "List and read the organisation's orders",
    "orders:write": "Create and cancel orders",
    "certificates:read": "Fetch certificates",
    "points:report": "Report green-travel actions",
    "webhooks:manage": "Manage webhook endpoints",
}

# How a role is named in a message (by its code in messages.toml).
ROLE_NAMES: dict[Role, str] = {
    Role.admin: "accounts.role.admin",
    Role.member: "accounts.role.member",
    Role.judge: "accounts.role.judge",
    Role.clerk: "accounts.role.clerk",
}


@dataclass(frozen=True)
class Principal:
    """A signed-in user, an organisation API key, or nobody."""

    user: User | None = None
    api_key: ApiKey | None = None
    roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    operator: bool = False

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.api_key is None

    @property
    def subject(self) -> str | None:
        """Who is calling, however the credential was spelt: `user:<id>` or `key:<id>`; None
        for anonymous callers."""
        if self.api_key is not None:
            return f"key:{self.api_key.id}"
        if self.user is not None:
            return f"user:{self.user.id}"
        return None

    def require_user(self) -> User:
        """The signed-in user, or 401 (API keys act for organisations, not people)."""
        if self.user is None:
            raise Unauthenticated("accounts.sign_in")
        return self.user

    def require_operator(self) -> User:
        """The signed-in operator, or 403."""
        user = self.require_user()
        if not self.operator:
            raise Forbidden("accounts.operators_only")
        return user

    def authorize_org(
        self, org_id: int, *, roles: Iterable[Role] = (), scope: str | None = None
    ) -> None:
        """Role check in one organisation. Outsiders get 404 so ids leak nothing."""
        if self.anonymous:
            raise Unauthenticated("accounts.sign_in_or_api_key")
        if self.operator:
            return
        if self.api_key is not None:
            if self.api_key.organisation_id != org_id:
                raise NotFound("accounts.no_organisation")
            self._require_scope(scope)
            return
        held = self.roles.get(org_id)
        if held is None:
            raise NotFound("accounts.no_organisation")
        wanted = set(roles)
        if wanted and not wanted & held:
            names = [Coded(ROLE_NAMES[r]) for r in sorted(wanted)]
            raise Forbidden("accounts.needs_role", params={"roles": names})

    def authorize_owner(
        self, owner_user_id: int | None, owner_org_id: int | None, *, scope: str | None = None
    ) -> None:
        """The owner, their organisation's admin (or its API key with `scope`), or an operator.

        Everyone else gets 404: other people's objects do not exist for them.
        """
        if self.operator:
            return
        if self.user is not None:
            if owner_user_id is not None and self.user.id == owner_user_id:
                return
            if owner_org_id is not None and Role.admin in self.roles.get(owner_org_id, ()):
                return
        elif self.api_key is not None and self.api_key.organisation_id == owner_org_id:
            self._require_scope(scope)
            return
        raise NotFound("accounts.not_found")

    def _require_scope(self, scope: str | None) -> None:
        assert self.api_key is not None  # noqa: S101 - callers check
        if scope is None or scope not in self.api_key.scopes:
            if scope is None:
                raise Forbidden("accounts.key_needs_user")
            raise Forbidden("accounts.key_lacks_scope", params={"scope": scope})
