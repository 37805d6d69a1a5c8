"""Imports every domain's models so `Base.metadata` is complete (Alembic, tests)."""

from backend.accounts import models as accounts
from backend.credits import models as credits
from backend.db import Base
from backend.footprint import models as footprint

metadata = Base.metadata

__all__ = ["accounts", "credits", "footprint", "metadata"]
