"""拟证出证 / 云签发: certificate types, sealing, rendering, ePhyto export, numbering and verification.

How the pieces fit (the certificate-application workflow plugs in at `service.issue_certificate`):

- `catalog.py`     the ten certificate types as data: names, fields each type needs, layout hints,
                   languages; seeded into `certificate_type`. Validation and rendering read it.
- `content.py`     `CertificateContent`, the plain data a certificate carries (Decimals, never floats);
                   its `to_dict()` form is what gets frozen, signed, rendered and exported.
- `sealing.py`     canonical JSON, Ed25519 seals {key_id, alg, sig}, the encrypted-at-rest district keys,
                   the compact QR payload `C1.<no>.<key_id>.<sha256>.<sig>` and its verification.
- `keys.py`        rotate a district's key, the active key, the published public keys.
- `numbering.py`   15-digit certificate numbers per type, district and year from a locked counter row.
- `service.py`     issue / replace / withdraw, and public verification; `workflow.py` owns the statuses.
- `rendering.py`   the bilingual PDF with an embedded CJK font, QR code and DRAFT / COPY / DUPLICATE marks.
- `ephyto.py`      a phytosanitary certificate as UN/CEFACT SPS (IPPC ePhyto) XML.
- `documents.py`   who may download an issued certificate's PDF and ePhyto XML.
- `api.py`, `pages.py`  GET /api/v1/certificates/keys (public), key rotation, the type catalog,
                   PDF / ePhyto downloads, GET /api/v1/verify/<no> and the HTML page /verify/<no>.

Operations: the private signing keys are wrapped with a key derived from SECRET_KEY, so changing
SECRET_KEY makes them unusable — rotate every district's key afterwards (old certificates still verify:
only public keys are needed for that). Production should keep the keys in an HSM or a KMS.
"""
