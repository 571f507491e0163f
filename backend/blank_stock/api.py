"""Blank paper (空白证书申请), printing originals (出境证书自助打印), reprint requests and reconciliation.
Every operation needs a key login."""

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.blank_stock import counter, printing, reconciliation, service
from backend.blank_stock.schemas import (
    CounterItemSchema,
    CounterReconciliationArgsSchema,
    CounterSheetArgsSchema,
    CounterWorklistArgsSchema,
    PrintSchema,
    ReconciliationArgsSchema,
    ReconciliationSchema,
    ReprintDecisionSchema,
    ReprintSchema,
    SheetSchema,
    SpoilSchema,
    StockListArgsSchema,
    StockReasonSchema,
    StockRequestSchema,
    StockSchema,
)
from backend.certificates.schemas import RequestListArgsSchema
from backend.core.auth import requires
from backend.core.enums import Assurance, Role

blp = Blueprint(
    "certificate_printing",
    __name__,
    url_prefix="/api/v1",
    description="空白证书与自助打印 Blank certificate paper and printing",
)

ENTERPRISE, OFFICER, KEY = Role.ENTERPRISE, Role.CERTIFICATE_OFFICER, Assurance.KEY
STOCK = "/blank-stock/<int(max=2147483647):stock_id>"
CERTIFICATE = "/certificates/<string(maxlength=20):certificate_no>"
REPRINT = "/reprint-requests/<int(max=2147483647):request_id>"


@blp.route("/blank-stock")
class Stock(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(StockListArgsSchema, location="query")
    @blp.response(200, StockSchema(many=True))
    def get(self, args):
        """Blank-paper requests: the enterprise's own, or the officer's district's; newest first."""
        return service.list_stock(actor=g.actor, **args)

    @requires(ENTERPRISE, assurance=KEY)
    @blp.arguments(StockRequestSchema)
    @blp.response(201, StockSchema)
    def post(self, args):
        """The enterprise asks for N blank sheets of a certificate type."""
        return service.request_stock(actor=g.actor, **args)


@blp.route("/blank-stock/counter")
class CounterStock(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(StockRequestSchema)
    @blp.response(201, StockSchema)
    def post(self, args):
        """Sheets for the district's own counter printing (现场缮制), allocated and received at once."""
        return service.allocate_customs_stock(actor=g.actor, **args)


@blp.route("/blank-stock/counter/worklist")
class CounterWorklist(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(CounterWorklistArgsSchema, location="query")
    @blp.response(200, CounterItemSchema(many=True))
    def get(self, args):
        """现场缮制: the district's counter-delivery certificates waiting for their original (or printed)."""
        return counter.counter_worklist(actor=g.actor, **args)


@blp.route("/blank-stock/counter/sheets")
class CounterSheets(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(CounterSheetArgsSchema, location="query")
    @blp.response(200, SheetSchema(many=True))
    def get(self, args):
        """Sheets of the district's counter paper of a type (default: available), lowest serial first."""
        return counter.counter_sheets(actor=g.actor, **args)


@blp.route("/blank-stock/counter/reconciliation")
class CounterReconciliation(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(CounterReconciliationArgsSchema, location="query")
    @blp.response(200, ReconciliationSchema)
    def get(self, args):
        """The district's counter paper: allocated vs printed vs spoiled vs remaining, against its
        counter-delivery certificates."""
        return reconciliation.reconcile_counter(actor=g.actor, **args)


@blp.route(STOCK + "/allocate")
class AllocateStock(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.response(200, StockSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, stock_id):
        """The officer allocates the next serial range of the type (never overlapping another)."""
        return service.allocate_stock(actor=g.actor, stock_id=stock_id)


@blp.route(STOCK + "/refuse")
class RefuseStock(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(StockReasonSchema)
    @blp.response(200, StockSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, stock_id):
        """The officer refuses a request for blank paper."""
        return service.refuse_stock(actor=g.actor, stock_id=stock_id, **args)


@blp.route(STOCK + "/receive")
class ReceiveStock(MethodView):
    @requires(ENTERPRISE, assurance=KEY)
    @blp.response(200, StockSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, stock_id):
        """The enterprise confirms it received the sheets; it can print on them from now on."""
        return service.confirm_receipt(actor=g.actor, stock_id=stock_id)


@blp.route("/blank-sheets/spoil")
class SpoilSheet(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(SpoilSchema)
    @blp.response(200, SheetSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """Register a sheet of one's own stock void (作废), unused or spoiled in printing, with a reason."""
        return service.spoil_sheet(actor=g.actor, **args)


@blp.route("/blank-stock/reconciliation")
class Reconciliation(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(ReconciliationArgsSchema, location="query")
    @blp.response(200, ReconciliationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args):
        """Allocated vs consumed vs spoiled vs remaining sheets, and certificates matched to serials."""
        return reconciliation.reconcile(actor=g.actor, **args)


@blp.route(CERTIFICATE + "/print")
class PrintOriginal(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(PrintSchema)
    @blp.response(200, content_type="application/pdf", description="the original, to print on that sheet")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, certificate_no):
        """Print the original on blank serial `serial` (consumed once); later originals need approval.

        The enterprise prints self-print certificates on its own received stock; the officer prints on
        the district's counter stock. `X-Certificate-Variant` says original or duplicate_original.
        """
        pdf, record = printing.print_original(actor=g.actor, certificate_no=certificate_no, **args)
        headers = {
            "Content-Disposition": f'inline; filename="{certificate_no}-{record.variant}.pdf"',
            "X-Certificate-Variant": record.variant,
            "X-Blank-Serial": str(args["serial"]),
        }
        return Response(pdf, mimetype="application/pdf", headers=headers)


@blp.route(CERTIFICATE + "/reprint-requests")
class ReprintRequests(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(StockReasonSchema)
    @blp.response(201, ReprintSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, certificate_no):
        """Ask to print the original again, with a reason; an officer decides."""
        return printing.request_reprint(actor=g.actor, certificate_no=certificate_no, **args)


@blp.route("/reprint-requests")
class ReprintRequestList(MethodView):
    @requires(ENTERPRISE, OFFICER, assurance=KEY)
    @blp.arguments(RequestListArgsSchema, location="query")
    @blp.response(200, ReprintSchema(many=True))
    def get(self, args):
        """Reprint requests: the enterprise's own, or the officer's district's (e.g. status=requested)."""
        return printing.list_reprint_requests(actor=g.actor, **args)


@blp.route(REPRINT + "/approve")
class ApproveReprint(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(ReprintDecisionSchema)
    @blp.response(200, ReprintSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, request_id):
        """Allow one more original print."""
        return printing.decide_reprint(actor=g.actor, request_id=request_id, approve=True, **args)


@blp.route(REPRINT + "/reject")
class RejectReprint(MethodView):
    @requires(OFFICER, assurance=KEY)
    @blp.arguments(ReprintDecisionSchema)
    @blp.response(200, ReprintSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, request_id):
        """Refuse the reprint."""
        return printing.decide_reprint(actor=g.actor, request_id=request_id, approve=False, **args)
