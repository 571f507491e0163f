"""flask-smorest's Api with Chajian's error shape and security scheme."""

import http
import sys

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

from backend.core.schemas import ErrorSchema


class _ArgumentsParser(FlaskParser):
    """webargs' parser for every blueprint's arguments, with two of Chajian's choices.

    Query strings follow each schema's own `unknown` (StrictSchema: RAISE) instead of webargs' EXCLUDE,
    so an unknown or misspelt query parameter is refused everywhere, not silently ignored. And a schema
    given as a class is instantiated once, not on every request (webargs' default): making a schema
    copies all its fields, which cost a lookup as much as its token check. A schema holds no state
    between loads (marshmallow 4 has no context), so one instance serves every request and thread.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._instances: dict[type[Schema], Schema] = {}

    def _get_schema(self, argmap, req) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._instances.get(argmap)
            if schema is None:
                schema = self._instances.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)


# Set before any blueprint module is imported (backend/__init__.py imports this module first): each
# `arguments` decorator binds the parser it finds here.
flask_smorest.Blueprint.ARGUMENTS_PARSER = _ArgumentsParser()

# Error responses that operations reference by hand (auth, conflicts); registered eagerly.
EAGER_RESPONSES = {400, 401, 403, 404, 409, 413, 415, 422, 429}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint; with `doc_tag`, its operations are filed under another blueprint's tag.

    One API module holds one blueprint. A module that adds routes to a domain's resources (its
    attachments, its intake) documents them under the domain's tag instead of adding a tag of its own.
    """

    def __init__(self, *args, doc_tag: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_tag = doc_tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        if tags is None and self.doc_tag is not None:
            tags = [self.doc_tag]
        return super().route(rule, parameters=parameters, tags=tags, **options)


class ChajianApi(Api):
    """Routes every HTTP error through backend.errors (flask-smorest's default drops headers)."""

    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, *, marshmallow_plugin=None, **options):
        plugin = marshmallow_plugin or MarshmallowPlugin(schema_name_resolver=_schema_name)
        super()._init_spec(marshmallow_plugin=plugin, **options)

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_decimal_as_string)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register `blp`; one with a `doc_tag` adds no tag to the document (its operations use that one)."""
        super().register_blueprint(blp, parameters=parameters, **options)
        if getattr(blp, "doc_tag", None) is not None:
            self.spec._tags.pop()  # the tag flask-smorest just added for it (apispec has no public remove)

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


api = ChajianApi()  # bound to the app in create_app()
