"""综合查询 API: certificates and applications with the same filters, as JSON pages, CSV or XLSX."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.certificate_applications import query
from backend.certificate_applications.query_schemas import (
    ApplicationPageSchema,
    CertificatePageSchema,
    QueryFilterSchema,
    QueryPageSchema,
)
from backend.core.auth import ANY_CUSTOMS, requires
from backend.core.enums import Assurance, Role
from backend.core.export_routes import export_routes

blp = Blueprint(
    "certificate_query",
    __name__,
    url_prefix="/api/v1/certificate-query",
    description="综合查询 Comprehensive query of certificates and applications",
)

READERS = (Role.ENTERPRISE, *ANY_CUSTOMS)
KEY = Assurance.KEY
PAGES = {"certificates": CertificatePageSchema, "applications": ApplicationPageSchema}


def _routes(kind: str) -> None:
    title = kind.title()

    class Page(MethodView):
        @requires(*READERS, assurance=KEY)
        @blp.arguments(QueryPageSchema, location="query")
        @blp.response(200, PAGES[kind])
        def get(self, args):
            return query.search(actor=g.actor, kind=kind, **args)

    Page.get.__doc__ = f"{title}: own (enterprise) or the district's (customs), newest first, keyset pages."
    Page.__name__ = f"{title}Page"
    blp.route(f"/{kind}")(Page)
    export_routes(
        blp,
        f"/{kind}",
        title=title,
        args_schema=QueryFilterSchema,
        guard=requires(*READERS, assurance=KEY),
        export=lambda file_format, **args: query.export(
            actor=g.actor, kind=kind, file_format=file_format, **args
        ),
        count=lambda **args: query.export_count(actor=g.actor, kind=kind, **args),
    )


_routes("certificates")
_routes("applications")
