"""Kinds of documents an enterprise attaches to an application (随附单据).

The customs code tables (countries, ports, units, CIQ codes, certificates, qualification rules) are
versioned catalogues now: backend/catalogs.
"""

from __future__ import annotations

ATTACHMENT_KINDS: dict[str, tuple[str, str]] = {
    "contract": ("合同", "Contract"),
    "invoice": ("发票", "Invoice"),
    "packing_list": ("装箱单", "Packing list"),
    "lc": ("信用证", "Letter of credit"),
    "bill_of_lading": ("提单", "Bill of lading"),
    "other": ("其他", "Other"),
}
