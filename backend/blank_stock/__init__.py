"""空白证书 and 出境证书自助打印: blank security paper, printing originals on it, reprints, reconciliation.

The enterprise asks for N sheets of a type, a certificate officer allocates a serial range, the
enterprise confirms receipt; each sheet is printed once (an issued certificate's original) or spoiled.

- `models.py`      BlankSerialCounter (locked per type), BlankStock (requested → allocated → received |
                   refused), BlankSheet (available → printed | spoiled), CertificatePrint, ReprintRequest
                   (requested → approved → used | rejected).
- `workflow.py`    the three transition tables (BlankStock, BlankSheet, ReprintRequest) on
                   `backend.core.statemachine`: the only code that changes their status.
- `service.py`     requests, allocation of serial ranges (never overlapping), the district's own counter
                   stock, receipt, spoiled sheets.
- `printing.py`    self-print by the enterprise and counter printing by the officer on one serial, exactly
                   once; later originals need an approved reprint request.
- `reconciliation.py`  核销: allocated vs printed vs spoiled vs remaining, certificates matched to serials.
- `schemas.py`     request and response schemas (OpenAPI names stay "Certificates…").
- `api.py`         /blank-stock…, /blank-sheets/spoil, /certificates/{no}/print and /reprint-requests.
- `errors.py`      blank_stock.* and certificate_print.* codes.

It reads down into `backend.certificates` (the Certificate, its PDF, the type catalog).
"""
