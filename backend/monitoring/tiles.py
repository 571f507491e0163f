"""The board's tiles: for each step of the chain, which rows are waiting there and whose district they are.

Each tile is one SELECT of (id, district_code, ref, status, at) over the domain's table, which the
tile's list pages through. The board counts the same rows without the join that fetches the reference:
`counted(now)` is the tile's table with the same conditions, and every tile's COUNT … GROUP BY
district_code goes in one UNION ALL, each on an index of its status and district — for the overdue
instructions, of the open instructions' (status, deadline) — declared here as BOARD_INDEXES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.appointments.models import Appointment
from backend.blank_stock.models import BlankStock
from backend.certificate_applications.models import CertificateApplication
from backend.declarations.models import Declaration, ERecord
from backend.instructions.models import Instruction

CLOSED_INSTRUCTION = ("completed", "cancelled")
OPEN_INSTRUCTION = ("pending", "assigned", "accepted", "in_progress")  # spelt out: an index range each
EXPIRING_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Tile:
    key: str
    name_zh: str
    name_en: str
    kind: str  # what a row of its list is: declaration, instruction, appointment, e_record, …
    district: sa.ColumnElement
    id_column: sa.ColumnElement
    rows: Callable[[datetime], sa.Select]  # now -> SELECT id, district_code, ref, status, at
    counted: Callable[[datetime], sa.Select]  # now -> SELECT district_code of the same rows, no joins


def _row(id_, district_code, ref, status, at) -> sa.Select:
    """The five columns every tile's list shows, named alike so one COUNT … GROUP BY fits them all."""
    return sa.select(
        id_.label("id"),
        district_code.label("district_code"),
        ref.label("ref"),
        status.label("status"),
        at.label("at"),
    )


def _declarations(*conditions) -> tuple[Callable, Callable]:
    def rows(now: datetime) -> sa.Select:
        return _row(
            Declaration.id,
            Declaration.district_code,
            Declaration.inspection_no,
            Declaration.status,
            Declaration.accepted_at,
        ).where(*conditions)

    def counted(now: datetime) -> sa.Select:
        return sa.select(Declaration.district_code).where(*conditions)

    return rows, counted


def _open_instruction_of_declaration():
    return (
        sa.select(Instruction.id)
        .where(Instruction.declaration_id == Declaration.id, Instruction.status.not_in(CLOSED_INSTRUCTION))
        .exists()
    )


def _instructions(*conditions, overdue: bool = False) -> tuple[Callable, Callable]:
    def where(now: datetime) -> list:
        if overdue:
            return [*conditions, Instruction.status.in_(OPEN_INSTRUCTION), Instruction.deadline < now]
        return list(conditions)

    def rows(now: datetime) -> sa.Select:
        return (
            _row(
                Instruction.id,
                Instruction.district_code,
                Declaration.inspection_no,
                Instruction.status,
                Instruction.deadline,
            )
            .join(Declaration, Declaration.id == Instruction.declaration_id)
            .where(*where(now))
        )

    def counted(now: datetime) -> sa.Select:
        return sa.select(Instruction.district_code).where(*where(now))

    return rows, counted


def _appointments_requested(now: datetime) -> sa.Select:
    return (
        _row(
            Appointment.id,
            Appointment.district_code,
            Declaration.inspection_no,
            Appointment.status,
            Appointment.created_at,
        )
        .join(Declaration, Declaration.id == Appointment.declaration_id)
        .where(Appointment.status == "requested")
    )


def _appointments_counted(now: datetime) -> sa.Select:
    return sa.select(Appointment.district_code).where(Appointment.status == "requested")


def _expiring(now: datetime) -> tuple:
    return (
        ERecord.status == "normal",
        ERecord.valid_until >= now,
        ERecord.valid_until < now + EXPIRING_WITHIN,
    )


def _e_records_expiring(now: datetime) -> sa.Select:
    return _row(
        ERecord.id, ERecord.district_code, ERecord.e_record_no, ERecord.status, ERecord.valid_until
    ).where(*_expiring(now))


