"""Demo data: two enterprises with qualifications and one user per role (idempotent)."""

from __future__ import annotations

import os
import secrets
from datetime import date

from backend.core.enums import Role
from backend.extensions import db
from backend.identity.models import Enterprise, Qualification, User
from backend.identity.passwords import hash_password
from backend.seeds import seed_all_catalogs

ENTERPRISES = [
    {
        "customs_code": "4403960ABC",
        "name_zh": "深圳市竹韵家居用品有限公司",
        "name_en": "Shenzhen Zhuyun Household Products Co., Ltd.",
        "credit_grade": "general",
        "district_code": "5300",
        "address": "深圳市龙岗区坂田街道雪岗路 88 号",
        "qualifications": [
            ("BWG_PRODUCER", "4403BWG0001", "深圳市竹韵家居用品有限公司"),
            ("FOOD_PRODUCER", "4403FP00123", "深圳市竹韵家居用品有限公司"),
        ],
    },
    {
        "customs_code": "4403961XYZ",
        "name_zh": "深圳市海鲜冷链进出口有限公司",
        "name_en": "Shenzhen Seafood Cold Chain Import & Export Co., Ltd.",
        "credit_grade": "advanced",
        "district_code": "5300",
        "address": "深圳市南山区蛇口港湾大道 2 号",
        "qualifications": [
            ("AQUATIC_PRODUCER", "4403AQ00077", "深圳市海鲜冷链进出口有限公司"),
            ("HONEY_PRODUCER", "4403HN00009", "深圳市海鲜冷链进出口有限公司"),
        ],
    },
]

# username, role, display name, enterprise index or None, district
USERS = [
    ("ent-demo", Role.ENTERPRISE, "竹韵报关员 王丽", 0, None),
    ("ent2-demo", Role.ENTERPRISE, "海鲜冷链报关员 陈强", 1, None),
    ("reviewer-demo", Role.REVIEWER, "单证审核 李审", None, "5300"),
    ("inspector-demo", Role.INSPECTOR, "查检员 张检", None, "5300"),
    ("certofficer-demo", Role.CERTIFICATE_OFFICER, "签证官 刘证", None, "5300"),
    ("supervisor-demo", Role.SUPERVISOR, "科长 赵督", None, "5300"),
    ("admin-demo", Role.ADMINISTRATOR, "系统管理员 周管", None, "5300"),
    # Levels of customs: an inspector and a supervisor of a 隶属海关 (皇岗), and the national level.
    ("inspector5301-demo", Role.INSPECTOR, "皇岗查检员 孙检", None, "5301"),
    ("supervisor5301-demo", Role.SUPERVISOR, "皇岗科长 钱督", None, "5301"),
    ("national-demo", Role.SUPERVISOR, "总署督查 吴总", None, "0000"),
    ("national-admin-demo", Role.ADMINISTRATOR, "总署管理员 郑管", None, "0000"),  # time limits, calendar
]


def load_demo_data(*, only_if_empty: bool = False) -> list[str]:
    """Create what is missing; returns lines to print (the password when it was generated)."""
    seed_all_catalogs()
    password = os.environ.get("DEMO_PASSWORD") or None
    if only_if_empty and db.session.execute(db.select(User.id).limit(1)).first():
        if password is None:
            db.session.commit()
            return [
                "demo data: database already has users, left as it is (set DEMO_PASSWORD to reset theirs)"
            ]
        demo_names = [username for username, *_ in USERS]
        new_hash = hash_password(password)
        users = db.session.execute(db.select(User).where(User.username.in_(demo_names))).scalars().all()
        for user in users:
            user.password_hash = new_hash
        db.session.commit()
        if not users:
            return ["demo data: database already has users and no demo users, left as it is"]
        return [f"demo data present; DEMO_PASSWORD set for {len(users)} demo users"]
    lines = []
    if password is None:
        password = secrets.token_urlsafe(9)
        lines.append(f"demo password (random, set DEMO_PASSWORD to choose): {password}")
    enterprises = []
    for spec in ENTERPRISES:
        ent = db.session.execute(
            db.select(Enterprise).where(Enterprise.customs_code == spec["customs_code"])
        ).scalar_one_or_none()
        if ent is None:
            fields = {k: v for k, v in spec.items() if k != "qualifications"}
            ent = Enterprise(**fields)
            db.session.add(ent)
            db.session.flush()
            for type_code, number, holder in spec["qualifications"]:
                db.session.add(
                    Qualification(
                        enterprise_id=ent.id, type_code=type_code, number=number, holder_name=holder,
                        valid_from=date(2025, 1, 1), valid_until=date(2029, 12, 31),
                    )
                )
        enterprises.append(ent)
    password_hash = hash_password(password)
    for username, role, display, ent_index, district in USERS:
        user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            enterprise = enterprises[ent_index] if ent_index is not None else None
            db.session.add(
                User(
                    username=username, role=str(role), display_name=display,
                    enterprise_id=enterprise.id if enterprise else None,
                    district_code=district,
                    password_hash=password_hash,
                )
            )
            lines.append(f"demo user {username} ({role})")
        elif os.environ.get("DEMO_PASSWORD"):
            user.password_hash = password_hash
    db.session.commit()
    if len(lines) <= 1 and lines and lines[0].startswith("demo password"):
        lines = ["demo data present; passwords unchanged (set DEMO_PASSWORD to reset them)"]
    return lines or ["demo data present"]
