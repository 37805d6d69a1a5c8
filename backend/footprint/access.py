"""Who may read a footprint."""

from __future__ import annotations

from backend.accounts.principal import Principal
from backend.core.errors import NotFound
from backend.footprint.models import Footprint


def visible(who: Principal, fp: Footprint) -> bool:
    """Anonymous footprints are shared by their link; owned ones are for their owners."""
    if fp.user_id is None and fp.organisation_id is None:
        return True
    try:
        who.authorize_owner(fp.user_id, fp.organisation_id, scope="footprints:read")
    except NotFound:
        return False
    return True
