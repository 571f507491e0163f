"""Sealing certificates with a district's Ed25519 key, and checking seals.

What is signed: the canonical JSON (sorted keys, no spaces, UTF-8, no floats) of a short *seal
statement* {"alg", "certificate_no", "content_sha256", "key_id", "v"}, where content_sha256 is the
SHA-256 of the canonical JSON of the certificate content. Signing the statement rather than the content
itself lets the QR code carry everything a verifier needs (number, digest, key id, signature — about
150 characters) while a change to any content field still breaks the seal, because it changes the digest.

Private keys at rest: AES-256-GCM under a key-encryption key derived with HKDF-SHA256 from the app's
SECRET_KEY; the key_id is the associated data, so a ciphertext cannot be moved to another key row.
This protects a copied database, not a compromised server: production should hold the signing keys in
an HSM or a cloud KMS and keep only a handle in `signing_key`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.certificates.content import CertificateContent
from backend.core.secrets import derive_key
from backend.errors import DomainError

ALGORITHM = "Ed25519"
SEAL_VERSION = 1
_KEK_INFO = b"chajian certificates signing-key wrap v1"
KEY_ID_RE = re.compile(r"^[0-9]{4}-[0-9]{6}-[0-9a-f]{6}$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- canonical encoding -------------------------------------------------------------------------


def _reject_floats(value):
    if isinstance(value, float):
        raise TypeError("floats are not allowed in signed content; write decimals as strings")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _reject_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_reject_floats(v) for v in value]
    return value


def canonical_json(value) -> bytes:
    """The one byte encoding that gets signed: sorted keys, no whitespace, UTF-8, no floats."""
    return json.dumps(
        _reject_floats(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def as_content_dict(content: CertificateContent | dict) -> dict:
    """Sealing works on the dict form; a CertificateContent is converted first."""
    return content.to_dict() if isinstance(content, CertificateContent) else content


def content_digest(content: CertificateContent | dict) -> str:
    """base64url SHA-256 of the canonical content (43 characters)."""
    return b64url(hashlib.sha256(canonical_json(as_content_dict(content))).digest())


def seal_statement(*, certificate_no: str, digest: str, key_id: str) -> bytes:
    return canonical_json(
        {"alg": ALGORITHM, "certificate_no": certificate_no, "content_sha256": digest,
         "key_id": key_id, "v": SEAL_VERSION}
    )


# --- key material -------------------------------------------------------------------------------


def _kek(secret_key: str) -> AESGCM:
    return AESGCM(derive_key(secret_key, purpose=_KEK_INFO))


def wrap_private_key(raw: bytes, *, key_id: str, secret_key: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + _kek(secret_key).encrypt(nonce, raw, key_id.encode("ascii"))


def unwrap_private_key(blob: bytes, *, key_id: str, secret_key: str) -> Ed25519PrivateKey:
    try:
        raw = _kek(secret_key).decrypt(blob[:12], blob[12:], key_id.encode("ascii"))
    except InvalidTag as exc:
        raise RuntimeError(f"signing key {key_id} cannot be decrypted with this SECRET_KEY") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)


@dataclass(frozen=True)
class NewKeyMaterial:
    key_id: str
    public_key: bytes
    private_key_encrypted: bytes


def generate_key_material(*, district_code: str, secret_key: str, today) -> NewKeyMaterial:
    """A fresh Ed25519 key pair; the private half comes back encrypted."""
    key_id = f"{district_code}-{today:%y%m%d}-{secrets.token_hex(3)}"
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return NewKeyMaterial(key_id, public, wrap_private_key(raw, key_id=key_id, secret_key=secret_key))


def public_jwk(*, key_id: str, public_key: bytes) -> dict:
    """RFC 8037 OKP JWK of an Ed25519 public key."""
    return {
        "kty": "OKP", "crv": "Ed25519", "x": b64url(public_key), "kid": key_id, "use": "sig", "alg": "EdDSA",
    }


# --- sign and verify ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    key_id: str
    alg: str
    sig: str

    def to_dict(self) -> dict:
        return {"key_id": self.key_id, "alg": self.alg, "sig": self.sig}

    @classmethod
    def from_dict(cls, data: dict) -> Seal:
        return cls(key_id=data["key_id"], alg=data["alg"], sig=data["sig"])


def sign_statement(statement: bytes, *, key, secret_key: str) -> str:
    """base64url Ed25519 signature of `statement` by an active SigningKey row.

    Every statement a district key signs is canonical JSON whose keys say what it is (a certificate
    seal names its certificate_no, an evidence manifest its purpose), so one cannot pass for another."""
    if key.status != "active":
        raise DomainError("certificate.key_retired", detail={"key_id": key.key_id})
    private = unwrap_private_key(key.private_key_encrypted, key_id=key.key_id, secret_key=secret_key)
    return b64url(private.sign(statement))


def signature_holds(statement: bytes, *, signature: str, public_key: bytes) -> bool:
    """True when `signature` (base64url) is the Ed25519 signature of `statement` under `public_key`."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(b64url_decode(signature), statement)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_content(content: CertificateContent | dict, *, key, secret_key: str) -> Seal:
    """Seal certificate content with an active SigningKey row."""
    content = as_content_dict(content)
    statement = seal_statement(
        certificate_no=content["certificate_no"], digest=content_digest(content), key_id=key.key_id
    )
    signature = sign_statement(statement, key=key, secret_key=secret_key)
    return Seal(key_id=key.key_id, alg=ALGORITHM, sig=signature)


