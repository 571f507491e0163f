"""The tables of blank paper: the only code that changes the status of a blank-paper request, a sheet
or a reprint request, through backend.core.statemachine.

- BlankStock:     requested → allocated → received | refused (the district's counter stock is created
                  received at once)
- BlankSheet:     available → printed (an original, exactly once) → spoiled; available → spoiled
- ReprintRequest: requested → approved → used (by one more original) | rejected
"""

from __future__ import annotations

from backend.blank_stock import errors  # noqa: F401  (error codes registered)
from backend.core.statemachine import StateMachine

_STOCK_TARGETS = {"allocate": "allocated", "refuse": "refused", "receive": "received"}
STOCK = StateMachine(
    "blank_stock",
    {
        ("requested", "allocate"): "allocated",
        ("requested", "refuse"): "refused",
        ("allocated", "receive"): "received",
    },
    initial=("requested", "received"),
    refusal_detail=lambda stock, status, event: {"status": status, "to": _STOCK_TARGETS[event]},
)

SHEET = StateMachine(
    "blank_sheet",
    {
        ("available", "print"): "printed",
        ("available", "spoil"): "spoiled",
        ("printed", "spoil"): "spoiled",
    },
    initial="available",
    error="blank_stock.sheet_unavailable",
    refusal_detail=lambda sheet, status, event: {"status": status, "serial": sheet.serial},
)

REPRINT = StateMachine(
    "reprint_request",
    {
        ("requested", "approve"): "approved",
        ("requested", "reject"): "rejected",
        ("approved", "use"): "used",
    },
    initial="requested",
    error="certificate_print.invalid_transition",
    refusal_detail=lambda request, status, event: {"status": status},
)
