"""空白证书: blank paper stock, printing originals on it, reprints and reconciliation.

- `models.py`      BlankSerialCounter, BlankStock, BlankSheet, CertificatePrint, ReprintRequest.
- `errors.py`      blank_stock.* and certificate_print.* codes.
"""
