"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

import importlib

MODEL_MODULES = [
    "backend.identity.models",
    "backend.audit.models",
    "backend.declarations.models",
    "backend.declarations.catalog_validity",
    "backend.instructions.models",
    "backend.inspections.models",
    "backend.sync.models",
    "backend.media.models",
]

for _name in MODEL_MODULES:
    importlib.import_module(_name)
