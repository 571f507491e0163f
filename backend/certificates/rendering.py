"""The printable certificate: a one-page bilingual PDF with an embedded CJK font and a QR seal.

`render_certificate_pdf(content, seal=…, variant=…, base_url=…)` takes the plain certificate content
(a CertificateContent or its dict form, e.g. the frozen JSON of an issued certificate) and returns
PDF bytes. What a type prints — its title, certification statement, goods columns and own fields —
comes from the catalog entry, not from branches here.

Variants: `original`, `copy` (副本 COPY), `duplicate_original` (a second original, marked
副本（重复正本）DUPLICATE ORIGINAL) and `draft` (草稿 DRAFT, no seal needed). The watermark text is
real text, so it is in the PDF's text layer as well as on paper.
"""

from __future__ import annotations

import logging

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from backend.certificates import pdf_fonts
from backend.certificates.catalog import CertificateTypeSpec, type_spec
from backend.certificates.content import CertificateContent, format_decimal
from backend.certificates.fonts import find_cjk_font, font_for, text_characters  # noqa: F401 (re-exported)
from backend.certificates.sealing import Seal, qr_text, verification_url

# fontTools reports every bitmap table it drops while subsetting WenQuanYi; that is expected.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

VARIANTS = {
    "original": ("正本", "ORIGINAL", None),
    "copy": ("副本", "COPY", "副本 COPY"),
    "duplicate_original": ("副本（重复正本）", "DUPLICATE ORIGINAL", "副本（重复正本）DUPLICATE ORIGINAL"),
    "draft": ("草稿", "DRAFT", "草稿 DRAFT"),
}

GOODS_COLUMNS = {
    "description": ("货物名称 Description of goods", 62),
    "hs_code": ("HS编码 HS code", 22),
    "quantity": ("数量 Quantity", 26),
    "net_weight": ("净重 Net weight", 28),
    "packages": ("包装 Packages", 30),
}


