"""Error codes of the catalogues."""

from backend.errors import register_errors

register_errors(
    {
        "catalog.unknown_table": (404, "没有代码表 {table}。", "There is no code table {table}."),
        "catalog.file_invalid": (
            422,
            "导入文件有 {count} 处错误，整个文件未导入；请按行修改后重新上传。",
            "The import file has {count} problem(s); nothing was imported. Fix the rows named and retry.",
        ),
        "catalog.import_applied": (
            409,
            "该导入已于第 {number} 版生效，不能再次应用。",
            "This import was already applied as version {number}.",
        ),
        "catalog.effective_date_before_current": (
            409,
            "生效日期 {effective_date} 早于当前版本（第 {number} 版，{current} 起施行）。",
            "The effective date {effective_date} is before the current version {number} ({current}).",
        ),
    }
)
