"""The board's tiles: for each step of the chain, which rows are waiting there and whose district they are.

Each tile is one SELECT of (id, district_code, ref, status, at) over the domain's table; the board
counts it with COUNT … GROUP BY district_code, and the tile's list pages through the same SELECT.
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


def _declarations(*conditions) -> Callable[[datetime], sa.Select]:
    def rows(now: datetime) -> sa.Select:
        return sa.select(
            Declaration.id.label("id"),
            Declaration.district_code.label("district_code"),
            Declaration.inspection_no.label("ref"),
            Declaration.status.label("status"),
            Declaration.accepted_at.label("at"),
        ).where(*conditions)

    return rows


def _open_instruction_of_declaration():
    return (
        sa.select(Instruction.id)
        .where(Instruction.declaration_id == Declaration.id, Instruction.status.not_in(CLOSED_INSTRUCTION))
        .exists()
    )


def _instructions(*conditions, overdue: bool = False) -> Callable[[datetime], sa.Select]:
    def rows(now: datetime) -> sa.Select:
        query = (
            sa.select(
                Instruction.id.label("id"),
                Instruction.district_code.label("district_code"),
                Declaration.inspection_no.label("ref"),
                Instruction.status.label("status"),
                Instruction.deadline.label("at"),
            )
            .join(Declaration, Declaration.id == Instruction.declaration_id)
            .where(*conditions)
        )
        if overdue:
            query = query.where(
                Instruction.status.not_in(CLOSED_INSTRUCTION), Instruction.deadline < now
            )
        return query

    return rows


def _appointments_requested(now: datetime) -> sa.Select:
    return (
        sa.select(
            Appointment.id.label("id"),
            Appointment.district_code.label("district_code"),
            Declaration.inspection_no.label("ref"),
            Appointment.status.label("status"),
            Appointment.created_at.label("at"),
        )
        .join(Declaration, Declaration.id == Appointment.declaration_id)
        .where(Appointment.status == "requested")
    )


def _e_records_expiring(now: datetime) -> sa.Select:
    return (
        sa.select(
            ERecord.id.label("id"),
            Declaration.district_code.label("district_code"),
            ERecord.e_record_no.label("ref"),
            ERecord.status.label("status"),
            ERecord.valid_until.label("at"),
        )
        .join(Declaration, Declaration.id == ERecord.declaration_id)
        .where(
            ERecord.status == "normal",
            ERecord.valid_until >= now,
            ERecord.valid_until < now + EXPIRING_WITHIN,
        )
    )


def _certificate_applications_referred(now: datetime) -> sa.Select:
    return sa.select(
        CertificateApplication.id.label("id"),
        CertificateApplication.district_code.label("district_code"),
        CertificateApplication.type_code.label("ref"),
        CertificateApplication.status.label("status"),
        CertificateApplication.updated_at.label("at"),
    ).where(CertificateApplication.status == "officer_review")


def _blank_stock_open(now: datetime) -> sa.Select:
    return sa.select(
        BlankStock.id.label("id"),
        BlankStock.district_code.label("district_code"),
        BlankStock.type_code.label("ref"),
        BlankStock.status.label("status"),
        BlankStock.created_at.label("at"),
    ).where(BlankStock.status == "requested")


TILES: dict[str, Tile] = {
    tile.key: tile
    for tile in (
        Tile(
            "review_waiting", "待审核申请", "Applications awaiting review", "declaration",
            Declaration.district_code, Declaration.id,
            _declarations(Declaration.status.in_(("accepted", "under_review"))),
        ),
        Tile(
            "notice_without_instruction", "查检通知未下指令", "Inspection notices without an instruction",
            "declaration", Declaration.district_code, Declaration.id,
            _declarations(Declaration.status == "inspection_notice", ~_open_instruction_of_declaration()),
        ),
        Tile(
            "instructions_unassigned", "指令待分派", "Instructions unassigned", "instruction",
            Instruction.district_code, Instruction.id, _instructions(Instruction.status == "pending"),
        ),
        Tile(
            "instructions_assigned", "指令已分派", "Instructions assigned", "instruction",
            Instruction.district_code, Instruction.id, _instructions(Instruction.status == "assigned"),
        ),
        Tile(
            "instructions_in_progress", "指令执行中", "Instructions in progress", "instruction",
            Instruction.district_code, Instruction.id,
            _instructions(Instruction.status.in_(("accepted", "in_progress"))),
        ),
        Tile(
            "instructions_overdue", "指令超时", "Instructions overdue", "instruction",
            Instruction.district_code, Instruction.id, _instructions(overdue=True),
        ),
        Tile(
            "appointments_requested", "预约待确认", "Appointments awaiting confirmation", "appointment",
            Appointment.district_code, Appointment.id, _appointments_requested,
        ),
        Tile(
            "e_records_expiring", "电子底账 7 日内到期", "E-records expiring within 7 days", "e_record",
            Declaration.district_code, ERecord.id, _e_records_expiring,
        ),
        Tile(
            "certificates_referred", "证书转人工审核", "Certificate applications referred to an officer",
            "certificate_application", CertificateApplication.district_code, CertificateApplication.id,
            _certificate_applications_referred,
        ),
        Tile(
            "blank_stock_requested", "空白证书申请待处理", "Blank-paper requests open", "blank_stock",
            BlankStock.district_code, BlankStock.id, _blank_stock_open,
        ),
    )
}
