"""Every unit a certificate took can be looked up at its registry: the PNG, the JSON, /verify and
/ledger write it as the registry does, with the project's registry id and, once retired, the
registry's batch reference (pending: the day it is due); and they state the pooled retirement."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.certificates import issuers, render, services
from backend.certificates.view import POOLED_RETIREMENT
from backend.core import uow
from backend.core.clock import china_date, utcnow
from backend.credits import registry
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import Project, Standard
from backend.imaging import pen
from tests import factories as f


@pytest.fixture(autouse=True)
def chinese_pages(client):
    """The verify page as a phone in China asks for it (the suite's client asks for English)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"


FIRST = 9_300_000_001
TAIL = "VCS-VCU-997-VER-CN-1-98765-01012019-31122019-0"


def vcu(n: int, m: int | None = None) -> str:
    """Units n..m as Verra writes the block."""
    return f"10845-{n}-{n if m is None else m}-{TAIL}"


@pytest.fixture
def verra(db_session) -> Project:
    """A Verra project with a lot whose serial range is written the Verra way."""
    p = f.project(db_session, "VCU", "biogas")
    p.registry_id = "VCS-98765"
    db_session.add(new_lot(p, LotFields(2019, vcu(FIRST, FIRST + 99), FIRST, FIRST + 99, 0, 3500)))
    db_session.commit()
    return p


def _certificate(client, db_session, buyer, verra) -> dict:
    order = f.neutralise(
        client,
        buyer.token,
        mass_g=2_500_000,
        beneficiary="熊猫保护协会",
        preferences={"project_ids": [verra.id]},
    )
    number = order["certificate_number"]
    cert: dict = client.get(
        f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token)
    ).get_json()
    return cert


def _retire_first_two(db_session, lot_id: int) -> None:
    with uow.transaction(db_session):
        registry.record(
            db_session,
            standard=Standard.VCU,
            registry_ref="VCS-RET-2026-00417",
            retired_on=utcnow(),
            note="",
            ranges=[(lot_id, FIRST, FIRST + 1)],
        )


def test_the_json_names_each_unit_as_the_registry_writes_it(client, db_session, buyer, verra):
    cert = _certificate(client, db_session, buyer, verra)
    (line,) = cert["credits"]
    assert line["project_registry_id"] == "VCS-98765"
    assert line["serials"] == vcu(FIRST, FIRST + 2)
    units = line["units"]
    assert [u["serial"] for u in units] == [vcu(FIRST), vcu(FIRST + 1), vcu(FIRST + 2)]
    assert [u["number"] for u in units] == [FIRST, FIRST + 1, FIRST + 2]
    assert [u["mass_g"] for u in units] == [1_000_000, 1_000_000, 500_000]
    # pending, each due REGISTRY_RETIREMENT_DAYS after its first allocation, in China's dates
    due = china_date(utcnow() + timedelta(days=30))
    assert {u["registry_status"] for u in units} == {"pending"}
    assert {u["due_on"] for u in units} <= {due.isoformat(), (due - timedelta(1)).isoformat()}
    assert line["registry_due_on"] == min(u["due_on"] for u in units)

    _retire_first_two(db_session, _lot_id(db_session, verra))
    (line,) = client.get(
        f"/api/v1/certificates/{cert['number']}?k={cert['check_code']}"
    ).get_json()["credits"]
    retired, pending = line["units"][:2], line["units"][2]
    assert [(u["registry_status"], u["registry_ref"], u["due_on"]) for u in retired] == [
        ("retired", "VCS-RET-2026-00417", None)
    ] * 2
    assert (pending["registry_status"], pending["registry_ref"]) == ("pending", None)
    assert pending["due_on"] is not None
    assert (line["registry_status"], line["registry_ref"]) == ("pending", "VCS-RET-2026-00417")


def test_the_verify_page_shows_units_ref_due_date_and_pooled_retirement(
    client, db_session, buyer, verra
):
    cert = _certificate(client, db_session, buyer, verra)
    _retire_first_two(db_session, _lot_id(db_session, verra))
    (line,) = client.get(
        f"/api/v1/certificates/{cert['number']}?k={cert['check_code']}"
    ).get_json()["credits"]
    page = client.get(f"/verify/{cert['number']}?k={cert['check_code']}").get_data(as_text=True)
    assert "VCS-98765" in page
    assert vcu(FIRST, FIRST + 1) in page  # the retired block, under its batch reference
    assert "VCS-RET-2026-00417" in page
    for n in (FIRST, FIRST + 1, FIRST + 2):
        assert vcu(n) in page
    due = line["units"][2]["due_on"]
    assert f"须于 {due} 前在登记簿注销" in page
    zh, en = POOLED_RETIREMENT
    assert zh in page
    english = client.get(f"/verify/{cert['number']}?k={cert['check_code']}&lang=en")
    assert f"Due at the registry by {due}" in english.get_data(as_text=True)
    assert en in english.get_data(as_text=True)


def test_the_ledger_names_each_unit_with_its_registry_and_batch(client, db_session, buyer, verra):
    cert = _certificate(client, db_session, buyer, verra)
    _retire_first_two(db_session, _lot_id(db_session, verra))
    page = client.get("/api/v1/ledger?limit=100").get_json()
    (entry,) = [e for e in page["items"] if e["certificate_number"] == cert["number"]]
    assert [
        (u["registry_serial"], u["project_registry_id"], u["registry_status"], u["registry_ref"])
        for u in entry["units"]
    ] == [
        (vcu(FIRST), "VCS-98765", "retired", "VCS-RET-2026-00417"),
        (vcu(FIRST + 1), "VCS-98765", "retired", "VCS-RET-2026-00417"),
        (vcu(FIRST + 2), "VCS-98765", "pending", None),
    ]


@pytest.mark.parametrize("width", [1240, 2480])
def test_the_png_draws_the_serials_registry_id_batch_and_pooled_retirement(
    app, client, db_session, buyer, verra, monkeypatch: pytest.MonkeyPatch, width: int
):
    cert = _certificate(client, db_session, buyer, verra)
    _retire_first_two(db_session, _lot_id(db_session, verra))
    drawn: list[str] = []
    real = pen.Pen.text

    def spy(self: pen.Pen, xy: object, text: str, *args: object, **kwargs: object) -> None:
        drawn.append(text)
        real(self, xy, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pen.Pen, "text", spy)
    with app.app_context():
        view = services.view(
            db_session, issuers.current(), services.get(db_session, cert["number"])
        )
    render.render_png(view, width)
    joined = "".join(drawn)
    assert vcu(FIRST, FIRST + 1) in joined  # the retired block: a row of its own
    assert vcu(FIRST + 2) in joined  # the pending unit
    assert any(t.startswith("VCS-98765 · ") for t in drawn)
    assert any("VCS-RET-2026-00417" in t for t in drawn)
    zh, en = POOLED_RETIREMENT
    spaced = " ".join(drawn)
    assert zh in joined
    assert en in spaced
    assert joined.index(zh) < joined.index(en.split()[0])
    c = render.compose(view, width)
    assert (c.rows_shown, c.rows_hidden, c.pooled_note) == (2, 0, True)


def _lot_id(db_session, p: Project) -> int:
    (lot,) = db_session.get(Project, p.id).lots
    return lot.id
