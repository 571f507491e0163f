"""互联互通: receipt messages pushed to the local receiver, beside a bare HTTP POST loop to it.

    .venv/bin/python -m bench.interchange_bench            # 10,000 messages (SQLite; PostgreSQL too
    .venv/bin/python -m bench.interchange_bench --quick    #   with BENCH_PG_URL); 500 when quick

Seeds N outbox messages (N/5 Single Window applications of 5 receipts each) straight into a scratch
database, starts the test receiver (tests/interchange/receiver.py: a real HTTP server process that
records every message in SQLite and de-duplicates by id), and measures in this one process:
- project: backend.interchange.delivery.deliver_application() for every application — per message a
  claim (lease, render, Ed25519 signature, commit), the POST, and the answer recorded (commit);
- floor: the same number of POSTs of already rendered XML (fresh message ids) to the same receiver
  with the same keep-alive HTTP client, nothing else.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.summary import Figure, databases, scratch_database, table

PROJECT = Path(__file__).resolve().parent.parent
RECEIVER = PROJECT / "tests" / "interchange" / "receiver.py"
PER_APPLICATION = 5


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_receiver(folder: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER), str(port), str(folder / "received.sqlite")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/_stats", timeout=1)
            break
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/receipts"


def _app(url: str, receiver_url: str):
    from bench.seeded import in_process_app

    return in_process_app(
        url,
        SECRET_KEY="bench-secret-" + "x" * 32,
        SINGLE_WINDOW_RECEIPTS_URL=receiver_url,
        INTERCHANGE_TIMEOUT_SECONDS=10.0,
    )


def _seed(count: int) -> list[int]:
    """`count` outbox messages for count/5 applications; their declaration ids."""
    from backend.core.models import utcnow
    from backend.declarations.models import Declaration, Receipt
    from backend.extensions import db
    from backend.identity.models import District, Enterprise
    from backend.interchange.models import OutboxMessage

    db.create_all()
    now = utcnow()
    db.session.add(District(code="5300", name_zh="深圳海关", name_en="Shenzhen Customs"))
    db.session.add(Enterprise(customs_code="4403960B77", name_zh="基准企业", district_code="5300"))
    db.session.commit()
    applications = count // PER_APPLICATION
    db.session.execute(
        sa.insert(Declaration),
        [
            {"id": i, "enterprise_id": 1, "district_code": "5300", "status": "accepted",
             "inspection_no": f"226W5300{i:07d}", "source": "single_window", "last_action_at": now}
            for i in range(1, applications + 1)
        ],
    )
    receipts, messages = [], []
    for i in range(1, applications + 1):
        for n in range(1, PER_APPLICATION + 1):
            receipt_id = (i - 1) * PER_APPLICATION + n
            receipts.append({"id": receipt_id, "declaration_id": i, "code": f"STEP_{n}", "status": "accepted",
                             "text_zh": "报检成功", "text_en": "Accepted", "actor_label": "系统 system",
                             "created_at": now})
            messages.append({"message_id": str(uuid.uuid4()), "declaration_id": i, "receipt_id": receipt_id,
                             "sequence": n, "district_code": "5300", "status": "pending", "attempts": 0,
                             "created_at": now})
    db.session.execute(sa.insert(Receipt), receipts)
    db.session.execute(sa.insert(OutboxMessage), messages)
    db.session.commit()
    return list(range(1, applications + 1))


def _project(ids: list[int]) -> tuple[int, float]:
    from backend.extensions import db
    from backend.interchange import delivery
    from backend.interchange.models import DELIVERED, OutboxMessage

    started = time.perf_counter()
    for declaration_id in ids:
        delivery.deliver_application(declaration_id=declaration_id)
    elapsed = time.perf_counter() - started
    delivered = db.session.execute(
        sa.select(sa.func.count()).where(OutboxMessage.status == DELIVERED)
    ).scalar_one()
    return delivered, elapsed


def _floor(count: int, receiver_url: str) -> float:
    from backend.extensions import db
    from backend.interchange import documents
    from backend.interchange.models import OutboxMessage

    template = documents.render(db.session.execute(sa.select(OutboxMessage).limit(1)).scalar_one()).xml
    old_id = documents.from_xml(template)["message_id"].encode()
    bodies = []
    for i in range(count):
        body = template.replace(old_id, str(uuid.uuid4()).encode())
        body = body.replace(b"<DeclarationId>1<", f"<DeclarationId>{10_000_000 + i}<".encode())
        bodies.append(body)
    session = requests.Session()
    started = time.perf_counter()
    for body in bodies:
        response = session.post(receiver_url, data=body, headers={"Content-Type": "application/xml"}, timeout=10)
        response.raise_for_status()
    return time.perf_counter() - started


def figures(quick: bool) -> list[Figure]:
    count = 500 if quick else 10_000
    collected = []
    for label in databases():
        with tempfile.TemporaryDirectory(prefix="chajian-interchange-bench-") as tmp, \
                scratch_database(label, tmp) as url:
            receiver, receiver_url = _start_receiver(Path(tmp))
            try:
                app = _app(url, receiver_url)
                with app.app_context():
                    ids = _seed(count)
                    delivered, project_seconds = _project(ids)
                    assert delivered == count, f"{delivered} of {count} delivered"
                    floor_seconds = _floor(count, receiver_url)
                    stats = requests.get(receiver_url.replace("/receipts", "/_stats"), timeout=5).json()
                    assert stats["received"] == 2 * count and stats["duplicates"] == 0, stats
                    from backend.extensions import db

                    db.session.remove()
                    db.engine.dispose()
            finally:
                receiver.kill()
                receiver.wait()
            print(f"{label}: {count} messages in {project_seconds:.2f} s; bare POSTs {floor_seconds:.2f} s",
                  flush=True)
            collected.append(Figure.rate_at_least(
                f"receipt messages pushed, in order ({label}, {count:,})",
                count / project_seconds, count / floor_seconds, 0.2, "messages/s",
            ))
    return collected


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    found = figures(quick=args.quick)
    print(table(found))
    return found


if __name__ == "__main__":
    main(sys.argv[1:])
