"""Routes of the webhooks part of the partners domain."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1", description="webhooks")
