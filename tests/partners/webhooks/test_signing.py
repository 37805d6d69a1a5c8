"""The Diandian-Signature header as a receiver checks it."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from backend.partners.webhooks.signing import InvalidSignature, sign, verify

BODY = b'{"id":"evt_a","type":"order.paid"}'
T = 1_800_000_000


def test_the_header_is_the_documented_hmac():
    mac = hmac.new(b"whsec_a", f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(["whsec_a"], BODY, T) == f"t={T},v1={mac}"


def test_one_v1_per_secret_current_first_and_either_verifies():
    header = sign(["whsec_new", "whsec_old"], BODY, T)
    assert header.count("v1=") == 2
    assert header.split(",")[1] == sign(["whsec_new"], BODY, T).split(",")[1]
    verify(["whsec_old"], header, BODY, now=T)
    verify(["whsec_new"], header, BODY, now=T)


@pytest.mark.parametrize(
    ("secrets", "header", "body", "now"),
    [
        (["whsec_other"], sign(["whsec_a"], BODY, T), BODY, T),
        (["whsec_a"], sign(["whsec_a"], BODY, T), BODY + b" ", T),
        (["whsec_a"], sign(["whsec_a"], BODY, T), BODY, T + 301),
        (["whsec_a"], sign(["whsec_a"], BODY, T), BODY, T - 301),
        (["whsec_a"], sign(["whsec_a"], BODY, T).replace(f"t={T}", f"t={T + 1}"), BODY, T),
        (["whsec_a"], f"v1={sign(['whsec_a'], BODY, T).split('v1=')[1]}", BODY, T),
        (["whsec_a"], None, BODY, T),
        (["whsec_a"], "t=soon,v1=00", BODY, T),
        ([], sign(["whsec_a"], BODY, T), BODY, T),
    ],
)
def test_anything_else_is_rejected(secrets, header, body, now):
    with pytest.raises(InvalidSignature):
        verify(secrets, header, body, now=now)


def test_the_tolerance_is_the_receivers_choice():
    header = sign(["whsec_a"], BODY, T)
    verify(["whsec_a"], header, BODY, tolerance=3600, now=T + 3000)
    with pytest.raises(InvalidSignature):
        verify(["whsec_a"], header, BODY, tolerance=60, now=T + 61)
