"""Objects of ANOTHER enterprise in ANOTHER district, one per path parameter of the 云签发 API, for the
object-level authorisation matrix (tests/authz_registry.py on the `keys` branch): to register, add

    from tests.certificates_shared.authz_factories import BODIES, FACTORIES
    OBJECT_FACTORIES.update(FACTORIES)
    REQUEST_BODIES.update(BODIES)

test_authz_foreign.py runs the same check locally until that registry lands.
"""

from __future__ import annotations

from backend.amendments.models import CertificateAmendment
from backend.blank_stock.models import BlankStock, ReprintRequest
from backend.certificate_applications.models import CertificateApplication
from backend.certificates.service import issue_certificate
from backend.extensions import db
from tests.certificates_shared.fixtures import phyto_form
from tests.certificates_shared.samples import sample_content
from tests.helpers import make_declaration, make_enterprise, make_stored_e_record, make_user

OTHER_DISTRICT = "2200"


def _foreign():
    enterprise = make_enterprise(district_code=OTHER_DISTRICT)
    # Leaving through Shanghai (2200's port): the home district is not its port of exit either.
    declaration = make_declaration(
        enterprise, status="e_record_issued", district_code=OTHER_DISTRICT, departure_port="CNSHA"
    )
    return enterprise, declaration, make_stored_e_record(declaration)


def foreign_certificate():
    enterprise, _, record = _foreign()
    certificate = issue_certificate(
        actor=None,
        content=sample_content("18", district_code=OTHER_DISTRICT),
        enterprise_id=enterprise.id,
        e_record_id=record.id,
        delivery="self_print",
    )
    return enterprise, certificate


def foreign_application_id() -> int:
    enterprise, declaration, record = _foreign()
    user = make_user("enterprise", enterprise=enterprise)
    application = CertificateApplication(
        enterprise_id=enterprise.id,
        district_code=OTHER_DISTRICT,
        declaration_id=declaration.id,
        e_record_id=record.id,
        type_code="18",
        status="officer_review",
        form=phyto_form(),
        attachment_ids=[],
        created_by_id=user.id,
    )
    db.session.add(application)
    db.session.commit()
    return application.id


def foreign_stock_id() -> int:
    enterprise = make_enterprise(district_code=OTHER_DISTRICT)
    stock = BlankStock(enterprise_id=enterprise.id, district_code=OTHER_DISTRICT, type_code="18", quantity=1)
    db.session.add(stock)
    db.session.commit()
    return stock.id


def foreign_certificate_no() -> str:
    return foreign_certificate()[1].certificate_no


def foreign_reprint_request_id() -> int:
    enterprise, certificate = foreign_certificate()
    user = make_user("enterprise", enterprise=enterprise)
    request = ReprintRequest(
        certificate_id=certificate.id,
        enterprise_id=enterprise.id,
        district_code=OTHER_DISTRICT,
        reason="x",
        requested_by_id=user.id,
    )
    db.session.add(request)
    db.session.commit()
    return request.id


def foreign_amendment_id() -> int:
    enterprise, certificate = foreign_certificate()
    user = make_user("enterprise", enterprise=enterprise)
    amendment = CertificateAmendment(
        certificate_id=certificate.id,
        enterprise_id=enterprise.id,
        district_code=OTHER_DISTRICT,
        kind="withdraw",
        reason="x",
        attachment_ids=[],
        requested_by_id=user.id,
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment.id


FACTORIES = {
    "application_id": foreign_application_id,
    "stock_id": foreign_stock_id,
    "certificate_no": foreign_certificate_no,
    "request_id": foreign_reprint_request_id,
    "amendment_id": foreign_amendment_id,
}

BODIES = {
    "POST /api/v1/certificate-applications/{application_id}/return": {"reason": "x"},
    "POST /api/v1/certificate-applications/{application_id}/reject": {"reason": "x"},
    "POST /api/v1/blank-stock/{stock_id}/refuse": {"reason": "x"},
    "POST /api/v1/certificates/{certificate_no}/print": {"serial": 1},
    "POST /api/v1/certificates/{certificate_no}/reprint-requests": {"reason": "x"},
    "POST /api/v1/certificates/{certificate_no}/amendments": {"kind": "withdraw", "reason": "x"},
    "POST /api/v1/certificate-amendments/{amendment_id}/reject": {"note": "x"},
}
