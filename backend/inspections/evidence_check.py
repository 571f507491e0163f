"""Checking an evidence bundle without the server: the manifest's seal, the custody chain, the files.

`check_bundle(data, public_keys)` names exactly what is wrong — record n edited, records removed, a
pair reordered, the manifest's signature invalid or made with an unknown key, a file altered — or
nothing. It needs only the published public keys ({key_id: raw Ed25519 key}); the PWA's verify page
(pwa/src/verify/evidence.js) runs the same steps in the browser.

How records are named: by their `seq` in the manifest (1, 2, 3…). A record is *edited* when the bytes
in custody.jsonl no longer hash to its record_sha256, or when the next record no longer names its hash
while no number is missing; *removed* when the next record names a hash no listed record has and
numbers are missing in between; *reordered* when following the previous_sha256 links gives another
order than the listing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from backend.certificates.sealing import ALGORITHM, b64url, b64url_decode, canonical_json, signature_holds

BUNDLE_FORMAT = "chajian.evidence-bundle/2"
SEAL_FORMAT = "chajian.evidence-seal/1"
SEAL_PURPOSE = "chajian.evidence-manifest"
MANIFEST_FILE = "manifest.json"
SEAL_FILE = "manifest.seal.json"
CUSTODY_FILE = "custody.jsonl"
GENESIS = ""


def manifest_statement(*, key_id: str, manifest_sha256: str) -> bytes:
    """The bytes a district key signs for a manifest (pwa/src/verify/evidence.js builds the same)."""
    return canonical_json(
        {
            "alg": ALGORITHM,
            "key_id": key_id,
            "manifest_sha256": manifest_sha256,
            "purpose": SEAL_PURPOSE,
            "v": 1,
        }
    )


def published_keys(document: dict) -> dict[str, bytes]:
    """{key_id: raw public key} from the JSON the server publishes at /api/v1/certificates/keys."""
    return {entry["key_id"]: b64url_decode(entry["public_key"]) for entry in document.get("keys") or []}


@dataclass(frozen=True)
class Problem:
    code: str
    records: tuple[int, ...] = ()
    subject: str | None = None  # a key id or a file name

    @property
    def message_zh(self) -> str:
        numbers = "、".join(str(n) for n in self.records)
        return {
            "not_a_bundle": "不是证据包（读不到 manifest.json）",
            "manifest_unsealed": "清单没有签名",
            "manifest_key_unknown": f"清单的签名密钥 {self.subject} 不在已公布的密钥中",
            "manifest_signature_invalid": "清单签名无效：清单在签名后被改动",
            "custody_missing": "缺少监管链文件 custody.jsonl",
            "record_edited": f"第 {numbers} 条记录被修改",
            "record_removed": f"第 {numbers} 条记录被删除",
            "records_reordered": f"第 {numbers} 条记录的顺序被调换",
            "file_missing": f"缺少文件 {self.subject}",
            "file_altered": f"文件 {self.subject} 被改动",
        }[self.code]

    @property
    def message_en(self) -> str:
        numbers = ", ".join(str(n) for n in self.records)
        plural = "s" if len(self.records) > 1 else ""
        return {
            "not_a_bundle": "not an evidence bundle (no readable manifest.json)",
            "manifest_unsealed": "the manifest is not sealed",
            "manifest_key_unknown": f"the manifest is signed with key {self.subject}, which is not published",
            "manifest_signature_invalid": "manifest signature invalid: changed after it was sealed",
            "custody_missing": "the custody chain file custody.jsonl is missing",
            "record_edited": f"record{plural} {numbers} edited",
            "record_removed": f"record{plural} {numbers} removed",
            "records_reordered": f"records {' and '.join(str(n) for n in self.records)} reordered",
            "file_missing": f"file {self.subject} missing",
            "file_altered": f"file {self.subject} altered",
        }[self.code]


@dataclass
class BundleReport:
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bundle(data: bytes, public_keys: dict[str, bytes]) -> BundleReport:
    """Everything wrong with an evidence bundle (zip bytes), checked against the published keys."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest_bytes = archive.read(MANIFEST_FILE)
        manifest = json.loads(manifest_bytes)
        records = manifest["records"]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        return BundleReport([Problem("not_a_bundle")])
    report = BundleReport(records=len(records))
    report.problems += _check_seal(archive, manifest_bytes, public_keys, report)
    try:
        lines = archive.read(CUSTODY_FILE).split(b"\n")[: len(records)]
    except KeyError:
        report.problems.append(Problem("custody_missing"))
    else:
        report.problems += check_chain(records, lines)
    report.problems += _check_files(archive, manifest.get("files") or [])
    return report


