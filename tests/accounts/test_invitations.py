"""Membership by consent: an admin's invitation grants nothing until its person accepts.

The hole: an admin added any phone as a member, with no word from its person, and then read
the footprints that person filed under the organisation.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.accounts import memberships
from backend.accounts.models import Invitation, Role, User
from backend.core.clock import utcnow
from tests import factories as f

MEETING = {"kind": "meeting", "meeting": {"attendees": 5}}


class Org:
    """An organisation, its admin and a person outside it."""

    def __init__(self, client, s) -> None:
        self.client = client
        admin, person = f.user(s, "管理员"), f.user(s, "张三")
        self.org = f.organisation(s, admin=admin)
        self.admin, self.person = f.sign_in(client, admin.phone), f.sign_in(client, person.phone)
        self.person_phone = person.phone

    def invite(self, phone: str, roles=("member",), token: str | None = None):
        return self.client.post(
            f"/api/v1/organisations/{self.org.id}/invitations",
            json={"phone": phone, "roles": list(roles)},
            headers=f.bearer(token or self.admin),
        )

    def mine(self, token: str) -> list[dict]:
        resp = self.client.get("/api/v1/me/invitations", headers=f.bearer(token))
        assert resp.status_code == 200
        return resp.get_json()

    def accept(self, invitation_id: str, token: str):
        return self.client.post(
            f"/api/v1/me/invitations/{invitation_id}/accept", headers=f.bearer(token)
        )

    def roles_of(self, token: str) -> list[list[str]]:
        me = self.client.get("/api/v1/me", headers=f.bearer(token)).get_json()
        return [o["roles"] for o in me["organisations"] if o["organisation"]["id"] == self.org.id]

    def member_ids(self) -> set[int]:
        resp = self.client.get(
            f"/api/v1/organisations/{self.org.id}/members", headers=f.bearer(self.admin)
        )
        return {m["user"]["id"] for m in resp.get_json()}

    def file_footprint(self, token: str):
        return self.client.post(
            "/api/v1/footprints",
            json={**MEETING, "organisation_id": self.org.id},
            headers=f.bearer(token),
        )


def test_an_invitation_grants_nothing_and_reveals_nothing_until_accepted(client, db_session):
    o = Org(client, db_session)
    person = db_session.scalars(select(User).where(User.phone == o.person_phone)).one()
    invited = o.invite(o.person_phone, roles=["member"])
    assert invited.status_code == 201
    assert set(invited.get_json()) == {"id", "phone_masked", "roles", "created_at", "expires_at"}
    # nothing is granted: no role, not a member, nothing filed under the organisation
    assert o.roles_of(o.person) == []
    assert person.id not in o.member_ids()
    org_path = f"/api/v1/organisations/{o.org.id}"
    assert client.get(org_path, headers=f.bearer(o.person)).status_code == 404
    refused = o.file_footprint(o.person)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "organisation_id"
    own = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(o.person)).get_json()
    own_path = f"/api/v1/footprints/{own['id']}"
    assert client.get(own_path, headers=f.bearer(o.admin)).status_code == 404
    # the person sees the invitation, and accepting grants exactly its roles
    [waiting] = o.mine(o.person)
    assert waiting["organisation"]["id"] == o.org.id
    assert waiting["roles"] == ["member"]
    accepted = o.accept(waiting["id"], o.person)
    assert accepted.status_code == 200
    assert accepted.get_json()["roles"] == ["member"]
    assert o.roles_of(o.person) == [["member"]]
    assert person.id in o.member_ids()
    filed = o.file_footprint(o.person)
    assert filed.status_code == 201
    path = f"/api/v1/footprints/{filed.get_json()['id']}"
    assert client.get(path, headers=f.bearer(o.admin)).status_code == 200
    assert o.mine(o.person) == []
    assert o.accept(waiting["id"], o.person).status_code == 404  # used up


def test_an_invitation_is_for_its_phone_only(client, db_session):
    o = Org(client, db_session)
    invitation = o.invite(o.person_phone).get_json()
    stranger = f.sign_in(client, f.user(db_session).phone)
    assert o.mine(stranger) == []
    assert o.accept(invitation["id"], stranger).status_code == 404
    assert o.accept(invitation["id"], o.admin).status_code == 404
    decline = f"/api/v1/me/invitations/{invitation['id']}"
    assert client.delete(decline, headers=f.bearer(stranger)).status_code == 404
    assert o.roles_of(stranger) == []
    assert len(o.mine(o.person)) == 1


def test_an_unknown_phone_gets_no_account_and_no_full_number_is_listed(client, db_session):
    o = Org(client, db_session)
    phone = "+8613700000001"
    invited = o.invite("137 0000 0001")
    assert invited.status_code == 201
    assert invited.get_json()["phone_masked"] == "+86 137****0001"
    assert db_session.scalar(select(func.count()).select_from(User).where(User.phone == phone)) == 0
    stored = db_session.scalars(select(Invitation)).one()
    assert phone not in (stored.phone_digest, stored.phone_masked)
    listed = client.get(f"/api/v1/organisations/{o.org.id}/invitations", headers=f.bearer(o.admin))
    assert [i["phone_masked"] for i in listed.get_json()] == ["+86 137****0001"]
    assert "13700000001" not in listed.get_data(as_text=True)
    # the phone's person signs in later, finds the invitation and accepts it
    newcomer = f.sign_in(client, phone)
    [waiting] = o.mine(newcomer)
    assert o.accept(waiting["id"], newcomer).status_code == 200
    members = client.get(
        f"/api/v1/organisations/{o.org.id}/members", headers=f.bearer(o.admin)
    ).get_data(as_text=True)
    assert "13700000001" not in members
    assert "+86 137****0001" in members


def test_the_person_declines_and_nothing_is_granted(client, db_session):
    o = Org(client, db_session)
    invitation = o.invite(o.person_phone, roles=["admin"]).get_json()
    resp = client.delete(f"/api/v1/me/invitations/{invitation['id']}", headers=f.bearer(o.person))
    assert resp.status_code == 204
    assert o.mine(o.person) == []
    assert o.accept(invitation["id"], o.person).status_code == 404
    assert o.roles_of(o.person) == []
    pending = client.get(
        f"/api/v1/organisations/{o.org.id}/invitations", headers=f.bearer(o.admin)
    ).get_json()
    assert pending == []


def test_the_admin_withdraws_an_invitation(client, db_session):
    o = Org(client, db_session)
    invitation = o.invite(o.person_phone).get_json()
    path = f"/api/v1/organisations/{o.org.id}/invitations/{invitation['id']}"
    assert client.delete(path, headers=f.bearer(o.person)).status_code == 404  # not their org
    assert client.delete(path, headers=f.bearer(o.admin)).status_code == 204
    assert o.mine(o.person) == []
    assert o.accept(invitation["id"], o.person).status_code == 404
    assert o.roles_of(o.person) == []
    assert client.delete(path, headers=f.bearer(o.admin)).status_code == 404


def test_one_pending_invitation_per_phone_and_none_for_roles_already_held(client, db_session):
    o = Org(client, db_session)
    assert o.invite(o.person_phone).status_code == 201
    again = o.invite(o.person_phone, roles=["admin"])
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("/invitation-pending")
    [waiting] = o.mine(o.person)
    o.accept(waiting["id"], o.person)
    held = o.invite(o.person_phone, roles=["member"])
    assert held.status_code == 409
    assert held.get_json()["type"].endswith("/already-member")
    more = o.invite(o.person_phone, roles=["member", "admin"])
    assert more.status_code == 201  # a new role needs consent too
    [promotion] = o.mine(o.person)
    assert o.accept(promotion["id"], o.person).get_json()["roles"] == ["admin", "member"]


def test_a_lapsed_invitation_cannot_be_accepted_and_is_purged(client, db_session):
    o = Org(client, db_session)
    invitation = o.invite(o.person_phone).get_json()
    stored = db_session.get(Invitation, invitation["id"])
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert o.mine(o.person) == []
    assert o.accept(invitation["id"], o.person).status_code == 404
    assert o.invite(o.person_phone).status_code == 201  # a lapsed one does not block a new one
    assert memberships.purge_invitations(db_session, utcnow() + timedelta(days=8)) == 1


def test_a_member_leaves_but_the_last_admin_cannot(client, db_session):
    o = Org(client, db_session)
    member = f.user(db_session)
    f.grant(db_session, member, o.org, Role.member)
    member_token = f.sign_in(client, member.phone)
    path = f"/api/v1/me/memberships/{o.org.id}"
    assert client.delete(path, headers=f.bearer(member_token)).status_code == 204
    assert o.roles_of(member_token) == []
    assert member.id not in o.member_ids()
    assert client.delete(path, headers=f.bearer(member_token)).status_code == 404
    last = client.delete(path, headers=f.bearer(o.admin))
    assert last.status_code == 409
    assert last.get_json()["type"].endswith("/last-admin")
    assert o.roles_of(o.admin) == [["admin"]]
    # with a second admin who accepted, the first may go
    o.invite(o.person_phone, roles=["admin"])
    [waiting] = o.mine(o.person)
    o.accept(waiting["id"], o.person)
    assert client.delete(path, headers=f.bearer(o.admin)).status_code == 204
    assert client.delete(path, headers=f.bearer(o.person)).status_code == 409
