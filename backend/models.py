"""Imports every domain's models so `Base.metadata` is complete (Alembic, tests)."""

from backend.accounts import models as accounts
from backend.db import Base

metadata = Base.metadata

__all__ = ["accounts", "metadata"]
