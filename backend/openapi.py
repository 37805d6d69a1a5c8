"""OpenAPI 3.1 settings, the problem+json schema and the security schemes."""

from __future__ import annotations

import http
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter, Map

from backend.errors import PROBLEM_MIMETYPE

API_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Diandian 点点 API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/vendor/swagger-ui/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Consumer carbon neutrality: footprints, credit retirement and certificates. "
                "Masses are integer grams CO2e (`mass_g`); money is integer fen with `currency`. "
                "Errors are RFC 9457 `application/problem+json`."
            ),
        },
    },
}


class FieldErrorSchema(Schema):
    field = fields.String(metadata={"description": "Dotted field name", "example": "phone"})
    detail = fields.String(metadata={"example": "Not a valid phone number."})
    pointer = fields.String(
        metadata={"description": "JSON Pointer into the body", "example": "#/phone"}
    )
    parameter = fields.String(metadata={"description": "Query, path or header parameter"})
    location = fields.String(data_key="in")


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"example": "/problems/validation-error"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))
    request_id = fields.String()


def register_error_responses(api: Api) -> None:
    """Document every error status as problem+json (replaces flask-smorest's JSON default)."""
    for status in http.HTTPStatus:
        response: dict[str, Any] = {"description": status.phrase}
        if status >= 400:
            response["content"] = {PROBLEM_MIMETYPE: {"schema": ProblemSchema}}
        api.spec.components.response(status.name, response, lazy=True)
    api.spec.components.response(
        "DEFAULT_ERROR",
        {"description": "Error", "content": {PROBLEM_MIMETYPE: {"schema": ProblemSchema}}},
        lazy=True,
    )


def register_security_schemes(api: Api) -> None:
    """Bearer tokens (users) and API keys (organisations) share the Authorization header."""
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A user token (`ddt_…`) from POST /api/v1/auth/tokens, "
            "or an organisation API key (`ddk_….…`).",
        },
    )


# Ids are PostgreSQL `integer` columns: a larger path id can name nothing, so the router answers
# 404 before the database is asked (it raised "integer out of range", a 500; found by Schemathesis).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with the largest id the database can hold as its default maximum."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def _id_param_schema(converter: IdConverter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": max(converter.min or 0, 0)}
    if converter.max is not None:
        schema["maximum"] = converter.max
    return schema


def register_id_converter(app: Flask, api: Api) -> None:
    """Bound every `<int:...>` path parameter, in routing and in the document (before routes)."""
    app.url_map.converters["int"] = IdConverter
    api.register_converter(IdConverter, _id_param_schema)


def _decimal_bounds(
    self: Any, field: fields.Field, ret: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    """Numeric `minimum`/`maximum` for Decimal fields.

    apispec writes a Range's bounds through the field's serializer, so an `as_string` Decimal got
    `"maximum": "10000000000"`, which is not JSON Schema (Schemathesis refused the document).
    """
    if not isinstance(field, fields.Decimal):
        return {}
    out: dict[str, Any] = {}
    for key in ("minimum", "maximum"):
        if isinstance(ret.get(key), str):
            value = Decimal(ret[key])
            out[key] = int(value) if value == value.to_integral_value() else float(value)
    return out


def register_field_converters(api: Api) -> None:
    api.ma_plugin.converter.add_attribute_function(_decimal_bounds)
