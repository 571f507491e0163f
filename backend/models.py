"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

import importlib

MODEL_MODULES = [
    "backend.identity.models",
    "backend.identity.agency_models",
    "backend.identity.enrolment_models",
    "backend.audit.models",
    "backend.declarations.models",
    "backend.declarations.catalog_validity",
    "backend.review.models",
    "backend.appointments.models",
    "backend.deadlines.models",
    "backend.instructions.models",
    "backend.media.models",
    "backend.certificates.models",
    "backend.inspections.models",
    "backend.sync.models",
    "backend.certificate_applications.models",
    "backend.blank_stock.models",
    "backend.amendments.models",
    "backend.statistics.rollup",
    "backend.statistics.counts",
    "backend.statistics.durations",
    "backend.statistics.late",
    "backend.catalogs.models",
    "backend.core.export_jobs",
    "backend.interchange.capture",  # the outbox table and the listener that fills it
]

for _name in MODEL_MODULES:
    importlib.import_module(_name)
