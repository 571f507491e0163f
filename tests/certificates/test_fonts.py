"""The cached subset font: used when it holds every printed character, the full font otherwise, and the
printed text is the same either way."""

import dataclasses
import subprocess

from fontTools import ttLib

from backend.certificates import fonts, pdf_fonts
from backend.certificates.content import Party
from backend.certificates.rendering import render_certificate_pdf
from tests.certificates.test_rendering import pdf_text
from tests.certificates_shared.samples import sample_content


def _rare_character() -> str:
    """A character the full font has and the subset does not (outside GB2312)."""
    path, index = fonts.find_cjk_font()
    full = ttLib.TTFont(path, fontNumber=index, lazy=True).getBestCmap()
    _, fast = fonts._fast_font()
    return chr(next(cp for cp in sorted(full) if 0x4E00 <= cp <= 0x9FFF and cp not in fast))


def test_the_subset_serves_ordinary_certificates():
    fast_path, cmap = fonts._fast_font()
    content = sample_content("18").to_dict()
    assert fonts.font_for(fonts.text_characters(content)) == (fast_path, 0)
    assert all(ord(ch) in cmap for ch in "中华人民共和国深圳海关植物检疫证书副本重复正本")


def test_a_rare_character_falls_back_to_the_full_font(tmp_path):
    rare = _rare_character()
    assert fonts.font_for({"竹", rare}) == fonts.find_cjk_font()
    content = sample_content("18", consignee=Party(name_zh=f"东京{rare}商事", name_en="Tokyo Trading"))
    text = pdf_text(
        render_certificate_pdf(content, seal=None, variant="draft", base_url="https://x"), tmp_path
    )
    assert f"东京{rare}商事" in text


def test_subset_and_full_font_print_the_same_text(tmp_path, monkeypatch):
    content = dataclasses.replace(sample_content("99"), certificate_no="530026990000001")
    fast = pdf_text(
        render_certificate_pdf(content, seal=None, variant="draft", base_url="https://x"), tmp_path
    )
    monkeypatch.setattr(fonts, "_fast_font", lambda: None)
    full = pdf_text(
        render_certificate_pdf(content, seal=None, variant="draft", base_url="https://x"), tmp_path
    )
    assert fast == full and "通用证书" in fast


def _page_image(pdf: bytes, tmp_path, name: str) -> bytes:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    command = ["pdftoppm", "-r", "60", "-gray", "-singlefile", str(path), str(tmp_path / name)]
    subprocess.run(command, check=True)
    return (tmp_path / f"{name}.pgm").read_bytes()


def test_fonts_parsed_once_print_each_document_as_fpdf2_alone_would(tmp_path, monkeypatch):
    """The cached parse (pdf_fonts.py) prints exactly what fpdf2's own add_font prints, and one
    document's characters never leak into the next one's font."""
    first = sample_content("18", consignee=Party(name_zh="甲乙丙商事", name_en="Alpha Trading"))
    second = sample_content("18", consignee=Party(name_zh="丁戊己贸易", name_en="Delta Trading"))

    def render(content):
        return render_certificate_pdf(content, seal=None, variant="draft", base_url="https://x")

    cached_first, _, cached_again = render(first), render(second), render(first)
    parsed = dict(pdf_fonts._parsed)
    assert render(second) and pdf_fonts._parsed == parsed  # no parse per document
    monkeypatch.setattr(
        pdf_fonts, "add_font",
        lambda pdf, family, path, index=0: pdf.add_font(family, fname=path, collection_font_number=index),
    )
    plain_first = render(first)
    image = _page_image(plain_first, tmp_path, "plain")
    assert _page_image(cached_first, tmp_path, "cached") == image
    assert _page_image(cached_again, tmp_path, "again") == image
    text = pdf_text(cached_again, tmp_path)
    assert "甲乙丙商事" in text and "丁戊己" not in text
