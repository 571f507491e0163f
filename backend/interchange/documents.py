"""The receipt message: a JSON twin (the API, the pull feed) and its XML (what is pushed), one content.

docs/interchange/receipt.xsd describes the XML; docs/interchange/README.md what each element means.
The signature is the district's Ed25519 key (the certificates' signing key) over the canonical JSON
(sorted keys, no whitespace, UTF-8) of {"interchange_receipt": <the twin without its signature>}, so
the XML and the JSON carry the same verifiable signature. Rendering is deterministic: every field is
fixed once the transaction that wrote the receipt has committed, so a retry sends the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from lxml import etree

from backend.certificates.keys import current_signing_key
from backend.certificates.sealing import b64url, canonical_json, unwrap_private_key
from backend.declarations.models import Declaration, IntakeMessage, Receipt
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.interchange.models import OutboxMessage

NAMESPACE = "urn:chajian:interchange:receipt:1"
VERSION = "1"
ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class RenderedMessage:
    twin: dict  # the JSON twin, signature included
    xml: bytes


def unsigned_twin(message: OutboxMessage) -> dict:
    """The message's content without its signature (what the signature covers)."""
    row = db.session.execute(
        sa.select(
            Receipt,
            Declaration.inspection_no,
            Declaration.district_code,
            Enterprise.customs_code,
            IntakeMessage.message_id.label("intake_message_id"),
        )
        .join(Declaration, Declaration.id == Receipt.declaration_id)
        .join(Enterprise, Enterprise.id == Declaration.enterprise_id)
        .outerjoin(IntakeMessage, IntakeMessage.declaration_id == Declaration.id)
        .where(Receipt.id == message.receipt_id)
    ).one()
    receipt = row.Receipt
    return {
        "message_id": message.message_id,
        "version": VERSION,
        "application": {
            "declaration_id": message.declaration_id,
            "sequence": message.sequence,
            "intake_message_id": row.intake_message_id,
            "inspection_no": row.inspection_no,
            "district_code": row.district_code,
            "enterprise_customs_code": row.customs_code,
        },
        "receipt": {
            "code": receipt.code,
            "status": receipt.status,
            "text_zh": _xml_safe(receipt.text_zh),
            "text_en": _xml_safe(receipt.text_en),
            "actor": _xml_safe(receipt.actor_label),
            "created_at": receipt.created_at.isoformat(),
        },
    }


# Characters XML 1.0 forbids (a reason typed with a control character): U+FFFD in both twins alike.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str | None) -> str | None:
    return None if text is None else _NOT_XML.sub("\ufffd", text)


def signed_statement(twin: dict) -> bytes:
    """The bytes the signature covers."""
    content = {key: value for key, value in twin.items() if key != "signature"}
    return canonical_json({"interchange_receipt": content})


def render(message: OutboxMessage) -> RenderedMessage:
    """The signed JSON twin and XML of one outbox message (in the caller's transaction)."""
    twin = unsigned_twin(message)
    # Unlocked: every delivery of the district would otherwise queue on the key's row until it commits.
    key = current_signing_key(message.district_code)
    signature = b64url(_private_key(key).sign(signed_statement(twin)))
    twin["signature"] = {"key_id": key.key_id, "algorithm": ALGORITHM, "value": signature}
    return RenderedMessage(twin=twin, xml=to_xml(twin))


# Unwrapped private keys of this process, by key id and wrapping secret: unwrapping (HKDF, AES-GCM)
# once per key, not once per message. current_signing_key() returns only an active key.
_PRIVATE_KEYS: dict[tuple[str, str], object] = {}


def _private_key(key):
    secret = current_app.config["SECRET_KEY"]
    cached = _PRIVATE_KEYS.get((key.key_id, secret))
    if cached is None:
        cached = unwrap_private_key(key.private_key_encrypted, key_id=key.key_id, secret_key=secret)
        _PRIVATE_KEYS[(key.key_id, secret)] = cached
    return cached


def _element(parent, name: str, value) -> None:
    if value is not None:
        etree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = str(value)


def to_xml(twin: dict) -> bytes:
    """The XML of a signed twin (receipt.xsd)."""
    root = etree.Element(f"{{{NAMESPACE}}}ReceiptMessage", nsmap={None: NAMESPACE}, version=twin["version"])
    _element(root, "MessageId", twin["message_id"])
    application = etree.SubElement(root, f"{{{NAMESPACE}}}Application")
    app = twin["application"]
    for name, key in (
        ("DeclarationId", "declaration_id"),
        ("Sequence", "sequence"),
        ("IntakeMessageId", "intake_message_id"),
        ("InspectionNo", "inspection_no"),
        ("DistrictCode", "district_code"),
        ("EnterpriseCustomsCode", "enterprise_customs_code"),
    ):
        _element(application, name, app[key])
    receipt = etree.SubElement(root, f"{{{NAMESPACE}}}Receipt")
    body = twin["receipt"]
    for name, key in (
        ("Code", "code"),
        ("Status", "status"),
        ("TextZh", "text_zh"),
        ("TextEn", "text_en"),
        ("Actor", "actor"),
        ("CreatedAt", "created_at"),
    ):
        _element(receipt, name, body[key])
    signature = etree.SubElement(
        root,
        f"{{{NAMESPACE}}}Signature",
        keyId=twin["signature"]["key_id"],
        algorithm=twin["signature"]["algorithm"],
    )
    signature.text = twin["signature"]["value"]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def from_xml(data: bytes) -> dict:
    """The signed twin back from its XML (what a receiver does to check the signature)."""
    root = etree.fromstring(data)
    ns = {"r": NAMESPACE}

    def text(path: str):
        found = root.find(path, ns)
        return None if found is None else found.text

    signature = root.find("r:Signature", ns)
    return {
        "message_id": text("r:MessageId"),
        "version": root.get("version"),
        "application": {
            "declaration_id": int(text("r:Application/r:DeclarationId")),
            "sequence": int(text("r:Application/r:Sequence")),
            "intake_message_id": text("r:Application/r:IntakeMessageId"),
            "inspection_no": text("r:Application/r:InspectionNo"),
            "district_code": text("r:Application/r:DistrictCode"),
            "enterprise_customs_code": text("r:Application/r:EnterpriseCustomsCode"),
        },
        "receipt": {
            key: text(f"r:Receipt/r:{name}")
            for name, key in (
                ("Code", "code"),
                ("Status", "status"),
                ("TextZh", "text_zh"),
                ("TextEn", "text_en"),
                ("Actor", "actor"),
                ("CreatedAt", "created_at"),
            )
        },
        "signature": {
            "key_id": signature.get("keyId"),
            "algorithm": signature.get("algorithm"),
            "value": signature.text,
        },
    }
