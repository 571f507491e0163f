"""Interchange fixtures: the stand-in Single Window receiver (a real HTTP server process), a sender
(the Single Window's system client), an exporter, and intake of applications."""

from __future__ import annotations

import time

import pytest

from backend.core.enums import Role
from backend.extensions import db
from backend.identity.models import Enterprise
from tests.declarations.bodies import registered_body
from tests.interchange.receiving import Receiver

INTAKE = "/api/v1/intake/single-window/declarations"


@pytest.fixture
def receiver(tmp_path):
    running = Receiver(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def pushing(app, receiver):
    """The app pushes receipts to the receiver, with short timeouts and backoff, for this test."""
    keys = {
        "SINGLE_WINDOW_RECEIPTS_URL": receiver.url,
        "INTERCHANGE_TIMEOUT_SECONDS": 1.0,
        "INTERCHANGE_RETRY_BASE_SECONDS": 0.0,
        "INTERCHANGE_MAX_ATTEMPTS": 3,
    }
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(keys)
    yield receiver
    app.config.update(saved)


@pytest.fixture
def sender_user(factories):
    return factories.user(Role.SYSTEM_CLIENT, username="single-window", district_code=None)


@pytest.fixture
def sender(factories, sender_user):
    return factories.headers(sender_user, assurance="key")


@pytest.fixture
def exporter(factories):
    return factories.enterprise(customs_code="4403960B77", district_code="5300")


@pytest.fixture
def admin(factories):
    return factories.headers(factories.user(Role.ADMINISTRATOR, district_code="5300"), assurance="key")


@pytest.fixture
def intake(client, factories, exporter, sender):
    """intake(n): n applications sent through the Single Window intake; their declaration ids."""
    counter = iter(range(1, 10_000))
    exporter_id = exporter.id

    def send(how_many: int = 1, headers: dict | None = None) -> list[int]:
        ids = []
        for _ in range(how_many):
            enterprise = db.session.get(Enterprise, exporter_id)  # the test may have closed its session
            message = {
                "message_id": f"SW-T-{next(counter):05d}-{time.monotonic_ns()}",
                "enterprise_customs_code": enterprise.customs_code,
                "application": registered_body(factories, enterprise),
            }
            response = client.post(INTAKE, json=message, headers=headers or sender)
            assert response.status_code == 201, response.get_json()
            ids.append(response.get_json()["declaration_id"])
        db.session.expire_all()
        return ids

    return send
