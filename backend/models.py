"""Imports every domain's models so `Base.metadata` is complete (Alembic, tests)."""

from backend.accounts import models as accounts
from backend.certificates import models as certificates
from backend.core.db import Base
from backend.core.events import models as outbox
from backend.core.jobs import models as jobs
from backend.courts import models as courts
from backend.credits import models as credits
from backend.finance import listing_models as finance_listings
from backend.finance import pledge_models as finance_pledges
from backend.finance import product_models as finance_products
from backend.footprint import models as footprint
from backend.idempotency import models as idempotency
from backend.market import models as market
from backend.orders import models as orders
from backend.partners.webhooks import models as webhooks
from backend.partners.wechat import models as wechat
from backend.payments import models as payments
from backend.points import models as points
from backend.registry import models as registry

metadata = Base.metadata

__all__ = [
    "accounts",
    "certificates",
    "courts",
    "credits",
    "finance_listings",
    "finance_pledges",
    "finance_products",
    "footprint",
    "idempotency",
    "jobs",
    "market",
    "metadata",
    "orders",
    "outbox",
    "payments",
    "points",
    "registry",
    "webhooks",
    "wechat",
]
