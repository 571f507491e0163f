"""拟证出证 / 云签发, the issued certificate: types, content, seals, numbers, PDF, QR, ePhyto, verification.

Cloud issuance lives in four packages, importing downwards only; this one is the bottom and imports none
of the others:

    certificate_applications  (证书申请, intelligent review, officer decisions, 综合查询)
    blank_stock               (空白证书, self-print and counter printing, reprints, reconciliation)
    amendments                (改证 / 重发 / 撤证)
        └──▶ certificates     (this package: issue, seal, render, verify)

Applications and amendments issue through `service.issue_in_transaction`; blank_stock prints originals
with `rendering.render_certificate_pdf`.

- `models.py`      CertificateType, Certificate (frozen content + seal), SigningKey, CertificateCounter.
- `catalog.py`     the ten certificate types as data: names, fields each type needs, layout hints,
                   languages; seeded into `certificate_type`. Validation and rendering read it.
- `content.py`     `CertificateContent`, the plain data a certificate carries (Decimals, never floats);
                   its `to_dict()` form is what gets frozen, signed, rendered and exported.
- `sealing.py`     canonical JSON, Ed25519 seals {key_id, alg, sig}, the encrypted-at-rest district keys,
                   the compact QR payload `C1.<no>.<key_id>.<sha256>.<sig>` and its verification.
- `keys.py`        rotate a district's key, the active key, the published public keys.
- `numbering.py`   15-digit certificate numbers per type, district and year from a locked counter row.
- `service.py`     issue / replace / withdraw, and public verification.
- `workflow.py`    the transition tables of the issued certificate (issued → replaced | withdrawn) and
                   of the signing keys (active → retired), on `backend.core.statemachine`.
- `rendering.py`   the bilingual PDF with an embedded CJK font, QR code and DRAFT / COPY / DUPLICATE marks.
- `fonts.py`       a GB2312-sized subset of the CJK font, built once, so a PDF renders about 2× faster.
- `ephyto.py`      a phytosanitary certificate as UN/CEFACT SPS (IPPC ePhyto) XML.
- `e_record_basis.py` a hook on the e-record's transitions: voiding it withdraws the certificates issued
                   on it that were never printed and flags the printed ones (their original must come back).
- `documents.py`   who may download an issued certificate's PDF and ePhyto XML.
- `listing.py`     the enterprise's / the district's lists of requests to certificate officers (blank
                   paper, reprints, amendments), with `schemas.RequestListArgsSchema`; used by the
                   packages above.
- `schemas.py`     request and response schemas of this package's API.
- `api.py`, `pages.py`  GET /api/v1/certificates/keys (public), key rotation, the type catalog,
                   PDF / ePhyto downloads, GET /api/v1/verify/<no> and the HTML page /verify/<no>.
- `errors.py`      certificate.* codes (and certificate_print.use_print, raised by documents.py).

Operations: the private signing keys are wrapped with a key derived from SECRET_KEY, so changing
SECRET_KEY makes them unusable — rotate every district's key afterwards (old certificates still verify:
only public keys are needed for that). Production should keep the keys in an HSM or a KMS.
"""

from backend.certificates import e_record_basis  # noqa: E402, F401  (registers the e-record hook)
