"""The API's Blueprint: flask-smorest's, with query strings parsed as strictly as bodies."""

from __future__ import annotations

from typing import Any

from flask import Request
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import RAISE, missing
from webargs.flaskparser import FlaskParser, is_json_request

from backend.web import json_body


class StrictParser(FlaskParser):
    """An unknown query parameter is a 422 naming it, as an unknown body field is (webargs
    ignores unknown query parameters by default); JSON bodies are read within bounds."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {  # noqa: RUF012 - webargs' hook
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return missing
        return json_body.loads(req.get_data(cache=True))


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()
