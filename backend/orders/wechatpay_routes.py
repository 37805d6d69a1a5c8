"""WeChat Pay's notify URL: payments and refunds, answered as WeChat Pay requires.

Handled: 200 with `{"code": "SUCCESS", "message": <outcome>}`, sent only once our state is
committed. Refused or failed: the usual problem+json, which also carries WeChat Pay's
`{"code": "FAIL", "message": …}`, with a 4xx or 5xx status, so WeChat Pay retries. Its `code`
takes the place of the problem's (`type` and `params` stay), and `message` is the `detail`, in
Chinese since WeChat Pay sends no Accept-Language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Response, request
from marshmallow import Schema, fields

from backend.core import db
from backend.core.config import WECHATPAY_NOTIFY_PATH
from backend.core.errors import PROBLEM_MIMETYPE
from backend.orders import wechatpay_notify
from backend.payments import providers
from backend.web.blueprint import Blueprint

blp = Blueprint("wechatpay", __name__, url_prefix="/api/v1", description="WeChat Pay notifications")


@dataclass(frozen=True)
class Answer:
    """WeChat Pay's answer shape: `message` is processed, duplicate or ignored."""

    message: str
    code: str = "SUCCESS"


class WechatPayAnswerSchema(Schema):
    code = fields.String(metadata={"example": "SUCCESS"})
    message = fields.String(metadata={"example": "processed"})


@blp.route(WECHATPAY_NOTIFY_PATH.removeprefix("/api/v1"), methods=["POST"])
@blp.response(200, WechatPayAnswerSchema)
@blp.alt_response(400, description="Bad signature, stale timestamp, replayed nonce (`FAIL`)")
@blp.alt_response(404, description="WeChat Pay is not a configured provider (`FAIL`)")
@blp.alt_response(502, description="WeChat Pay could not be asked; it will retry (`FAIL`)")
def notify() -> Answer:
    """WeChat Pay notifications (signed, encrypted): payment succeeded, refund done or failed."""
    ack = wechatpay_notify.receive(
        db.session(), providers.rails(), request.get_data(), dict(request.headers)
    )
    return Answer(ack.outcome)


@blp.after_request
def _fail_for_wechatpay(resp: Response) -> Response:
    """A refusal also says `code: FAIL` and `message`, the members WeChat Pay reads."""
    if resp.status_code >= 400 and resp.mimetype == PROBLEM_MIMETYPE:
        body = json.loads(resp.get_data())
        body.update(code="FAIL", message=body.get("detail") or body.get("title", ""))
        resp.set_data(json.dumps(body, ensure_ascii=False))
    return resp
