"""Certificate issuance costs: seal, verify, issue (number + seal + store), PDF, ePhyto, QR round trip.

    .venv/bin/python -m bench.certificates [--count 50] [--database-url URL]

Runs in-process against a fresh database (a temporary SQLite file unless --database-url names an empty
database), built with create_all and the seeded catalogs. Prints the median and 95th percentile of
each step in milliseconds, and the size of the PDF.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:8.2f} ms   p95 {p95 * 1000:8.2f} ms   n={len(ordered)}"


def _timed(func, count: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(count):
        start = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - start)
    return samples, result


def run(count: int, database_url: str, folder: Path) -> None:
    from backend.certificates.ephyto import ephyto_xml
    from backend.certificates.keys import signing_key_for
    from backend.certificates.rendering import render_certificate_pdf
    from backend.certificates.sealing import Seal, parse_qr_text, sign_content, verify_content
    from backend.certificates.service import issue_certificate
    from backend.extensions import db
    from bench.seeded import seeded_app
    from tests.certificates_shared.samples import sample_content

    with seeded_app(database_url) as app:
        secret = app.config["SECRET_KEY"]
        key = signing_key_for("5300")
        db.session.commit()
        content = dataclasses.replace(sample_content("18"), certificate_no="530026180000001").to_dict()

        sign_times, seal = _timed(lambda: sign_content(content, key=key, secret_key=secret), count)
        verify_times, _ = _timed(lambda: verify_content(content, seal, public_key=key.public_key), count)
        issue_times, certificate = _timed(
            lambda: issue_certificate(actor=None, content=sample_content("18")), count
        )
        frozen, frozen_seal = certificate.content, Seal.from_dict(certificate.seal)
        pdf_times, pdf = _timed(
            lambda: render_certificate_pdf(frozen, seal=frozen_seal, base_url="http://localhost:5000"),
            max(3, count // 10),
        )
        ephyto_times, _ = _timed(lambda: ephyto_xml(frozen), count)
        path = folder / "certificate.pdf"
        path.write_bytes(pdf)

        def scan():
            subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(folder / "page")], check=True)
            out = subprocess.run(["zbarimg", "--raw", "-q", str(folder / "page-1.png")],
                                 capture_output=True, check=True)
            return parse_qr_text(out.stdout.decode().strip())

        scan_times, payload = _timed(scan, 3)
        assert payload.certificate_no == certificate.certificate_no
        db.session.remove()
        db.engine.dispose()

    print(f"database: {database_url.split('://')[0]}")
    print(f"seal (canonical JSON + Ed25519 sign)   {_stats(sign_times)}")
    print(f"verify seal                            {_stats(verify_times)}")
    print(f"issue (number + seal + store + audit)  {_stats(issue_times)}")
    print(f"render PDF (font load dominates)       {_stats(pdf_times)}   size {len(pdf) / 1024:.1f} KiB")
    print(f"ePhyto XML                             {_stats(ephyto_times)}")
    print(f"pdftoppm 150 dpi + zbarimg decode      {_stats(scan_times)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chajian-bench-") as tmp:
        folder = Path(tmp)
        run(args.count, args.database_url or f"sqlite:///{folder / 'bench.db'}", folder)


if __name__ == "__main__":
    main()
