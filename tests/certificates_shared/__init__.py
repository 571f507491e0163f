"""What the tests of the four 云签发 packages share (certificates, certificate_applications, blank_stock,
amendments): `fixtures.py` (an exporter with a normal e-record, key-login headers, a certificate officer,
`apply_for`; loaded for every test by tests/conftest.py), `samples.py` (one realistic certificate per
type) and `authz_factories.py` (foreign objects per path parameter, for the authorisation matrix)."""
