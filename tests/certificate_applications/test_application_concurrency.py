"""Applications submitted at the same moment: every one issued, numbers consecutive and never shared, and
one submission of the same application wins."""


from backend.certificate_applications.models import CertificateApplication
from backend.certificate_applications.service import create_application, submit_application
from backend.certificates.models import Certificate
from backend.extensions import db
from tests.certificates_shared.fixtures import actor_of, phyto_form
from tests.helpers import race


def test_concurrent_submissions_get_consecutive_numbers(app, factories, exporter, exporter_user):
    actor = actor_of(exporter_user)
    drafts = []
    for _ in range(6):
        record = factories.stored_e_record(factories.declaration(exporter, status="e_record_issued"))
        drafts.append(
            create_application(
                actor=actor, e_record_no=record.e_record_no, type_code="18", form=phyto_form()
            ).id
        )
    db.session.remove()

    def submitter(application_id):
        return lambda: submit_application(actor=actor, application_id=application_id).status

    assert race(app, [submitter(i) for i in drafts]) == ["issued"] * 6
    numbers = sorted(db.session.execute(db.select(Certificate.certificate_no)).scalars())
    year = numbers[0][4:6]
    assert numbers == [f"5300{year}18{serial:07d}" for serial in range(1, 7)]


def test_one_application_submitted_twice_at_once_is_issued_once(app, exporter_user, e_record):
    actor = actor_of(exporter_user)
    draft_id = create_application(
        actor=actor, e_record_no=e_record.e_record_no, type_code="18", form=phyto_form()
    ).id
    db.session.remove()
    results = race(app, [lambda: submit_application(actor=actor, application_id=draft_id).status] * 2)
    assert sorted(map(str, results)) == ["certificate_application.invalid_transition", "issued"], results
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar_one() == 1
    application = db.session.get(CertificateApplication, draft_id)
    assert [r.code for r in application.receipts] == ["CERT_SUBMITTED", "CERT_ISSUED"]
