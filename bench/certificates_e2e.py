"""云签发 end to end: certificates issued per second (apply → intelligent review → number + seal → PDF)
beside the bare rendering costs measured in the same run, and the p95 time from application to issued.

    .venv/bin/python -m bench.certificates_e2e [--count 30] [--database-url URL]

Runs in-process against a fresh database (a temporary SQLite file unless --database-url names an empty
database), built with create_all and the seeded catalogs. Each certificate is for its own declaration
and e-record, so every application passes all eight rules and is issued at once. Printed lines:

- end to end: create the draft, submit (rules, number, seal, store, receipts, audit), render the PDF;
- application → issued: create + submit only (what the enterprise waits for before it can print);
- renderer alone, with the cached subset font (fonts.py) and with the full 17 MB font (the old path);
- bare fpdf2: the same page's text written with multi_cell in a plain FPDF, subset font — the floor.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    rate = len(ordered) / sum(ordered)
    return (
        f"{rate:7.2f}/s   median {statistics.median(ordered) * 1000:8.1f} ms   "
        f"p95 {p95 * 1000:8.1f} ms   n={len(ordered)}"
    )


def _bare_fpdf2(content: dict, font_path: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=font_path)
    pdf.add_page()
    pdf.set_font("cjk", size=9)
    lines = [
        content["district_name_zh"],
        content["certificate_no"],
        content["consignor"].get("name_zh", ""),
        content["consignee"].get("name_en", ""),
    ]
    lines += [
        f"{g['description_zh']} {g.get('hs_code', '')} {g.get('quantity', '')}" for g in content["goods"]
    ]
    lines += [f"{k}: {v}" for k, v in content.get("fields", {}).items()]
    for line in lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _setup(count: int):
    from backend.core.auth import Actor
    from backend.core.enums import Assurance, Role
    from backend.extensions import db
    from tests.helpers import make_declaration, make_enterprise, make_stored_e_record, make_user

    enterprise = make_enterprise(customs_code="4403960001", name_zh="深圳竹韵家居有限公司")
    user = make_user(Role.ENTERPRISE, enterprise=enterprise)
    records = [
        make_stored_e_record(make_declaration(enterprise, status="e_record_issued")).e_record_no
        for _ in range(count)
    ]
    actor = Actor(
        user.id, user.username, Role.ENTERPRISE, Assurance.KEY, enterprise.id, None, "bench", enterprise.district_code
    )
    db.session.remove()
    return actor, records


def run(count: int, database_url: str) -> None:
    from flask import current_app

    from backend.certificate_applications.service import create_application, submit_application
    from backend.certificates import fonts
    from backend.certificates.models import Certificate
    from backend.certificates.rendering import render_certificate_pdf
    from backend.extensions import db
    from bench.seeded import seeded_app
    from tests.certificates_shared.fixtures import phyto_form

    with seeded_app(database_url):
        start = time.perf_counter()
        fonts._fast_font()
        font_build = time.perf_counter() - start
        actor, records = _setup(count)
        base_url = current_app.config["PUBLIC_BASE_URL"]
        end_to_end, to_issued, contents = [], [], []
        for e_record_no in records:
            start = time.perf_counter()
            draft = create_application(
                actor=actor, e_record_no=e_record_no, type_code="18", form=phyto_form()
            )
            application = submit_application(actor=actor, application_id=draft.id)
            issued_at = time.perf_counter()
            assert application.status == "issued", application.rule_results
            certificate = db.session.get(Certificate, application.certificate_id)
            render_certificate_pdf(
                certificate.content, seal=certificate.seal, variant="copy", base_url=base_url
            )
            end = time.perf_counter()
            end_to_end.append(end - start)
            to_issued.append(issued_at - start)
            contents.append((certificate.content, certificate.seal))
            db.session.remove()
        content, seal = contents[-1]
        renders = max(5, count // 3)
        fast_render = []
        for _ in range(renders):
            start = time.perf_counter()
            render_certificate_pdf(content, seal=seal, variant="copy", base_url=base_url)
            fast_render.append(time.perf_counter() - start)
        fast_path = fonts._fast_font()[0]
        bare = []
        for _ in range(renders):
            start = time.perf_counter()
            _bare_fpdf2(content, fast_path)
            bare.append(time.perf_counter() - start)
        full_render, cached = [], fonts._fast_font
        fonts._fast_font = lambda: None  # the renderer as it was: the full font for every document
        try:
            for _ in range(max(3, renders // 2)):
                start = time.perf_counter()
                render_certificate_pdf(content, seal=seal, variant="copy", base_url=base_url)
                full_render.append(time.perf_counter() - start)
        finally:
            fonts._fast_font = cached
        db.session.remove()
        db.engine.dispose()

    print(f"database: {database_url.split('://')[0]}   certificates: {count}")
    print(f"subset font build (once per machine, cached in the temp dir): {font_build:.2f} s")
    print(f"end to end: apply → rules → seal → PDF   {_stats(end_to_end)}")
    print(f"application → issued (no PDF)            {_stats(to_issued)}")
    print(f"renderer alone, cached subset font       {_stats(fast_render)}")
    print(f"renderer alone, full font (before)       {_stats(full_render)}")
    print(f"bare fpdf2 page text, subset font        {_stats(bare)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp:
        run(args.count, args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")


if __name__ == "__main__":
    main()
