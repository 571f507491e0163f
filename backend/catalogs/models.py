"""Versioned code tables: a version per applied import, an entry row per code and validity interval.

Nothing is deleted. A changed code closes its old entry (valid_to = the new version's effective date)
and opens a new one; a retired code only has its entry closed. "In force on day D" is therefore
valid_from <= D < valid_to (valid_to NULL = still in force), which is how applications are checked
against the version in force on their date and how old applications still show retired codes.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import UTCDateTime, utcnow
from backend.extensions import db

OFFICIAL = "official"
NATIONAL_EXTENSION = "national_extension"


class CatalogVersion(db.Model):
    """One applied version of one table, with the day it takes effect."""

    __tablename__ = "catalog_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[int] = mapped_column(sa.Integer)
    effective_date: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(20))  # official | national_extension
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    row_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    added: Mapped[int] = mapped_column(sa.Integer, default=0)
    changed: Mapped[int] = mapped_column(sa.Integer, default=0)
    retired: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Who applied it (a user id; the audit event names them too). No foreign key: reference data outlives
    # accounts, and a version must not go with a user row.
    applied_by: Mapped[int | None] = mapped_column(sa.Integer)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (sa.UniqueConstraint("table_code", "number", name="uq_catalog_version_number"),)


class CatalogEntry(db.Model):
    """One code of one table over one validity interval; `data` holds the table-specific columns."""

    __tablename__ = "catalog_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(40))
    code: Mapped[str] = mapped_column(sa.String(40))
    name_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    name_en: Mapped[str] = mapped_column(sa.String(600), default="")
    name_key: Mapped[str] = mapped_column(sa.String(600), default="")  # lower-case English, for prefix search
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    from_version: Mapped[int] = mapped_column(sa.Integer)
    to_version: Mapped[int | None] = mapped_column(sa.Integer)
    __table_args__ = (
        # Prefix search (LIKE 'x%') uses these: text_pattern_ops on PostgreSQL whatever the collation.
        sa.Index(
            "ix_catalog_entry_code",
            "table_code",
            "code",
            postgresql_ops={"table_code": "text_pattern_ops", "code": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_catalog_entry_name_zh",
            "table_code",
            "name_zh",
            postgresql_ops={"table_code": "text_pattern_ops", "name_zh": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_catalog_entry_name_key",
            "table_code",
            "name_key",
            postgresql_ops={"table_code": "text_pattern_ops", "name_key": "text_pattern_ops"},
        ),
    )


class CatalogImport(db.Model):
    """A previewed import: the parsed rows and their diff against the version in force, until applied."""

    __tablename__ = "catalog_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(40))
    effective_date: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(20), default=OFFICIAL)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    rows: Mapped[list] = mapped_column(sa.JSON)
    diff: Mapped[dict] = mapped_column(sa.JSON)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # The district of the administrator who previewed it: only that district's administrators apply it.
    district_code: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_version: Mapped[int | None] = mapped_column(sa.Integer)
