"""Storage clean-up asks the registry of references: media knows no domain, owners register themselves."""

from __future__ import annotations

import os
import time

import sqlalchemy as sa

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.media import references
from backend.media.cleanup import DEFAULT_OLDER_THAN_HOURS, prune_storage


def test_photos_and_the_domains_attachments_are_registered_once_the_app_is_built(app):
    names = {reference.name: reference.folders for reference in references.registered()}
    assert names == {
        "photos": frozenset({"originals", "display", "thumbnail"}),
        "declaration attachments": frozenset({"declarations"}),
        "certificate attachments": frozenset({"documents"}),
    }


def test_a_new_owner_makes_its_folder_prunable_and_keeps_what_it_refers_to(storage, monkeypatch):
    monkeypatch.setattr(references, "_REFERENCES", dict(references._REFERENCES))
    kept, orphan = "exports/ab/kept", "exports/ab/orphan"
    for key in (kept, orphan):
        storage.put(key, key.encode())
        then = time.time() - (DEFAULT_OLDER_THAN_HOURS + 24) * 3600
        os.utime(storage.path(key), (then, then))
    assert prune_storage().unknown_files_kept == 2  # nobody accounts for exports/: both stay

    # An owner whose rows refer to `kept` (audit events stand in for its table here).
    db.session.add(AuditEvent(action="test.export", entity_type="export", entity_id=kept, actor_username="t"))
    db.session.commit()
    references.register(
        "exports",
        folders={"exports"},
        all_keys=lambda: db.session.execute(
            sa.select(AuditEvent.entity_id).where(AuditEvent.entity_type == "export")
        ).scalars(),
        refers_to=lambda key: sa.select(AuditEvent.id).where(
            AuditEvent.entity_type == "export", AuditEvent.entity_id == key
        ),
    )

    report = prune_storage()
    assert (report.files_deleted, report.unknown_files_kept) == (1, 0)
    assert storage.exists(kept) and not storage.exists(orphan)
