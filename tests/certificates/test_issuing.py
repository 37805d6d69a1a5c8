"""Issuing: a gap-free number per year, the credits with their serials, a signed claim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from sqlalchemy import select

from backend.certificates import issuing
from backend.certificates.models import Certificate
from backend.core.clock import utcnow
from tests.conftest import ROOT

SCHEMAS = {
    v: json.loads((ROOT / f"shared/schemas/certificate-qr.v{v}.schema.json").read_text())
    for v in (1, 2)
}


def test_paying_issues_a_certificate_of_exactly_what_was_retired(certify, stock):
    cert = certify(mass_g=2_500_000, beneficiary="川西林盘 宝兴县")
    assert re.fullmatch(r"DD-\d{4}-\d{6}", cert["number"])
    assert cert["status"] == "valid"
    assert cert["beneficiary"] == "川西林盘 宝兴县"
    assert cert["mass_g"] == 2_500_000
    assert cert["sandbox"] is True
    (line,) = cert["credits"]
    assert line["standard"] == "CCER"
    assert line["mass_g"] == 2_500_000
    assert line["registry_status"] == "pending"
    first = stock.lot.first_unit
    assert line["serials"] == f"TEST-{first}-{first + 2}"  # 2.5 t touch three units
    claim = {k: v for k, v in cert["claim"].items() if k != "encoded"}
    jsonschema.validate(claim, SCHEMAS[2])
    assert claim["n"] == cert["number"]
    assert claim["m"] == 2_500_000
    assert claim["d"] == cert["issued_on"]
    assert cert["verify_url"].endswith(f"/verify/{cert['claim']['encoded']}")


def test_numbers_follow_each_other_without_gaps(certify):
    numbers = [certify(mass_g=1000 + i)["number"] for i in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]


def test_a_rolled_back_issue_gives_its_number_back(db_session, certify):
    before = certify(mass_g=1000)["number"]
    year = int(before.split("-")[1])
    seq, _ = issuing.next_number(db_session, year)
    db_session.rollback()
    again, number = issuing.next_number(db_session, year)
    db_session.rollback()
    assert again == seq == int(before.rsplit("-", 1)[1]) + 1
    assert number == f"DD-{year}-{seq:06d}"


def test_the_order_names_its_certificate_and_the_document_names_the_serials(
    client, db_session, certify
):
    cert = certify(mass_g=1_000_000)
    stored = db_session.scalars(
        select(Certificate).where(Certificate.number == cert["number"])
    ).one()
    document = json.loads(stored.document)
    assert document["number"] == cert["number"]
    assert document["credits"][0]["units"] == 1
    assert document["issuer"] == cert["issuer"]
    assert stored.issued_at <= utcnow()


def test_the_qr_schemas_are_committed_where_the_contract_says(tmp_path):
    for v, schema in SCHEMAS.items():
        assert Path(ROOT / f"shared/schemas/certificate-qr.v{v}.schema.json").exists()
        jsonschema.Draft202012Validator.check_schema(schema)