def _check_seal(archive, manifest_bytes: bytes, public_keys: dict[str, bytes], report) -> list[Problem]:
    try:
        seal = json.loads(archive.read(SEAL_FILE))
        key_id, signature = seal["key_id"], seal["sig"]
    except (KeyError, ValueError, TypeError):
        return [Problem("manifest_unsealed")]
    report.key_id = key_id
    public_key = public_keys.get(key_id)
    if public_key is None:
        return [Problem("manifest_key_unknown", subject=str(key_id))]
    digest = b64url(hashlib.sha256(manifest_bytes).digest())
    statement = manifest_statement(key_id=key_id, manifest_sha256=digest)
    if seal.get("alg") != ALGORITHM or not signature_holds(
        statement, signature=signature, public_key=public_key
    ):
        return [Problem("manifest_signature_invalid")]
    return []


@dataclass(eq=False)
class _Entry:
    number: int
    sha: str
    previous: str
    intact: bool


def check_chain(records: list[dict], lines: list[bytes]) -> list[Problem]:
    """Problems of the custody chain: `records` as the manifest lists them, `lines` their hashed bytes."""
    entries = []
    for index, record in enumerate(records):
        line = lines[index] if index < len(lines) else None
        try:
            linked = line is not None and json.loads(line).get("previous_sha256") == record["previous_sha256"]
            intact = linked and hashlib.sha256(line).hexdigest() == record["record_sha256"]
            entries.append(
                _Entry(
                    int(record.get("seq") or index + 1),
                    record["record_sha256"],
                    record["previous_sha256"],
                    intact,
                )
            )
        except (KeyError, ValueError, TypeError, AttributeError):
            entries.append(_Entry(index + 1, "", "", False))
    edited = {entry.number for entry in entries if not entry.intact}
    removed: list[int] = []
    listed = {entry.sha for entry in entries}
    following = {}
    for entry in entries:
        following.setdefault(entry.previous, entry)
    order: list[_Entry] = []
    for head in [e for e in entries if e.previous == GENESIS or e.previous not in listed]:
        before = order[-1] if order else None
        if head.previous != GENESIS or before is not None:
            missing = list(range((before.number if before else 0) + 1, head.number))
            if missing:
                removed += missing
            else:  # nothing missing: the record before no longer has the hash this one names
                edited.add(before.number if before else head.number)
        current = head
        while current is not None and current not in order:
            order.append(current)
            current = following.get(current.sha)
    order += [entry for entry in entries if entry not in order]
    moved = sorted(entry.number for position, entry in enumerate(order) if entries[position] is not entry)
    problems = [Problem("record_edited", (number,)) for number in sorted(edited)]
    if removed:
        problems.append(Problem("record_removed", tuple(removed)))
    if moved:
        problems.append(Problem("records_reordered", tuple(moved)))
    return problems


def _check_files(archive, files: list[dict]) -> list[Problem]:
    problems = []
    for entry in files:
        try:
            data = archive.read(entry["name"])
        except KeyError:
            problems.append(Problem("file_missing", subject=entry.get("name")))
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(Problem("file_altered", subject=entry["name"]))
    return problems
