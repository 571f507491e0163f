"""Object-level authorisation registry for tests/core/test_authz_matrix.py.

OBJECT_FACTORIES maps every path parameter name used in the API (`enterprise_id`, `user_id`, …) to a
function that creates an object owned by ANOTHER scope than the callers of the matrix test, and
returns the value to put in the URL. The callers live in HOME_DISTRICT (customs roles, system clients)
or in an enterprise of HOME_DISTRICT (enterprise users); factories build in OTHER_DISTRICT, under
another enterprise, or for another user. The matrix then expects 404 (or 403) from every operation
with that path parameter, for every role the operation allows.

A path parameter without a factory here fails the matrix test, so a new endpoint is covered the day
it is added. To register yours (one line per parameter name, in your own domain's section):

    OBJECT_FACTORIES["declaration_id"] = lambda: make_declaration(enterprise=foreign_enterprise()).id

REQUEST_BODIES holds a valid JSON body for operations whose body has required fields, keyed by
"METHOD /path/{param}"; without one the view answers 422 before the ownership check is reached, and
the matrix test says so. Operations whose body may be `{}` need no entry; an operation that takes no
JSON (an upload chunk) gets a RawBody.

PATH_VALUES holds a fixed value for path parameters that name no object (a choice among a few words,
such as the photo `{variant}`); the matrix puts it into every URL it builds, and the object test does
not look for an owner of it.

A factory may take one argument: it then receives the values already made for the path parameters to
its left, so a nested object belongs to its parent (`{instruction_id}/items/{item_id}`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from backend.core.models import utcnow
from backend.extensions import db
from backend.identity.models import ClientKey, Enterprise, WebAuthnCredential
from tests.certificates_shared.authz_factories import BODIES as CERTIFICATE_BODIES
from tests.certificates_shared.authz_factories import FACTORIES as CERTIFICATE_FACTORIES
from tests.helpers import (
    actor_of,
    make_declaration,
    make_enterprise,
    make_instruction,
    make_issued_e_record,
    make_photo,
    make_qualification,
    make_risk_rule,
    make_user,
)

HOME_DISTRICT = "5300"
OTHER_DISTRICT = "2200"


@dataclass(frozen=True)
class RawBody:
    """A request body that is not JSON: the bytes, their content type and any headers that go with them."""

    data: bytes
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)


def foreign_enterprise() -> Enterprise:
    """An enterprise registered in the other district."""
    return make_enterprise(district_code=OTHER_DISTRICT)


def _foreign_client_key() -> int:
    user = make_user("system_client", district_code=OTHER_DISTRICT)
    key = ClientKey(key_id=f"foreign-{user.id}", user_id=user.id, public_key=os.urandom(32))
    db.session.add(key)
    db.session.commit()
    return key.id


def _foreign_security_key(values: dict) -> int:
    """A key of the foreign user in the URL (/admin/users/{user_id}/…), else of a foreign enterprise user."""
    user_id = values.get("user_id") or make_user("enterprise", enterprise=foreign_enterprise()).id
    key = WebAuthnCredential(user_id=user_id, credential_id=os.urandom(32), public_key=b"\xa0", sign_count=0)
    db.session.add(key)
    db.session.commit()
    return key.id


def _foreign_agency_authorisation() -> int:
    """An authorisation between two enterprises of the other district."""
    from backend.identity.agency_models import AgencyAuthorisation

    principal, agent = foreign_enterprise(), foreign_enterprise()
    row = AgencyAuthorisation(
        principal_enterprise_id=principal.id,
        agent_enterprise_id=agent.id,
        scopes="declare",
        valid_from=utcnow().date(),
        valid_to=(utcnow() + timedelta(days=30)).date(),
        granted_by_id=make_user("enterprise", enterprise=principal).id,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


# declarations and review


def _foreign_declaration() -> int:
    """A submitted application of a foreign enterprise, in the other district (version 1)."""
    return make_declaration(foreign_enterprise(), status="submitted", district_code=OTHER_DISTRICT).id


def _foreign_e_record() -> str:
    """An e-record of the other district, leaving through its own port (not one the home district holds)."""
    return make_issued_e_record(
        foreign_enterprise(), district_code=OTHER_DISTRICT, departure_port="CNSHA"
    ).e_record_no


def _foreign_attachment(values: dict) -> int:
    """An attachment of the foreign declaration in the same URL."""
    from backend.declarations.models import DeclarationAttachment

    row = DeclarationAttachment(
        declaration_id=values["declaration_id"],
        kind="invoice",
        filename="invoice.pdf",
        content_type="application/pdf",
        size=5,
        sha256="0" * 64,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


# appointments


def _foreign_appointment() -> int:
    from backend.appointments.models import Appointment

    enterprise = foreign_enterprise()
    declaration = make_declaration(enterprise, status="accepted", district_code=OTHER_DISTRICT)
    appointment = Appointment(
        declaration_id=declaration.id,
        enterprise_id=enterprise.id,
        district_code=OTHER_DISTRICT,
        status="requested",
        requested_date=(utcnow() + timedelta(days=3)).date(),
        requested_slot="morning",
        site_address="上海市浦东新区外高桥 1 号仓",
        contact_name="王经理",
        contact_phone="021-5000-0000",
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment.id


# instructions and inspections


def _foreign_instruction() -> int:
    """An instruction of the other district, accepted and started by its inspector (so it has a record)."""
    from backend.inspections.service import start_inspection
    from backend.instructions.service import accept_instruction

    declaration = make_declaration(
        foreign_enterprise(), status="inspection_notice", district_code=OTHER_DISTRICT
    )
    inspector = make_user("inspector", district_code=OTHER_DISTRICT)
    instruction = make_instruction(declaration, inspector=inspector)
    accept_instruction(actor=actor_of(inspector), instruction_id=instruction.id)
    start_inspection(actor=actor_of(inspector), instruction_id=instruction.id)
    return instruction.id


def _first_item(values: dict) -> int:
    from backend.instructions.models import Instruction

    return min(item.id for item in db.session.get(Instruction, values["instruction_id"]).items)


# media


def _foreign_upload() -> int:
    from backend.media.models import Upload

    inspector = make_user("inspector", district_code=OTHER_DISTRICT)
    upload = Upload(
        uploaded_by_id=inspector.id,
        district_code=OTHER_DISTRICT,
        client_id=f"authz-{inspector.id}",
        size=1024,
        sha256="0" * 64,
        content_type="image/jpeg",
        filename="IMG_0002.jpg",
        device_id="phone-b-0001",
    )
    db.session.add(upload)
    db.session.commit()
    return upload.id


# catalogues


def _foreign_catalog_import() -> int:
    """An import previewed by an administrator of the other district (only that district applies it)."""
    from datetime import date

    from backend.catalogs.models import CatalogImport

    row = CatalogImport(
        table_code="ports",
        effective_date=date(2030, 1, 1),
        rows=[{"code": "CNSZX", "name_zh": "深圳", "name_en": "Shenzhen"}],
        diff={"added": [], "changed": [], "retired": [], "counts": {}},
        created_by=make_user("administrator", district_code=OTHER_DISTRICT).id,
        district_code=OTHER_DISTRICT,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


# large exports


def _foreign_export_job() -> str:
    """A large export written for a user of the other district: only that user may follow or download it."""
    from backend.core.export_jobs import DONE, ExportJob

    owner = make_user("inspector", district_code=OTHER_DISTRICT)
    job = ExportJob(
        user_id=owner.id, actor={}, route="instruction_exports:/instructions",
        request_path="/api/v1/instructions.csv", query_string="", file_format="csv",
        filename="instructions.csv", status=DONE, rows_total=1, rows_done=1, content=b"x",
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.session.add(job)
    db.session.commit()
    return job.id
# interchange


def _foreign_outbox_message() -> int:
    """A receipt message owed for a Single Window application of the other district."""
    from backend.declarations.models import Receipt
    from backend.interchange.models import OutboxMessage

    declaration = make_declaration(
        foreign_enterprise(), status="submitted", district_code=OTHER_DISTRICT, source="single_window"
    )
    receipt = Receipt(
        declaration_id=declaration.id,
        code="SUBMITTED",
        status="submitted",
        text_zh="已提交",
        text_en="Submitted",
        actor_label="系统 system",
    )
    db.session.add(receipt)
    db.session.commit()
    return db.session.execute(
        db.select(OutboxMessage.id).where(OutboxMessage.receipt_id == receipt.id)
    ).scalar_one()


OBJECT_FACTORIES: dict[str, Callable[..., int | str]] = {
    # identity
    "enterprise_id": lambda: foreign_enterprise().id,
    "user_id": lambda: make_user("inspector", district_code=OTHER_DISTRICT).id,
    "qualification_id": lambda: make_qualification(foreign_enterprise(), "BWG_PRODUCER").id,
    "client_key_id": _foreign_client_key,
    "security_key_id": _foreign_security_key,
    "authorisation_id": _foreign_agency_authorisation,
    # declarations, e-records and review
    "declaration_id": _foreign_declaration,
    "attachment_id": _foreign_attachment,
    "e_record_no": _foreign_e_record,
    "rule_id": lambda: make_risk_rule(district_code=OTHER_DISTRICT).id,
    # appointments
    "appointment_id": _foreign_appointment,
    # instructions and inspections
    "instruction_id": _foreign_instruction,
    "item_id": _first_item,
    # media
    "upload_id": _foreign_upload,
    "photo_id": lambda: make_photo(make_user("inspector", district_code=OTHER_DISTRICT)).id,
    # certificates and cloud issuance (applications, blank stock, reprints, amendments): the foreign
    # objects of tests/certificates_shared/authz_factories.py, certificate_no being a self-print
    # certificate issued against an e-record, as printing, reprints and amendments need
    **CERTIFICATE_FACTORIES,
    # catalogues
    "import_id": _foreign_catalog_import,
    # large exports (core/export_jobs.py)
    "export_id": _foreign_export_job,
    # interchange: a message of the other district's Single Window application
    "outbox_message_id": _foreign_outbox_message,
}

# 口岸海关: customs of PORT_DISTRICT hold PORT (national.PORT_DISTRICTS) and read, without acting on
# them, the objects of OTHER_DISTRICT declared to leave through it: these operations, and no other.
PORT_DISTRICT, PORT, ANOTHER_PORT = "5301", "CNHUA", "CNLUH"
PORT_READABLE = {
    "GET /api/v1/e-records/{e_record_no}",
    "GET /api/v1/certificates/{certificate_no}/pdf",
    "GET /api/v1/certificates/{certificate_no}/ephyto",
}


def port_objects(port: str) -> dict[str, str]:
    """An e-record and a certificate issued by OTHER_DISTRICT for goods leaving through `port`."""
    from backend.certificates.service import issue_certificate
    from tests.certificates_shared.samples import sample_content

    enterprise = foreign_enterprise()
    record = make_issued_e_record(enterprise, district_code=OTHER_DISTRICT, departure_port=port)
    certificate = issue_certificate(
        actor=None,
        content=sample_content("18", district_code=OTHER_DISTRICT),
        enterprise_id=enterprise.id,
        e_record_id=record.id,
        delivery="self_print",
    )
    db.session.commit()
    return {"e_record_no": record.e_record_no, "certificate_no": certificate.certificate_no}


PATH_VALUES: dict[str, str] = {
    # media: GET /api/v1/photos/{photo_id}/{variant}, variant is any(original, display, thumbnail)
    "variant": "original",
    # catalogues: a table is a name (national data, the same for everyone)
    "table": "ports",
    # GET /api/v1/tools/numbers/{number}: answers for any number; whether the object exists is told only
    # to whom may see it (tests/catalogs/test_numbers.py), so the number names no object to own
    "number": "226N53000000001",
}

REQUEST_BODIES: dict[str, dict | RawBody] = {
    # identity
    "POST /api/v1/admin/enterprises/{enterprise_id}/qualifications": {
        "type_code": "FOOD_PRODUCER",
        "number": "AUTHZ-0001",
    },
    "PUT /api/v1/admin/users/{user_id}/password": {"password": "Authz-matrix-pw-1"},
    # e-records: inspector_id / customs codes need not exist, the ownership check comes first
    "POST /api/v1/e-records/{e_record_no}/verify": {"customs_code": "4403960123", "hs_codes": ["4419121000"]},
    "POST /api/v1/e-records/{e_record_no}/consume": {
        "customs_code": "4403960123",
        "hs_codes": ["4419121000"],
        "customs_declaration_no": "530120261000000001",
    },
    "POST /api/v1/e-records/{e_record_no}/void": {"reason": "权限矩阵测试", "expected_version": 1},
    # review
    "POST /api/v1/review/declarations/{declaration_id}/open": {"expected_version": 1},
    "POST /api/v1/review/declarations/{declaration_id}/approve": {"expected_version": 1},
    "POST /api/v1/review/declarations/{declaration_id}/return": {
        "expected_version": 1,
        "field_reasons": [{"path": "contract_no", "reason_zh": "合同号有误"}],
    },
    "POST /api/v1/review/declarations/{declaration_id}/reject": {"expected_version": 1, "reason": "不予受理"},
    "PATCH /api/v1/review/risk-rules/{rule_id}": {"expected_version": 1, "priority": 2},
    "POST /api/v1/review/risk-rules/{rule_id}/deactivate": {"expected_version": 1},
    # appointments
    "POST /api/v1/appointments/{appointment_id}/confirm": {"expected_version": 1, "inspector_id": 1},
    "POST /api/v1/appointments/{appointment_id}/propose": {
        "expected_version": 1,
        "inspector_id": 1,
        "date": "2099-01-05",
        "slot": "afternoon",
    },
    "POST /api/v1/appointments/{appointment_id}/accept-proposal": {"expected_version": 1},
    "POST /api/v1/appointments/{appointment_id}/decline-proposal": {"expected_version": 1},
    "POST /api/v1/appointments/{appointment_id}/decline": {"expected_version": 1, "reason": "无查检员"},
    "POST /api/v1/appointments/{appointment_id}/cancel": {"expected_version": 1, "reason": "改期"},
    # instructions and inspections
    "POST /api/v1/instructions/{instruction_id}/assign": {"inspector_id": 1},
    "POST /api/v1/instructions/{instruction_id}/cancel": {"reason": "权限矩阵测试", "then": "accepted"},
    "POST /api/v1/instructions/{instruction_id}/lease": {"device_id": "phone-authz-01"},
    "PUT /api/v1/inspections/{instruction_id}/items/{item_id}": {"base_version": 0, "result": "conforms"},
    # media: the first chunk of the upload made by _foreign_upload (1024 bytes)
    "PUT /api/v1/uploads/{upload_id}": RawBody(
        b"\xff\xd8\xff\xe0", headers={"Content-Range": "bytes 0-3/1024"}
    ),
    # certificates and cloud issuance
    **CERTIFICATE_BODIES,
}
