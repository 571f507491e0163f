"""证书申请 with 智能审核: the enterprise self-declares, intelligent review decides, an officer the rest.

draft → submitted → issued | officer_review → issued | returned | rejected; issuing calls down into
`backend.certificates.service.issue_in_transaction`.

- `models.py`      CertificateApplication and its ApplicationReceipt (回执), AgentAuthorisation,
                   CertificateAttachment (supporting documents, bytes in media storage).
- `workflow.py`    the transition table (on `backend.core.statemachine`) and `apply()`: the only code
                   that changes an application's status, writing the receipt (`core.receipts`), the audit
                   row and the realtime announcements.
- `service.py`     draft, edit, submit (review → issue at once or refer), copy; the officer's queue and
                   decisions (approve, return, reject).
- `content.py`     the form (and its declaration) → the CertificateContent that gets issued.
- `intelligent_review.py`  the eight named rules (pass/fail with zh/en reasons); amendments re-run
                   CONTENT_RULES.
- `supporting.py`  supporting documents and agent authorisations (what applications and amendments cite).
- `query.py`       综合查询 of certificates and applications: keyset pages, CSV (UTF-8 BOM) and XLSX.
- `schemas.py`, `query_schemas.py`  request and response schemas (OpenAPI names stay "Certificates…").
- `api.py`         /certificate-applications, /certificate-attachments, /certificate-agents (key login).
- `query_api.py`   /certificate-query/… (customs users and enterprises, their own rows).
- `errors.py`      certificate_application.* and agent_authorisation.* codes.
"""
