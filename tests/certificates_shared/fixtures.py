"""Fixtures of the 云签发 tests: an exporter with a normal e-record that ticked a phytosanitary
certificate, its key-login headers, and a certificate officer of the same district. A pytest plugin
(tests/conftest.py), so the tests of certificates, applications, blank stock and amendments share them."""

from __future__ import annotations

import copy

import pytest

from backend.core.auth import Actor
from backend.core.enums import Assurance, Role

PHYTO_FORM = {
    "consignee": {"name_en": "Tokyo Kitchenware K.K.", "address_en": "1-2-3 Shibaura, Minato-ku, Tokyo"},
    "destination_country": "JPN",
    "means_of_conveyance": "BY SEA / COSCO PRIDE V.026E",
    "transport_mode": "1",
    "port_of_departure": "Yantian, China",
    "port_of_destination": "Tokyo, Japan",
    "marks": "N/M",
    "goods": [
        {
            "hs_code": "4419121000",
            "description_zh": "竹筷",
            "description_en": "Bamboo chopsticks",
            "quantity": "100000",
            "quantity_unit": "035",
            "net_weight": "2000",
            "packages": 200,
            "package_kind": "CT",
            "package_kind_zh": "纸箱",
        }
    ],
    "fields": {
        "botanical_name": "Phyllostachys spp.",
        "place_of_origin": "福建 Fujian",
        "treatment": "热处理 Heat treatment",
        "additional_declaration": "Free from soil.",
    },
}


def phyto_form(**changes) -> dict:
    form = copy.deepcopy(PHYTO_FORM)
    form.update(changes)
    return form


def actor_of(user, assurance: str = "key") -> Actor:
    return Actor(
        user.id,
        user.username,
        Role(user.role),
        Assurance(assurance),
        user.enterprise_id,
        user.district_code,
        "test-session",
        user.enterprise.district_code if user.enterprise is not None else None,
    )


@pytest.fixture
def exporter(factories):
    return factories.enterprise(
        customs_code="4403960001", name_zh="深圳竹韵家居有限公司", name_en="Shenzhen Zhuyun Home Co., Ltd."
    )


@pytest.fixture
def exporter_user(factories, exporter):
    return factories.user(Role.ENTERPRISE, enterprise=exporter)


@pytest.fixture
def declaration(factories, exporter):
    return factories.declaration(exporter, status="e_record_issued")


@pytest.fixture
def e_record(factories, declaration):
    return factories.stored_e_record(declaration)


@pytest.fixture
def key_headers(factories, exporter_user):
    return factories.headers(exporter_user, assurance="key")


@pytest.fixture
def officer_user(factories):
    return factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")


@pytest.fixture
def officer_headers(factories, officer_user):
    return factories.headers(officer_user, assurance="key")


@pytest.fixture
def apply_for(client, key_headers, e_record):
    """POST a draft (phytosanitary, self-print) and return its JSON; keyword arguments go into the body."""

    def create(form: dict | None = None, headers=None, **body):
        payload = {
            "e_record_no": e_record.e_record_no,
            "type_code": "18",
            "form": form or phyto_form(),
            **body,
        }
        response = client.post(
            "/api/v1/certificate-applications", json=payload, headers=headers or key_headers
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


def issue_certificate(client, apply_for, key_headers, **body):
    """A draft (see apply_for) submitted, issued at once by intelligent review: the Certificate row."""
    from backend.certificates.models import Certificate
    from backend.extensions import db

    draft = apply_for(**body)
    answer = client.post(
        f"/api/v1/certificate-applications/{draft['id']}/submit", json={}, headers=key_headers
    ).get_json()
    assert answer["status"] == "issued", answer
    return db.session.execute(
        db.select(Certificate).where(Certificate.certificate_no == answer["certificate_no"])
    ).scalar_one()
