"""Every blueprint of the API, registered in one place."""

from __future__ import annotations

from flask_smorest import Api

from backend.accounts import routes as accounts
from backend.certificates import routes as certificates
from backend.courts import routes as courts
from backend.credits import routes as credits
from backend.finance import esg_routes, listing_routes, pledge_routes
from backend.finance import lend_routes as finance_lending
from backend.footprint import routes as footprint
from backend.health import routes as health
from backend.market import desk_routes
from backend.market import routes as market
from backend.orders import alipay_routes, payment_routes, wechatpay_routes
from backend.orders import routes as orders
from backend.partners.webhooks import routes as webhooks
from backend.partners.wechat import routes as wechat
from backend.payments import routes as payments
from backend.points import reward_routes
from backend.points import routes as points
from backend.registry import routes as registry
from backend.stats import routes as stats
from backend.web.blueprint import Blueprint

MODULES: tuple[Blueprint, ...] = (
    health.blp,
    accounts.auth_blp,
    accounts.me_blp,
    accounts.legal_blp,
    accounts.org_blp,
    accounts.wechat_blp,
    footprint.blp,
    credits.blp,
    orders.blp,
    payments.blp,
    payment_routes.blp,
    wechatpay_routes.blp,
    alipay_routes.blp,
    certificates.blp,
    points.blp,
    wechat.blp,
    webhooks.blp,
    courts.blp,
    stats.blp,
    reward_routes.blp,
    registry.blp,
    market.blp,
    desk_routes.blp,
    listing_routes.blp,
    esg_routes.blp,
    pledge_routes.blp,
    finance_lending.blp,
)


def register_blueprints(api: Api) -> None:
    """Attach every module's blueprint to the API."""
    for blp in MODULES:
        api.register_blueprint(blp)