def _e_records_counted(now: datetime) -> sa.Select:
    return sa.select(ERecord.district_code).where(*_expiring(now))


def _by_type(model, status: str, at) -> tuple[Callable, Callable]:
    """Certificate applications and blank-paper requests: shown by their certificate type."""

    def rows(now: datetime) -> sa.Select:
        query = _row(model.id, model.district_code, model.type_code, model.status, at)
        return query.where(model.status == status)

    def counted(now: datetime) -> sa.Select:
        return sa.select(model.district_code).where(model.status == status)

    return rows, counted


TILES: dict[str, Tile] = {
    tile.key: tile
    for tile in (
        Tile(
            "review_waiting",
            "待审核申请",
            "Applications awaiting review",
            "declaration",
            Declaration.district_code,
            Declaration.id,
            *_declarations(Declaration.status.in_(("accepted", "under_review"))),
        ),
        Tile(
            "notice_without_instruction",
            "查检通知未下指令",
            "Inspection notices without an instruction",
            "declaration",
            Declaration.district_code,
            Declaration.id,
            *_declarations(Declaration.status == "inspection_notice", ~_open_instruction_of_declaration()),
        ),
        Tile(
            "instructions_unassigned",
            "指令待分派",
            "Instructions unassigned",
            "instruction",
            Instruction.district_code,
            Instruction.id,
            *_instructions(Instruction.status == "pending"),
        ),
        Tile(
            "instructions_assigned",
            "指令已分派",
            "Instructions assigned",
            "instruction",
            Instruction.district_code,
            Instruction.id,
            *_instructions(Instruction.status == "assigned"),
        ),
        Tile(
            "instructions_in_progress",
            "指令执行中",
            "Instructions in progress",
            "instruction",
            Instruction.district_code,
            Instruction.id,
            *_instructions(Instruction.status.in_(("accepted", "in_progress"))),
        ),
        Tile(
            "instructions_overdue",
            "指令超时",
            "Instructions overdue",
            "instruction",
            Instruction.district_code,
            Instruction.id,
            *_instructions(overdue=True),
        ),
        Tile(
            "appointments_requested",
            "预约待确认",
            "Appointments awaiting confirmation",
            "appointment",
            Appointment.district_code,
            Appointment.id,
            _appointments_requested,
            _appointments_counted,
        ),
        Tile(
            "e_records_expiring",
            "电子底账 7 日内到期",
            "E-records expiring within 7 days",
            "e_record",
            ERecord.district_code,
            ERecord.id,
            _e_records_expiring,
            _e_records_counted,
        ),
        Tile(
            "certificates_referred",
            "证书转人工审核",
            "Certificate applications referred to an officer",
            "certificate_application",
            CertificateApplication.district_code,
            CertificateApplication.id,
            *_by_type(CertificateApplication, "officer_review", CertificateApplication.updated_at),
        ),
        Tile(
            "blank_stock_requested",
            "空白证书申请待处理",
            "Blank-paper requests open",
            "blank_stock",
            BlankStock.district_code,
            BlankStock.id,
            *_by_type(BlankStock, "requested", BlankStock.created_at),
        ),
    )
}


# The board's counts read these (each tile: its status first, then the district it groups by).
BOARD_INDEXES = (
    # District first: a board's districts times the two waiting statuses are a few seeks on a covering
    # index (status first lost to the district index on SQLite, where most applications wait).
    # The id too: the notices without an instruction are matched by id without reading the table.
    sa.Index("ix_declaration_district_status", Declaration.district_code, Declaration.status, Declaration.id),
    sa.Index("ix_instruction_status_district", Instruction.status, Instruction.district_code),
    sa.Index(
        "ix_instruction_status_deadline", Instruction.status, Instruction.deadline, Instruction.district_code
    ),
    sa.Index("ix_appointment_status_district", Appointment.status, Appointment.district_code),
    sa.Index("ix_blank_stock_status_district", BlankStock.status, BlankStock.district_code),
    sa.Index("ix_e_record_status_valid_until", ERecord.status, ERecord.valid_until, ERecord.district_code),
)
