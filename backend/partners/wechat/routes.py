"""Routes of the wechat part of the partners domain."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("wechat", __name__, url_prefix="/api/v1", description="wechat")
