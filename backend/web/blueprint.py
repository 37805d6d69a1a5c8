"""The API's Blueprint: flask-smorest's, with query strings parsed as strictly as bodies."""

from __future__ import annotations

from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    """An unknown query parameter is a 422 naming it, as an unknown body field is (webargs
    ignores unknown query parameters by default)."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {  # noqa: RUF012 - webargs' hook
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()
