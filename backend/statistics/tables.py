"""What each statistics table is called and which columns it has (zh and en), in one catalogue.

Every figure is answered as a table {name, title_zh, title_en, columns, rows}; the PWA draws its charts
from the rows and shows the table beside them, and the exports write the same tables to CSV and XLSX.
"""

from __future__ import annotations

COUNT = ("count", "数量", "Count")
APPLICATION_COLUMNS = [
    ("submitted", "提交", "Submitted"),
    ("accepted", "受理（报检成功）", "Accepted"),
    ("returned", "退回", "Returned"),
    ("rejected", "不予受理", "Rejected"),
    ("withdrawn", "撤回", "Withdrawn"),
    ("instructions", "查检指令", "Instructions"),
    ("inspection_rate", "查检率", "Inspection rate"),
]
E_RECORD_COLUMNS = [
    ("issued", "签发", "Issued"),
    ("used", "已使用", "Used"),
    ("expired", "过期", "Expired"),
    ("voided", "作废", "Voided"),
]

# name → (title zh, title en, columns); "group" of the durations is renamed per grouping.
TABLES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "applications": ("出境检验检疫申请", "Applications", APPLICATION_COLUMNS),
    "by_district": (
        "分关区",
        "By district",
        [("district", "关区", "District"), ("district_name", "名称", "Name"), *APPLICATION_COLUMNS],
    ),
    "funnel": ("业务链漏斗", "Funnel of the chain", [("label", "环节", "Stage"), COUNT]),
    "inspections": (
        "查检结果与处置",
        "Inspection results and dispositions",
        [("conclusion", "结论", "Conclusion"), ("disposition", "处置", "Disposition"), COUNT],
    ),
    "e_records": ("电子底账", "E-records", E_RECORD_COLUMNS),
    "certificates": (
        "证书（按类型）",
        "Certificates by type",
        [
            ("type_code", "类型", "Type"),
            ("type_name", "名称", "Name"),
            ("issued", "签发", "Issued"),
            ("auto_issued", "智能审核自动签发", "Issued automatically"),
            ("referred", "转人工", "Referred"),
            ("auto_rate", "自动签发率", "Automatic rate"),
        ],
    ),
    "failed_rules": (
        "智能审核未通过最多的规则",
        "Most-failed intelligent review rules",
        [("rule", "规则", "Rule"), ("failures", "未通过次数", "Failures")],
    ),
    "risk_rules": (
        "布控规则命中",
        "Risk rules",
        [
            ("rule_id", "规则", "Rule"),
            ("rule_version", "版本", "Version"),
            ("rule_name", "名称", "Name"),
            ("hits", "命中", "Hits"),
            ("selected", "布控", "Selected"),
            ("inspected", "已查检", "Inspected"),
            ("failed", "不合格", "Failed"),
            ("selection_rate", "布控率", "Selection rate"),
            ("fail_rate", "不合格率", "Fail rate"),
        ],
    ),
    "blank_stock": (
        "空白证书库存（当前）",
        "Blank paper in stock (now)",
        [
            ("enterprise_id", "企业", "Enterprise"),
            ("enterprise_name", "名称", "Name"),
            ("type_code", "类型", "Type"),
            ("allocated", "已分配", "Allocated"),
            ("received", "已领取", "Received"),
            ("printed", "已打印", "Printed"),
            ("spoiled", "已作废", "Spoiled"),
            ("remaining", "剩余", "Remaining"),
            ("anomalies", "异常", "Anomalies"),
        ],
    ),
    "trend": (
        "趋势",
        "Trend",
        [
            ("bucket", "期间", "Period"),
            ("submitted", "提交", "Submitted"),
            ("accepted", "受理", "Accepted"),
            ("instructions", "查检指令", "Instructions"),
            ("e_records", "电子底账", "E-records"),
        ],
    ),
    "durations": (
        "各环节用时（小时）",
        "Stage durations (hours)",
        [
            ("group", "分组", "Group"),
            ("group_name", "名称", "Name"),
            ("stage_name", "环节", "Stage"),
            ("count", "件数", "Cases"),
            ("median_hours", "中位数", "Median"),
            ("p90_hours", "90 分位", "90th percentile"),
        ],
    ),
    "distribution": (
        "提交至电子底账用时分布",
        "Submitted to e-record: distribution",
        [("band", "用时", "Duration"), ("count", "件数", "Cases")],
    ),
    "overdue": (
        "超时限案件",
        "Cases over their deadline",
        [
            ("inspection_no", "检验检疫编号", "Inspection no."),
            ("district", "关区", "District"),
            ("late_stage_name", "超时环节", "Late stage"),
            ("deadline", "时限", "Deadline"),
            ("done_at", "完成时间", "Done at"),
        ],
    ),
}
PAGES = {
    "overview": (
        "applications",
        "by_district",
        "funnel",
        "inspections",
        "e_records",
        "certificates",
        "failed_rules",
        "risk_rules",
        "blank_stock",
    ),
    "trend": ("trend",),
    "timeliness": ("durations", "distribution", "overdue"),
}
EXPORTABLE = (*PAGES, *(f"{page}.{name}" for page, names in PAGES.items() for name in names))


def table(name: str, rows: list[dict], *, title: tuple[str, str] | None = None, first_column=None) -> dict:
    """The table `name` of the catalogue with these rows (a title or first column may be given)."""
    title_zh, title_en, columns = TABLES[name]
    if title is not None:
        title_zh, title_en = title
    if first_column is not None:
        columns = [first_column, *columns[1:]]
    return {
        "name": name,
        "title_zh": title_zh,
        "title_en": title_en,
        "columns": [{"key": key, "zh": zh, "en": en} for key, zh, en in columns],
        "rows": rows,
    }
