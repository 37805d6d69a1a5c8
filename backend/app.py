"""The application factory: `gunicorn "backend.app:create_app()"`."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from backend.accounts.auth import authenticate_documented, caller_subject
from backend.certificates import issuers
from backend.core import errors, uow
from backend.core.config import Config
from backend.core.db import Database
from backend.payments import providers
from backend.routes import register_blueprints
from backend.web import input_guard, limiter, request_ids, security_headers
from backend.web.json_body import BoundedJSONProvider
from backend.web.observability import metrics, sentry
from backend.web.openapi import (
    API_SETTINGS,
    LinksPlugin,
    ProblemSchema,
    register_error_responses,
    register_field_converters,
    register_id_converter,
    register_security_schemes,
)


class DiandianApi(Api):
    """flask-smorest's Api, documenting problem+json errors; the handlers live in errors.py."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        errors.register_error_handlers(self._app)

    def _register_responses(self) -> None:
        register_error_responses(self)


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, or from `config` (a Config or overrides of it)."""
    if isinstance(config, Config):
        cfg = config
    else:
        cfg = Config.from_env()
        cfg.extra.update(config or {})
        for key in list(cfg.extra):
            if hasattr(cfg, key):
                setattr(cfg, key, cfg.extra.pop(key))
    cfg.finalise()
    request_ids.configure_logging(cfg.LOG_LEVEL, cfg.LOG_FORMAT)
    sentry.init(cfg)

    app = Flask(__name__, instance_path=cfg.INSTANCE_PATH)
    app.config.update(cfg.as_flask())
    app.config.update(API_SETTINGS)
    app.json = BoundedJSONProvider(app)
    app.json.sort_keys = False
    if cfg.PROXY_FIX_X_FOR:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg.PROXY_FIX_X_FOR)  # type: ignore[method-assign]

    Database(cfg.SQLALCHEMY_DATABASE_URI).init_app(app)
    metrics.init_app(app)
    request_ids.init_app(app)
    input_guard.init_app(app)
    security_headers.init_app(app)
    limiter.init_app(app, caller_subject)
    providers.init_app(app)
    issuers.init_app(app)
    api = DiandianApi(app, spec_kwargs={"extra_plugins": [LinksPlugin()]})
    register_security_schemes(api)
    register_field_converters(api)
    register_id_converter(app, api)
    register_blueprints(api)
    app.before_request(authenticate_documented)

    from backend import cli, wiring
    from backend.certificates import pages
    from backend.web import pwa

    cli.init_app(app)
    wiring.subscribe_handlers()
    app.register_blueprint(pages.blp)
    app.register_blueprint(pwa.blp)
    uow.init_app(app)
    return app
