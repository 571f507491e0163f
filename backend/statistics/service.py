"""Use cases of statistics: one read-only function per page, and the export of any of their tables."""

from __future__ import annotations

from backend.core.auth import Actor
from backend.core.exports import Table, csv_file, xlsx_file
from backend.core.permissions import narrowed_districts
from backend.statistics import durations, figures, timeliness
from backend.statistics.counts import figure_trend
from backend.statistics.rollup import receipt_trend
from backend.statistics.sql import Filters, buckets_between
from backend.statistics.tables import table

GROUP_TITLES = {
    "district": ("关区", "District"),
    "inspector": ("查检人员", "Inspector"),
    "hs_chapter": ("HS 章", "HS chapter"),
    "channel": ("渠道", "Channel"),
}


def resolve_filters(actor: Actor, args: dict) -> Filters:
    """The request's filters with the district expanded to its subordinates, checked against scope."""
    districts = narrowed_districts(actor, args.get("district"))  # 403 scope.district_outside
    return Filters(
        date_from=args["date_from"],
        date_to=args["date_to"],
        districts=None if districts is None else tuple(sorted(districts)),
        enterprise_id=args.get("enterprise_id"),
        hs_chapter=args.get("hs_chapter"),
        destination_country=args.get("destination_country"),
        certificate_type=args.get("certificate_type"),
        channel=args.get("channel"),
    )


def _answer(filters: Filters, tables: list[dict], **extra) -> dict:
    return {
        "filters": [{"label": label, "value": value} for label, value in filters.describe()],
        "tables": tables,
        **extra,
    }


def statistics_overview(*, actor: Actor, **args) -> dict:
    """查询统计: every figure of the period for the caller's districts."""
    filters = resolve_filters(actor, args)
    return _answer(filters, figures.overview(filters))


def _trend_series(filters: Filters, granularity: str) -> dict[str, dict[str, int]]:
    series: dict[str, dict[str, int]] = {}
    names = {"SUBMITTED": "submitted", "ACCEPTED": "accepted", "E_RECORD_ISSUED": "e_records"}
    for (key, code), count in receipt_trend(filters, tuple(names), granularity).items():
        series.setdefault(key, {})[names[code]] = count
    for key, count in figure_trend("instruction", filters, granularity).items():
        series.setdefault(key, {})["instructions"] = count
    return series


def statistics_trend(*, actor: Actor, granularity: str = "day", **args) -> dict:
    """Submitted, accepted, instructions and e-records per day, week (from Monday) or month."""
    filters = resolve_filters(actor, args)
    series = _trend_series(filters, granularity)
    keys = ("submitted", "accepted", "instructions", "e_records")
    rows = [
        {"bucket": key, **{name: series.get(key, {}).get(name, 0) for name in keys}}
        for key in buckets_between(filters.date_from, filters.date_to, granularity)
    ]
    title = {
        "day": ("按日趋势", "Trend by day"),
        "week": ("按周趋势", "Trend by week"),
        "month": ("按月趋势", "Trend by month"),
    }[granularity]
    return _answer(filters, [table("trend", rows, title=title)], granularity=granularity)


def statistics_timeliness(*, actor: Actor, group_by: str = "district", **args) -> dict:
    """时效: stage durations (count, median, p90) by group, the distribution, and the late cases."""
    filters = resolve_filters(actor, args)
    stage_labels = {stage: (zh, en) for stage, _, _, zh, en in timeliness.STAGES}
    by_group, bands = durations.stage_durations_and_distribution(filters, group_by)
    by_stage = [
        {**row, "stage_name": f"{stage_labels[row['stage']][0]} {stage_labels[row['stage']][1]}"}
        for row in by_group
    ]
    group_column = ("group", *GROUP_TITLES[group_by])
    tables = [
        table("durations", by_stage, first_column=group_column),
        table("distribution", bands),
        table("overdue", timeliness.overdue(filters)),
    ]
    return _answer(filters, tables, group_by=group_by)


def _page(actor: Actor, page: str, args: dict) -> dict:
    if page == "trend":
        return statistics_trend(actor=actor, **args)
    if page == "timeliness":
        return statistics_timeliness(actor=actor, **args)
    return statistics_overview(actor=actor, **args)


def export_statistics(*, actor: Actor, table: str, file_format: str, **args) -> tuple[bytes, str]:
    """A page (all its tables) or one table of it as CSV or XLSX, the filters written at the top.

    `table` is a page name (overview, trend, timeliness) or "page.table" (overview.by_district).
    """
    page, _, name = table.partition(".")
    granularity, group_by = args.pop("granularity", "day"), args.pop("group_by", "district")
    if page == "trend":
        args["granularity"] = granularity
    elif page == "timeliness":
        args["group_by"] = group_by
    answer = _page(actor, page, args)
    tables = [t for t in answer["tables"] if not name or t["name"] == name]
    lines = [(line["label"], line["value"]) for line in answer["filters"]]
    title = f"查检 Chajian 查询统计 statistics — {table}"
    sheets = [
        Table(
            [(column["key"], f"{column['zh']} {column['en']}") for column in t["columns"]],
            t["rows"],
            name=t["name"],
            title=f"{t['title_zh']} {t['title_en']}",
        )
        for t in tables
    ]
    if file_format == "csv":
        return csv_file(sheets, lines, title=title), f"statistics-{table}.csv"
    return xlsx_file(sheets, lines, title=title), f"statistics-{table}.xlsx"
