"""OpenAPI 3.1 settings, the problem+json schema and the security schemes."""

from __future__ import annotations

import http
from decimal import Decimal
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields
from werkzeug.routing import IntegerConverter, Map

from backend.core.errors import PROBLEM_MIMETYPE

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
    code = fields.String(
        metadata={"description": "What is wrong, for programs", "example": "accounts.phone"}
    )
    params = fields.Dict(metadata={"description": "The values the words are made from"})
    detail = fields.String(
        metadata={
            "description": "The words for people, in the request's Accept-Language (zh default)",
            "example": "请输入 11 位中国大陆手机号。",
        }
    )
    pointer = fields.String(
        metadata={"description": "JSON Pointer into the body", "example": "#/phone"}
    )
    parameter = fields.String(metadata={"description": "Query, path or header parameter"})
    location = fields.String(data_key="in")


class ProblemSchema(Schema):
    """RFC 9457 problem details, open to extension members (RFC 9457 §3.2).

    `code` and `params` say what happened, for programs; `title` and `detail` are worded in the
    request's Accept-Language (zh by default). Conflicts add their own members (`requested_g`,
    `available_g`); without INCLUDE the document said `additionalProperties: false` (found by
    Schemathesis' response schema check).
    """

    class Meta:
        unknown = INCLUDE

    type = fields.String(metadata={"example": "/problems/validation-error"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String(metadata={"example": "core.invalid_fields"})
    params = fields.Dict()
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


def _ref(method: str, path: str) -> str:
    """A JSON Pointer operationRef to an operation of this document."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


# OpenAPI links (3.1 §4.8.20) for the neutralisation story: a footprint is ordered, the order
# confirmed, its certificate fetched. Clients and Schemathesis' state machine follow them.
_FOOTPRINT = "/api/v1/footprints/{footprint_id}"
_ORDERS = "/api/v1/orders"
_ORDER = "/api/v1/orders/{order_id}"
_ORDER_ID = {"order_id": "$response.body#/id"}
_CERTIFICATE_NUMBER = {"number": "$response.body#/certificate_number"}
LINKS: dict[tuple[str, str, str], dict[str, Any]] = {
    ("post", "/api/v1/footprints", "201"): {
        "GetFootprint": {
            "operationRef": _ref("get", _FOOTPRINT),
            "parameters": {"footprint_id": "$response.body#/id"},
        },
        "OrderFootprint": {
            "operationRef": _ref("post", _ORDERS),
            "requestBody": {"footprint_id": "$response.body#/id", "beneficiary": "张三"},
            "description": "Neutralise this footprint.",
        },
    },
    **{
        (method, path, status): {
            "GetOrder": {"operationRef": _ref("get", _ORDER), "parameters": _ORDER_ID},
            "ConfirmOrder": {
                "operationRef": _ref("post", _ORDER + "/confirm"),
                "parameters": _ORDER_ID,
                "requestBody": {},
                "description": "Pay in the sandbox; the order is retired with a certificate.",
            },
            "CancelOrder": {
                "operationRef": _ref("post", _ORDER + "/cancel"),
                "parameters": _ORDER_ID,
            },
        }
        for method, path, status in (("post", _ORDERS, "201"), ("get", _ORDER, "200"))
    },
    ("post", _ORDER + "/confirm", "200"): {
        "GetCertificate": {
            "operationRef": _ref("get", "/api/v1/certificates/{number}"),
            "parameters": _CERTIFICATE_NUMBER,
        },
        "GetCertificateImage": {
            "operationRef": _ref("get", "/api/v1/certificates/{number}.png"),
            "parameters": _CERTIFICATE_NUMBER,
        },
        "GetRetiredOrder": {"operationRef": _ref("get", _ORDER), "parameters": _ORDER_ID},
    },
}


PROBLEM_CONTENT = {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


class LinksPlugin(BasePlugin):
    """As each path is registered: adds LINKS to the responses they start from, and the
    problem+json body to error responses documented with a description only
    (`@blp.alt_response(409, description=...)` said nothing of the body; found by Schemathesis)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            for status, response in operation.get("responses", {}).items():
                if not isinstance(response, dict):
                    continue
                links = LINKS.get((method, path or "", str(status)))
                if links:
                    response["links"] = links
                if str(status)[0] in "45" and "content" not in response and "$ref" not in response:
                    response["content"] = PROBLEM_CONTENT
