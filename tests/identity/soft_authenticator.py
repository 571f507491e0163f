"""A software WebAuthn authenticator: attestation 'none' and assertions signed with EC P-256 (or Ed25519).

It builds exactly what a browser's PublicKeyCredential.toJSON() returns, from the options JSON the
server sent, so tests exercise py_webauthn's real verification. Knobs let a test break one thing at a
time: origin, RP id, the user-verified flag, the signature or the counter.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One credential on one authenticator; `alg` is "ES256" (default) or "EdDSA"."""

    def __init__(self, *, origin: str = "http://localhost:5000", alg: str = "ES256"):
        self.origin = origin
        self.alg = alg
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.rp_id: str | None = None
        if alg == "ES256":
            self._key = ec.generate_private_key(ec.SECP256R1())
        else:
            self._key = Ed25519PrivateKey.generate()

    def _cose_public_key(self) -> bytes:
        public = self._key.public_key()
        if self.alg == "ES256":
            numbers = public.public_numbers()
            return cbor2.dumps(
                {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
            )
        from cryptography.hazmat.primitives import serialization

        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return cbor2.dumps({1: 1, 3: -8, -1: 6, -2: raw})

    def _sign(self, data: bytes) -> bytes:
        if self.alg == "ES256":
            return self._key.sign(data, ec.ECDSA(hashes.SHA256()))
        return self._key.sign(data)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False},
            separators=(",", ":"),
        ).encode()

    def create(
        self,
        options: dict,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        user_verified: bool = True,
    ) -> dict:
        """navigator.credentials.create() answered with attestation 'none'."""
        self.rp_id = rp_id or options["rp"]["id"]
        flags = FLAG_UP | FLAG_AT | (FLAG_UV if user_verified else 0)
        attested = (
            bytes(16)
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", 0)
        auth_data += attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin or self.origin)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def get(
        self,
        options: dict,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        user_verified: bool = True,
        tamper_signature: bool = False,
        sign_count: int | None = None,
    ) -> dict:
        """navigator.credentials.get(): an assertion over the server's challenge."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        flags = FLAG_UP | (FLAG_UV if user_verified else 0)
        rp = rp_id or options.get("rpId") or self.rp_id
        auth_data = hashlib.sha256(rp.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin or self.origin)
        signature = self._sign(auth_data + hashlib.sha256(client_data).digest())
        if tamper_signature:
            signature = self._sign(auth_data + hashlib.sha256(client_data + b" ").digest())
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
        }
