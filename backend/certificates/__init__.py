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

The 云签发 workflow on top ("enterprise self-declares, customs reviews intelligently, enterprise prints"):

- `application_models.py`  applications and receipts, agent authorisations, attachments, blank stock and
                   sheets, prints, reprint requests, amend/replace/withdraw requests.
- `applications.py` (+ `application_workflow.py`, `application_content.py`, `supporting.py`)
                   证书申请: draft, edit, submit, copy; the form becomes CertificateContent; attachments in
                   media storage; consignors authorise agents. draft → submitted → issued | officer_review
                   → issued | returned | rejected.
- `intelligent_review.py`  the eight named rules (pass/fail with zh/en reasons), recorded per application;
                   all pass → issued at once, else the district's certificate officer decides.
- `blank_stock.py`, `printing.py`, `reconciliation.py`  空白证书 ranges from a locked per-type counter,
                   originals printed on one serial exactly once, spoiled sheets, approved reprints,
                   counter printing, and the per-enterprise reconciliation report.
- `amendments.py`  改证/重发/撤证 with the original returned; content rules re-run on amended content.
- `query.py`       综合查询 with keyset pages and CSV (UTF-8 BOM) / XLSX exports.
- `fonts.py`       a GB2312-sized subset of the CJK font, built once, so a PDF renders about 2× faster.
- APIs: `applications_api.py`, `stock_api.py`, `amendments_api.py`, `query_api.py` (all key login).

Operations: the private signing keys are wrapped with a key derived from SECRET_KEY, so changing
SECRET_KEY makes them unusable — rotate every district's key afterwards (old certificates still verify:
only public keys are needed for that). Production should keep the keys in an HSM or a KMS.
"""
