"""The administrator's lists as spreadsheets: users and enterprises of the district, with the same
filters as the lists (at most MAX_EXPORT_ROWS rows, by id)."""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.exports import Table, list_file
from backend.identity import admin_service, users_admin

MAX_EXPORT_ROWS = 20_000

USER_COLUMNS = (
    ("id", "编号 Id"),
    ("username", "用户名 User name"),
    ("display_name", "姓名 Name"),
    ("role", "角色 Role"),
    ("district_code", "关区 District"),
    ("enterprise_id", "企业 Enterprise id"),
    ("active", "启用 Active"),
    ("email", "电子邮件 E-mail"),
    ("phone", "电话 Phone"),
    ("created_at", "创建时间 Created (UTC)"),
)
ENTERPRISE_COLUMNS = (
    ("id", "编号 Id"),
    ("customs_code", "海关编码 Customs code"),
    ("name_zh", "企业名称 Name"),
    ("name_en", "英文名称 English name"),
    ("credit_grade", "信用等级 Credit grade"),
    ("district_code", "关区 District"),
    ("address", "地址 Address"),
    ("contact_name", "联系人 Contact"),
    ("contact_phone", "电话 Phone"),
    ("created_at", "登记时间 Registered (UTC)"),
)


def _file(file_format: str, title: str, columns, objects, filters: dict) -> bytes:
    rows = [{key: getattr(obj, key) for key, _ in columns} for obj in objects]
    return list_file(file_format, Table(columns, rows, name=title), filters)


def export_users(*, actor: Actor, file_format: str, **filters) -> bytes:
    """The district's users the filters find, as CSV or XLSX."""
    users = users_admin.list_users(actor=actor, limit=MAX_EXPORT_ROWS, **filters)
    return _file(file_format, "用户", USER_COLUMNS, users, filters)


def export_enterprises(*, actor: Actor, file_format: str, **filters) -> bytes:
    """The district's enterprises the filters find, as CSV or XLSX."""
    enterprises = admin_service.list_enterprises(actor=actor, limit=MAX_EXPORT_ROWS, **filters)
    return _file(file_format, "企业", ENTERPRISE_COLUMNS, enterprises, filters)
