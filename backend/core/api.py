"""flask-smorest's Api with Chajian's error shape and security scheme."""

import http
import sys

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import fields

from backend.core.schemas import ErrorSchema

# Query strings follow each schema's own `unknown` (StrictSchema: RAISE) instead of webargs' EXCLUDE,
# so an unknown or misspelt query parameter is refused everywhere, not silently ignored.
Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION,
    "query": None,
    "querystring": None,
}

# Error responses that operations reference by hand (auth, conflicts); registered eagerly.
EAGER_RESPONSES = {400, 401, 403, 404, 409, 413, 415, 422, 429}


class ChajianApi(Api):
    """Routes every HTTP error through backend.errors (flask-smorest's default drops headers)."""

    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, *, marshmallow_plugin=None, **options):
        plugin = marshmallow_plugin or MarshmallowPlugin(schema_name_resolver=_schema_name)
        super()._init_spec(marshmallow_plugin=plugin, **options)

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_decimal_as_string)

    def handle_http_exception(self, error):
        from backend.errors import handle_http_exception

        return handle_http_exception(error)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=status not in EAGER_RESPONSES)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer", "description": "access_token from login"}
        )


def _schema_name(schema) -> str:
    """Component names carry their domain ("DeclarationsReceipt"), so two domains never collide.

    A schemas module may name its prefix itself with `OPENAPI_PREFIX`: component names are part of the
    published API, so a package split off another one keeps the old prefix ("Certificates…")."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    parts = cls.__module__.split(".")
    if len(parts) > 2 and parts[0] == "backend" and parts[1] != "core":
        prefix = getattr(sys.modules.get(cls.__module__), "OPENAPI_PREFIX", None)
        name = (prefix or parts[1].title().replace("_", "")) + name
    return name


def _decimal_as_string(converter, field, **kwargs) -> dict:
    """Decimals travel as strings ("12.500"): say so in the OpenAPI document, not "number"."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    return {}
