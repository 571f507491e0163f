"""电子底账 endpoints: read one, the clearance system's verify and consume, customs void and re-issue."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.declarations import e_records, e_records_clearance
from backend.declarations.e_records_schemas import (
    ConsumeArgsSchema,
    ConsumptionSchema,
    ERecordSchema,
    ERecordVerificationSchema,
    VerifyArgsSchema,
    VoidArgsSchema,
)

blp = Blueprint("e_records", __name__, url_prefix="/api/v1/e-records", description="电子底账 E-records")

E_RECORD_NO = "<string(maxlength=18):e_record_no>"


@blp.route(f"/{E_RECORD_NO}")
class ERecordView(MethodView):
    @requires(Role.ENTERPRISE, Role.REVIEWER, Role.SUPERVISOR, Role.INSPECTOR, Role.CERTIFICATE_OFFICER)
    @blp.response(200, ERecordSchema)
    def get(self, e_record_no):
        """One e-record (the owning enterprise, or customs of its district)."""
        return e_records.get_e_record(actor=g.actor, e_record_no=e_record_no)


@blp.route(f"/{E_RECORD_NO}/verify")
class VerifyView(MethodView):
    @requires(Role.SYSTEM_CLIENT, assurance=Assurance.KEY)
    @blp.arguments(VerifyArgsSchema)
    @blp.response(200, ERecordVerificationSchema)
    def post(self, args, e_record_no):
        """Clearance: may this enterprise declare these goods against the e-record now, and if not, why."""
        return e_records_clearance.verify_e_record(actor=g.actor, e_record_no=e_record_no, **args)


@blp.route(f"/{E_RECORD_NO}/consume")
class ConsumeView(MethodView):
    @requires(Role.SYSTEM_CLIENT, assurance=Assurance.KEY)
    @blp.arguments(ConsumeArgsSchema)
    @blp.response(200, ConsumptionSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, e_record_no):
        """Clearance: mark the e-record used by one customs declaration, exactly once (retries are safe)."""
        record, replayed = e_records_clearance.consume_e_record(
            actor=g.actor, e_record_no=e_record_no, **args
        )
        return {"e_record": record, "replayed": replayed}


@blp.route(f"/{E_RECORD_NO}/void")
class VoidView(MethodView):
    @requires(Role.REVIEWER, Role.SUPERVISOR)
    @blp.arguments(VoidArgsSchema)
    @blp.response(200, ERecordSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, e_record_no):
        """Customs voids a normal e-record with a reason."""
        return e_records_clearance.void_e_record(actor=g.actor, e_record_no=e_record_no, **args)


@blp.route(f"/{E_RECORD_NO}/reissue")
class ReissueView(MethodView):
    @requires(Role.REVIEWER, Role.SUPERVISOR)
    @blp.response(201, ERecordSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, e_record_no):
        """Customs issues a corrected e-record (next suffix, …002) once the current one is voided."""
        return e_records.reissue_e_record(actor=g.actor, e_record_no=e_record_no)
