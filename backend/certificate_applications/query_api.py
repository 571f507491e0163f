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
from backend.core.exports import CSV, XLSX, attachment

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

    class Csv(MethodView):
        @requires(*READERS, assurance=KEY)
        @blp.arguments(QueryFilterSchema, location="query")
        @blp.response(200, content_type="text/csv", description="UTF-8 with BOM (opens in Excel)")
        def get(self, args):
            data = query.export_csv(actor=g.actor, kind=kind, **args)
            return attachment(data, CSV, f"{kind}.csv")

    class Xlsx(MethodView):
        @requires(*READERS, assurance=KEY)
        @blp.arguments(QueryFilterSchema, location="query")
        @blp.response(200, content_type=XLSX, description="Excel workbook")
        def get(self, args):
            return attachment(query.export_xlsx(actor=g.actor, kind=kind, **args), XLSX, f"{kind}.xlsx")

    Page.get.__doc__ = f"{title}: own (enterprise) or the district's (customs), newest first, keyset pages."
    Csv.get.__doc__ = f"{title} as CSV with the same filters (at most {query.MAX_EXPORT_ROWS} rows)."
    Xlsx.get.__doc__ = f"{title} as XLSX with the same filters (at most {query.MAX_EXPORT_ROWS} rows)."
    for view, suffix in ((Page, ""), (Csv, ".csv"), (Xlsx, ".xlsx")):
        view.__name__ = f"{title}{view.__name__}"
        blp.route(f"/{kind}{suffix}")(view)


_routes("certificates")
_routes("applications")
