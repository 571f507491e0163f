"""改证 / 重发 / 撤证: amend, replace or withdraw an issued certificate on request.

- `models.py`      CertificateAmendment.
- `errors.py`      certificate_amendment.* codes.
"""