class _CertificatePDF(FPDF):
    """Watermark on every page; long goods lists continue on a page headed with the number."""

    watermark: str | None = None
    certificate_no: str = ""

    def header(self):
        if self.watermark:
            _watermark(self, self.watermark)
        if self.page_no() > 1:
            self.set_font("cjk", size=8)
            self.cell(0, 5, f"编号 No.: {self.certificate_no}（续页 continued）",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def footer(self):
        self.set_y(-9)
        self.set_font("cjk", size=7)
        self.set_text_color(110)
        self.cell(0, 4, f"第 {self.page_no()} 页 共 {{nb}} 页  Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def _goods_cell(line: dict, column: str) -> str:
    if column == "description":
        parts = [line.get("description_zh"), line.get("description_en"), line.get("scientific_name")]
        return "\n".join(p for p in parts if p)
    if column == "hs_code":
        return line.get("hs_code", "")
    if column == "quantity":
        return f"{format_decimal(line.get('quantity'))} {line.get('quantity_unit', '')}".strip()
    if column == "net_weight":
        return f"{format_decimal(line.get('net_weight'))} {line.get('weight_unit', '')}".strip()
    if column == "packages":
        kind = line.get("package_kind_zh") or line.get("package_kind") or ""
        return f"{line.get('packages', '')} {kind}".strip()
    return str(line.get(column, ""))


def _party_text(party: dict) -> str:
    keys = ("name_zh", "name_en", "address_zh", "address_en")
    return "\n".join(party[k] for k in keys if party.get(k))


def _label(pdf: FPDF, zh: str, en: str, width: float) -> None:
    pdf.set_font("cjk", size=7.5)
    pdf.set_text_color(80)
    pdf.cell(width, 4, f"{zh} {en}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def _watermark(pdf: FPDF, text: str) -> None:
    # Horizontal, so text extraction (and screen readers) read the mark as one phrase.
    pdf.set_font("cjk", size=40)
    if pdf.get_string_width(text) > 180:  # the long duplicate-original mark still fits the page
        pdf.set_font("cjk", size=40 * 180 / pdf.get_string_width(text))
    pdf.set_text_color(215)
    for y in (120, 205):
        pdf.text(105 - pdf.get_string_width(text) / 2, y, text)
    pdf.set_text_color(0)


def _header(pdf: FPDF, content: dict, spec: CertificateTypeSpec, variant: str) -> None:
    zh_mark, en_mark, _ = VARIANTS[variant]
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 5, f"中华人民共和国{content['district_name_zh']}", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=8)
    pdf.cell(0, 4, f"{content['district_name_en'].upper()}, THE PEOPLE'S REPUBLIC OF CHINA", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 9, spec.layout.get("title_zh", spec.name_zh), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 6, spec.layout.get("title_en", spec.name_en), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=9)
    number = content.get("certificate_no") or "—"
    pdf.cell(95, 6, f"编号 No.: {number}", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(0, 6, f"{zh_mark} {en_mark}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _parties_and_transport(pdf: FPDF, content: dict) -> None:
    pdf.set_font("cjk", size=8.5)
    rows = [
        ("发货人 Consignor", _party_text(content.get("consignor", {}))),
        ("收货人 Consignee", _party_text(content.get("consignee", {}))),
    ]
    destination = " ".join(
        x for x in (content.get("destination_country_zh"), content.get("destination_country_en")) if x
    )
    transport = [
        ("输往国家或地区 Country of destination", destination),
        ("启运地 Place of despatch", content.get("port_of_departure", "")),
        ("到达口岸 Port of destination", content.get("port_of_destination", "")),
        ("运输工具 Means of conveyance", content.get("means_of_conveyance", "")),
        ("标记及号码 Marks & numbers", content.get("marks", "")),
    ]
    with pdf.table(col_widths=(52, 138), line_height=4.2, first_row_as_headings=False, padding=1,
                   text_align="LEFT") as table:
        for label, value in rows + [t for t in transport if t[1]]:
            row = table.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(2)


def _goods(pdf: FPDF, content: dict, spec: CertificateTypeSpec) -> None:
    columns = [c for c in spec.layout.get("goods_columns", GOODS_COLUMNS) if c in GOODS_COLUMNS]
    widths = [GOODS_COLUMNS[c][1] for c in columns]
    scale = 190 / sum(widths)
    pdf.set_font("cjk", size=8)
    with pdf.table(col_widths=[w * scale for w in widths], line_height=4, padding=1,
                   text_align="LEFT", headings_style=FontFace(emphasis="", fill_color=235)) as table:
        heading = table.row()
        for column in columns:
            heading.cell(GOODS_COLUMNS[column][0])
        for line in content.get("goods", []):
            row = table.row()
            for column in columns:
                row.cell(_goods_cell(line, column))
    pdf.ln(2)


def _statement_and_fields(pdf: FPDF, content: dict, spec: CertificateTypeSpec) -> None:
    pdf.set_font("cjk", size=8.5)
    pdf.multi_cell(0, 4.2, spec.layout.get("statement_zh", ""), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 3.8, spec.layout.get("statement_en", ""), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    values = content.get("fields", {})
    present = [f for f in spec.fields if values.get(f.key)]
    if present:
        per_row = max(1, int(spec.layout.get("field_columns", 1)))
        label_w, value_w = (42, 53) if per_row == 2 else (52, 138)
        pdf.set_font("cjk", size=8.5)
        with pdf.table(col_widths=(label_w, value_w) * per_row, line_height=4.2, padding=1,
                       first_row_as_headings=False, text_align="LEFT") as table:
            for start in range(0, len(present), per_row):
                row = table.row()
                chunk = present[start:start + per_row]
                for field in chunk:
                    row.cell(f"{field.label_zh} {field.label_en}")
                    value = values[field.key]
                    row.cell(format_decimal(value) if field.kind == "decimal" else value)
                for _ in range(per_row - len(chunk)):
                    row.cell("")
                    row.cell("")
    if content.get("remarks"):
        pdf.ln(1)
        _label(pdf, "备注", "Remarks", 0)
        pdf.set_font("cjk", size=8.5)
        pdf.multi_cell(0, 4.2, content["remarks"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _footer(pdf: FPDF, content: dict, seal: Seal | None, base_url: str, variant: str) -> None:
    qr_size = 38
    top = 297 - 12 - qr_size - 6
    pdf.set_auto_page_break(auto=False)
    if pdf.get_y() + 3 > top:  # no room left for the issue block and the QR code
        pdf.add_page()
    pdf.set_xy(10, top)
    pdf.set_font("cjk", size=8.5)
    lines = [
        f"签证地点 Place of issue: {content.get('issue_place_zh', '')} {content.get('issue_place_en', '')}",
        f"签证日期 Date of issue: {content.get('issue_date', '')}",
        f"授权签字人 Authorized officer: {content.get('signatory', '')}",
    ]
    if seal is not None:
        lines.append(f"电子签章 Electronic seal: {seal.alg} · {seal.key_id}")
        lines.append(f"验证 Verify: {verification_url(base_url, content['certificate_no'])}")
    else:
        lines.append("未签发，不具效力 Not issued, not valid")
    for line in lines:
        pdf.cell(140, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if seal is not None and variant != "draft":
        image = qrcode.make(
            qr_text(base_url, content, seal), error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
            box_size=4,
        ).get_image()
        pdf.image(image, x=200 - qr_size, y=top - 2, w=qr_size, h=qr_size)
        pdf.set_xy(200 - qr_size, top - 2 + qr_size)
        pdf.set_font("cjk", size=7)
        pdf.cell(qr_size, 4, "扫码验证 Scan to verify", align="C")


def render_certificate_pdf(
    content: CertificateContent | dict,
    *,
    seal: Seal | dict | None,
    base_url: str,
    variant: str = "original",
    spec: CertificateTypeSpec | None = None,
) -> bytes:
    """One A4 page: header, parties, goods, the type's statement and fields, issue data, QR seal."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {sorted(VARIANTS)}")
    data = content.to_dict() if isinstance(content, CertificateContent) else dict(content)
    if isinstance(seal, dict):
        seal = Seal.from_dict(seal)
    if seal is None and variant != "draft":
        raise ValueError("only a draft may be rendered without a seal")
    spec = spec or type_spec(data["type_code"])
    # The cached GB2312-sized subset when it holds every character printed, else the full font (fonts.py).
    font_path, font_index = font_for(text_characters(data, spec.as_row(), VARIANTS[variant]))
    pdf = _CertificatePDF(format="A4")
    pdf.set_title(f"{spec.name_zh} {spec.name_en} {data.get('certificate_no', '')}".strip())
    pdf.set_creator("Chajian 查检")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf_fonts.add_font(pdf, "cjk", font_path, font_index)  # parsed once per process (pdf_fonts.py)
    pdf.watermark = VARIANTS[variant][2]
    pdf.certificate_no = data.get("certificate_no") or ""
    pdf.add_page()
    _header(pdf, data, spec, variant)
    _parties_and_transport(pdf, data)
    _goods(pdf, data, spec)
    _statement_and_fields(pdf, data, spec)
    _footer(pdf, data, seal, base_url, variant)
    return bytes(pdf.output(output_producer_class=pdf_fonts.CachedFontsProducer))
