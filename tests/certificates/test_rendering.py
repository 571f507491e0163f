"""The printed certificate: CJK text layer, watermarks, and a QR code that verifies from the public keys."""

import dataclasses
import subprocess
from pathlib import Path

import pytest

from backend.certificates.rendering import render_certificate_pdf
from backend.certificates.sealing import b64url_decode, content_digest, parse_qr_text
from backend.certificates.service import issue_certificate
from tests.certificates_shared.samples import CONSIGNOR_ZH, sample_content

BASE_URL = "https://chajian.example.cn"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def scan_qr(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, "a certificate is one page"
    done = subprocess.run(["zbarimg", "--raw", "-q", str(pages[0])], capture_output=True, check=True)
    return done.stdout.decode("utf-8").strip()


@pytest.fixture
def issued():
    return issue_certificate(actor=None, content=sample_content("18"))


def test_issued_pdf_qr_verifies_against_the_published_key(issued, client, tmp_path):
    pdf = render_certificate_pdf(issued.content, seal=issued.seal, base_url=BASE_URL)
    assert pdf.startswith(b"%PDF") and len(pdf) < 80_000
    scanned = scan_qr(pdf, tmp_path)
    assert scanned.startswith(f"{BASE_URL}/verify/{issued.certificate_no}?s=C1.")
    payload = parse_qr_text(scanned)
    assert payload.certificate_no == issued.certificate_no
    assert payload.digest == content_digest(issued.content) == issued.content_sha256
    published = client.get("/api/v1/certificates/keys").get_json()["keys"]
    keys = {entry["key_id"]: b64url_decode(entry["jwk"]["x"]) for entry in published}
    assert payload.seal.key_id in keys
    assert payload.verify(keys)
    tampered = dict(issued.content, certificate_no=issued.certificate_no)
    tampered["goods"] = [dict(issued.content["goods"][0], net_weight="9000")]
    assert payload.digest != content_digest(tampered)


def test_text_layer_carries_chinese_english_and_the_type_fields(issued, tmp_path):
    text = pdf_text(render_certificate_pdf(issued.content, seal=issued.seal, base_url=BASE_URL), tmp_path)
    for expected in ("植物检疫证书", "PHYTOSANITARY CERTIFICATE", CONSIGNOR_ZH, "深圳海关", "鲜荔枝",
                     "Litchi chinensis Sonn.", "植物学名", "Botanical name", issued.certificate_no, "正本"):
        assert expected in text, expected
    for absent in ("草稿", "DRAFT", "副本", "COPY"):
        assert absent not in text


@pytest.mark.parametrize(
    ("variant", "marks"),
    [
        ("draft", ("草稿", "DRAFT")),
        ("copy", ("副本", "COPY")),
        ("duplicate_original", ("副本（重复正本）", "DUPLICATE ORIGINAL")),
    ],
)
def test_variants_are_watermarked_in_the_text_layer(variant, marks, issued, tmp_path):
    if variant == "draft":
        draft = dataclasses.replace(sample_content("18"), certificate_no="")
        pdf = render_certificate_pdf(draft, seal=None, base_url=BASE_URL, variant="draft")
    else:
        pdf = render_certificate_pdf(issued.content, seal=issued.seal, base_url=BASE_URL, variant=variant)
    text = pdf_text(pdf, tmp_path)
    for mark in marks:
        assert text.count(mark) >= 2, (mark, text)  # the corner label and the watermark


def test_every_type_renders_its_own_title_and_fields(tmp_path):
    for code, title, label in (("11", "品质证书", "检验结果"), ("12", "重量证书", "实际净重"),
                               ("19", "熏蒸/消毒证书", "药剂"), ("99", "通用证书", "证明内容")):
        certificate = issue_certificate(actor=None, content=sample_content(code))
        text = pdf_text(render_certificate_pdf(certificate.content, seal=certificate.seal, base_url=BASE_URL),
                        tmp_path)
        assert title in text and label in text, code


def test_only_drafts_render_without_a_seal():
    with pytest.raises(ValueError):
        render_certificate_pdf(sample_content("18"), seal=None, base_url=BASE_URL)
    with pytest.raises(ValueError):
        render_certificate_pdf(sample_content("18"), seal=None, base_url=BASE_URL, variant="photocopy")


def test_scanned_qr_url_opens_a_page_that_confirms_the_payload(issued, client, tmp_path):
    from urllib.parse import urlsplit

    scanned = urlsplit(scan_qr(render_certificate_pdf(issued.content, seal=issued.seal, base_url=BASE_URL),
                               tmp_path))
    page = client.get(f"{scanned.path}?{scanned.query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "与证书一致" in html and "matches this certificate" in html and "签章有效" in html


def test_long_goods_lists_continue_on_numbered_pages_with_the_seal_at_the_end(tmp_path):
    line = sample_content("18").goods[0]
    goods = tuple(dataclasses.replace(line, description_zh=f"鲜荔枝 第{n}批") for n in range(1, 41))
    certificate = issue_certificate(actor=None, content=sample_content("18", goods=goods))
    seal = certificate.seal
    pdf = render_certificate_pdf(certificate.content, seal=seal, base_url=BASE_URL, variant="copy")
    text = pdf_text(pdf, tmp_path)
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    assert "第40批" in text and "续页 continued" in pages[1]
    assert all(f"共 {len(pages)} 页" in page for page in pages)
    assert text.count("副本 COPY") >= 1 + 2 * len(pages)  # corner label plus the watermarks on every page
    assert "扫码验证" in pages[-1] and "扫码验证" not in pages[0]
