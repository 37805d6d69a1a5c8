"""Alipay's notify URL: payments and refunds, answered as Alipay requires.

Handled (processed, or a duplicate of one handled before): 200 with the plain text `success`,
sent only once our state is committed (the view's transaction commits before the answer leaves).
Refused or failed: the usual problem+json with a 4xx or 5xx status; Alipay reads anything but
`success` as a failure and notifies again (up to 8 times in 25 hours).
"""

from __future__ import annotations

import logging

from flask import Response, request

from backend.core import db
from backend.core.config import ALIPAY_NOTIFY_PATH
from backend.orders import alipay_notify
from backend.payments import providers
from backend.web.blueprint import Blueprint

log = logging.getLogger(__name__)

blp = Blueprint("alipay", __name__, url_prefix="/api/v1", description="Alipay notifications")

SUCCESS = "success"  # the only answer Alipay takes as handled


@blp.route(ALIPAY_NOTIFY_PATH.removeprefix("/api/v1"), methods=["POST"])
@blp.response(
    200, {"type": "string"}, content_type="text/plain", description="`success`, once committed"
)
@blp.alt_response(
    400, description="Bad signature, another app or seller, not our trade, another amount"
)
@blp.alt_response(404, description="Alipay is not a configured provider")
@blp.alt_response(502, description="Alipay could not be asked; it will notify again")
def notify() -> Response:
    """Alipay notifications (form-encoded, RSA2-signed): a payment's state, a refund."""
    ack = alipay_notify.receive(db.session(), providers.rails(), request.get_data())
    log.info("Alipay notification: %s", ack.outcome)
    return Response(SUCCESS, mimetype="text/plain")