def verify_statement(*, certificate_no: str, digest: str, seal: Seal, public_key: bytes) -> bool:
    """True when `seal` signs (certificate_no, digest) under `public_key`."""
    if seal.alg != ALGORITHM:
        return False
    statement = seal_statement(certificate_no=certificate_no, digest=digest, key_id=seal.key_id)
    return signature_holds(statement, signature=seal.sig, public_key=public_key)


def verify_content(content: CertificateContent | dict, seal: Seal, *, public_key: bytes) -> bool:
    """True when the seal covers exactly this content (any changed field fails)."""
    content = as_content_dict(content)
    try:
        digest = content_digest(content)
    except (TypeError, ValueError):  # floats or NaN slipped into content that claims to be sealed
        return False
    return verify_statement(
        certificate_no=content.get("certificate_no", ""), digest=digest, seal=seal, public_key=public_key
    )


# --- the compact QR payload ---------------------------------------------------------------------

PAYLOAD_PREFIX = "C1"


@dataclass(frozen=True)
class CompactPayload:
    """What the QR code carries: C1.<certificate_no>.<key_id>.<content sha256>.<signature>."""

    certificate_no: str
    digest: str
    seal: Seal

    def encode(self) -> str:
        return ".".join((PAYLOAD_PREFIX, self.certificate_no, self.seal.key_id, self.digest, self.seal.sig))

    @classmethod
    def decode(cls, text: str) -> CompactPayload:
        parts = text.strip().split(".")
        if (
            len(parts) != 5 or parts[0] != PAYLOAD_PREFIX or not re.fullmatch(r"[0-9A-Z]{1,20}", parts[1])
            or not KEY_ID_RE.match(parts[2]) or len(parts[3]) != 43 or len(parts[4]) != 86
        ):
            raise DomainError("certificate.invalid_payload")
        return cls(certificate_no=parts[1], digest=parts[3], seal=Seal(parts[2], ALGORITHM, parts[4]))

    def verify(self, public_keys: dict[str, bytes]) -> bool:
        """Check the signature against published keys ({key_id: raw public key})."""
        public_key = public_keys.get(self.seal.key_id)
        if public_key is None:
            return False
        return verify_statement(
            certificate_no=self.certificate_no, digest=self.digest, seal=self.seal, public_key=public_key
        )


def compact_payload(content: CertificateContent | dict, seal: Seal) -> CompactPayload:
    content = as_content_dict(content)
    return CompactPayload(certificate_no=content["certificate_no"], digest=content_digest(content), seal=seal)


def verification_url(base_url: str, certificate_no: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{certificate_no}"


def qr_text(base_url: str, content: CertificateContent | dict, seal: Seal) -> str:
    """The QR code's text: the verification URL, with the signed payload as its `s` parameter."""
    content = as_content_dict(content)
    payload = compact_payload(content, seal).encode()
    return f"{verification_url(base_url, content['certificate_no'])}?s={payload}"


def parse_qr_text(text: str) -> CompactPayload:
    """The payload inside a scanned QR code (accepts the bare payload too)."""
    from urllib.parse import parse_qs, urlsplit

    if text.startswith(PAYLOAD_PREFIX + "."):
        return CompactPayload.decode(text)
    values = parse_qs(urlsplit(text.strip()).query).get("s")
    if not values:
        raise DomainError("certificate.invalid_payload")
    return CompactPayload.decode(values[0])
