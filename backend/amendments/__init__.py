"""改证 / 重发 / 撤证: amend, replace (re-issue) or withdraw an issued certificate on request.

The enterprise gives a reason, supporting documents and, when an original was printed, sends the paper
back; the certificate officer confirms receiving it and decides. requested → approved | rejected, one
open request per certificate; approval issues the superseding certificate or withdraws the old one.

- `models.py`      CertificateAmendment.
- `workflow.py`    the request's transition table on `backend.core.statemachine`: the only code that
                   changes its status.
- `service.py`     request, list, confirm the original came back, approve (content rules of intelligent
                   review re-run on the amended form), reject.
- `schemas.py`     request and response schemas (OpenAPI names stay "Certificates…").
- `api.py`         POST /certificates/{no}/amendments and /certificate-amendments… (key login).
- `errors.py`      certificate_amendment.* codes.

It reads down into `backend.certificate_applications` (content, rules, supporting documents) and
`backend.certificates` (issue, the certificate's workflow).
"""
