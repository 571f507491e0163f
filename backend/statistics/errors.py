"""Error codes of statistics."""

from backend.errors import register_errors

register_errors(
    {
        "statistics.district_out_of_scope": (
            403,
            "关区 {district} 不在您的查看范围内。",
            "District {district} is outside what you may see.",
        ),
    }
)
