"""Routes of the courts domain."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("courts", __name__, url_prefix="/api/v1", description="courts")
