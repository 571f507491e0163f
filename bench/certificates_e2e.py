"""云签发 end to end: certificates issued per second (apply → intelligent review → number + seal → PDF)
beside a bare fpdf2 page with the same layout and QR code, measured in the same run.

    .venv/bin/python -m bench.certificates_e2e [--count 30] [--database-url URL]
    (or through `python -m bench`, which calls figures(quick) on SQLite and, with BENCH_PG_URL, PostgreSQL)

Runs in-process against a fresh database, built with create_all and the seeded catalogs. Each
certificate is for its own declaration and e-record, so every application passes all eight rules and
is issued at once. Measured:

- end to end: create the draft, submit (rules, number, seal, store, receipts, audit), render the PDF;
- application → issued: create + submit only (what the enterprise waits for before it can print);
- the renderer alone (font parsed once per process, pdf_fonts.py);
- the floor, bare fpdf2: the same page (same layout functions, same QR code) drawn the way fpdf2 does
  it by itself: `add_font` parses the font file for every document and its writer subsets it.
Goal: end to end ≥ 0.6× the bare page's rate.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.summary import Figure, databases, scratch_database


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    rate = len(ordered) / sum(ordered)
    return (
        f"{rate:7.2f}/s   median {statistics.median(ordered) * 1000:8.1f} ms   "
        f"p95 {p95 * 1000:8.1f} ms   n={len(ordered)}"
    )


def _rate(samples: list[float]) -> float:
    return len(samples) / sum(samples)


@contextmanager
def _bare_fpdf2():
    """The certificate page as bare fpdf2 draws it: fpdf2's own add_font (a parse per document) and
    its own writer; same layout, same QR code."""
    from backend.certificates import pdf_fonts

    cached = pdf_fonts.add_font
    pdf_fonts.add_font = lambda pdf, family, path, index=0: pdf.add_font(
        family, fname=path, collection_font_number=index
    )
    try:
        yield
    finally:
        pdf_fonts.add_font = cached


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


def run(count: int, database_url: str) -> dict[str, list[float]]:
    """Issue `count` certificates end to end, each followed by its page as bare fpdf2 draws it and by
    the renderer alone. Returns the samples in seconds."""
    from flask import current_app

    from backend.certificate_applications.service import create_application, submit_application
    from backend.certificates import fonts
    from backend.certificates.models import Certificate
    from backend.certificates.rendering import render_certificate_pdf
    from backend.extensions import db
    from bench.seeded import seeded_app
    from tests.certificates_shared.fixtures import phyto_form

    with seeded_app(database_url):
        fonts._fast_font()  # the subset font file: built once per machine, not part of any figure
        actor, records = _setup(count)
        base_url = current_app.config["PUBLIC_BASE_URL"]
        samples: dict[str, list[float]] = {"end_to_end": [], "to_issued": [], "renderer": [], "bare": []}
        for e_record_no in records:
            start = time.perf_counter()
            draft = create_application(actor=actor, e_record_no=e_record_no, type_code="18", form=phyto_form())
            application = submit_application(actor=actor, application_id=draft.id)
            issued_at = time.perf_counter()
            assert application.status == "issued", application.rule_results
            certificate = db.session.get(Certificate, application.certificate_id)
            render_certificate_pdf(certificate.content, seal=certificate.seal, variant="copy", base_url=base_url)
            samples["end_to_end"].append(time.perf_counter() - start)
            samples["to_issued"].append(issued_at - start)
            content, seal = certificate.content, certificate.seal
            db.session.remove()
            # The floor and the renderer alone, on this same certificate right after it: one after
            # the other, so all three see the same machine load (the machine is shared).
            with _bare_fpdf2():
                start = time.perf_counter()
                render_certificate_pdf(content, seal=seal, variant="copy", base_url=base_url)
                samples["bare"].append(time.perf_counter() - start)
            start = time.perf_counter()
            render_certificate_pdf(content, seal=seal, variant="copy", base_url=base_url)
            samples["renderer"].append(time.perf_counter() - start)
        db.session.remove()
        db.engine.dispose()
    return samples


def _print(label: str, count: int, samples: dict[str, list[float]]) -> None:
    print(f"database: {label}   certificates: {count}")
    print(f"end to end: apply → rules → seal → PDF   {_stats(samples['end_to_end'])}")
    print(f"application → issued (no PDF)            {_stats(samples['to_issued'])}")
    print(f"renderer alone, font parsed once         {_stats(samples['renderer'])}")
    print(f"bare fpdf2 page, same layout and QR      {_stats(samples['bare'])}")


def figures(quick: bool) -> list[Figure]:
    """Certificates/s end to end beside the bare fpdf2 page, on each database."""
    count = 6 if quick else 30
    result = []
    for label in databases():
        with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp, scratch_database(label, tmp) as url:
            samples = run(count, url)
        _print(label, count, samples)
        result.append(Figure.rate_at_least(
            f"certificates/s end to end ({label})", _rate(samples["end_to_end"]), _rate(samples["bare"]),
            0.6, "certificates/s",
        ))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        _print(url.split("://")[0], args.count, run(args.count, url))


if __name__ == "__main__":
    main()
