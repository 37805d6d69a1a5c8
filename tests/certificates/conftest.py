"""Certificates are issued through the real order flow: a lot, a buyer, a sandbox payment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests import factories as f
from tests.factories import Buyer, Stock


@pytest.fixture
def certify(client: FlaskClient, stock: Stock, buyer: Buyer) -> Callable[..., dict[str, Any]]:
    """Neutralise a mass for a beneficiary; returns the certificate's JSON."""

    def make(
        mass_g: int = 2_500_000, beneficiary: str = "熊猫保护协会", **body: Any
    ) -> dict[str, Any]:
        body.setdefault("preferences", stock.prefs)
        order = f.neutralise(client, buyer.token, mass_g=mass_g, beneficiary=beneficiary, **body)
        number = order["certificate_number"]
        resp = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token))
        assert resp.status_code == 200, resp.get_json()
        cert: dict[str, Any] = resp.get_json()
        return cert

    return make
