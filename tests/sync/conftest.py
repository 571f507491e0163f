"""A district with a supervisor, two inspectors, an enterprise and a declaration in inspection_notice."""

from types import SimpleNamespace

import pytest

from backend.core.enums import Role
from backend.extensions import socketio


@pytest.fixture
def world(factories):
    supervisor = factories.user(Role.SUPERVISOR)
    inspector = factories.user(Role.INSPECTOR)
    other_inspector = factories.user(Role.INSPECTOR)
    enterprise = factories.enterprise()
    declaration = factories.declaration(enterprise, status="inspection_notice")
    return SimpleNamespace(
        supervisor=supervisor,
        inspector=inspector,
        other_inspector=other_inspector,
        enterprise=enterprise,
        declaration=declaration,
        h_supervisor=factories.headers(supervisor),
        h_inspector=factories.headers(inspector),
        h_other=factories.headers(other_inspector),
    )


@pytest.fixture
def emitted(monkeypatch):
    """Socket.IO messages sent (after commit), as (room, event, data)."""
    sent = []
    monkeypatch.setattr(socketio, "emit", lambda event, data, to=None, **_: sent.append((to, event, data)))
    return sent
