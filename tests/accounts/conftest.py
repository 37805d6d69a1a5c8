"""Fixtures of other domains that the consent and privacy tests use: a points partner, and
courts with a stock of forestry carbon sinks."""

from tests.courts.conftest import courts, forestry  # noqa: F401
from tests.points.conftest import partner  # noqa: F401
