"""Certificates API: the public signing keys, key rotation, the type catalog, public verification."""

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.certificates import documents, keys, pages, service
from backend.certificates.catalog import CERTIFICATE_TYPES
from backend.certificates.schemas import (
    CertificateTypeSchema,
    JwkSetSchema,
    KeyListArgsSchema,
    PdfArgsSchema,
    PublicKeyListSchema,
    PublicKeySchema,
    RotateKeySchema,
    VerificationSchema,
    VerifyArgsSchema,
)
from backend.core.auth import ANY_CUSTOMS, EVERYONE, requires
from backend.core.enums import Assurance, Role
from backend.core.sqlite import writes_on_read

# Full paths, because one blueprint serves two prefixes: /api/v1/certificates and /api/v1/verify.
blp = Blueprint(
    "certificates", __name__, description="证书签发与验证 Certificate issuance and verification"
)


@blp.record_once
def _register_verification_page(state):
    """The server-rendered /verify/<no> page (pages.py) comes with this API, outside the OpenAPI document."""
    state.app.register_blueprint(pages.bp)


PUBLIC = {"security": [], "x-public": True}
CERTIFICATE_NO = "<string(maxlength=20):certificate_no>"
# Verifiers may cache the keys briefly; a rotation shows up within this many seconds.
KEYS_CACHE = {"Cache-Control": "public, max-age=300"}


@blp.route("/api/v1/certificates/keys")
class PublicKeys(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(KeyListArgsSchema, location="query")
    @blp.response(200, PublicKeyListSchema)
    def get(self, args):
        """The customs signing keys (active and retired) for anyone to verify seals; no login."""
        return {"keys": keys.list_public_keys(**args)}, 200, KEYS_CACHE


@blp.route("/api/v1/certificates/jwks.json")
class PublicJwks(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, JwkSetSchema)
    def get(self):
        """The same keys as a standard JWK Set (RFC 7517), e.g. for WebCrypto or JOSE libraries."""
        return {"keys": [entry["jwk"] for entry in keys.list_public_keys()]}, 200, KEYS_CACHE


@blp.route("/api/v1/certificates/keys/rotate")
class RotateKey(MethodView):
    @requires(Role.ADMINISTRATOR, assurance=Assurance.KEY)
    @blp.arguments(RotateKeySchema)
    @blp.response(201, PublicKeySchema)
    def post(self, args):
        """A new active signing key for the administrator's district; the old one is retired."""
        key = keys.rotate_signing_key(actor=g.actor, **args)
        return keys.public_key_entry(key)


@blp.route("/api/v1/certificates/types")
class CertificateTypes(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, CertificateTypeSchema(many=True))
    def get(self):
        """The certificate type catalog: names, fields each type needs, layout hints, languages."""
        return [spec.as_row() for spec in CERTIFICATE_TYPES]


@blp.route(f"/api/v1/verify/{CERTIFICATE_NO}")
class VerifyCertificate(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(VerifyArgsSchema, location="query")
    @blp.response(200, VerificationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, certificate_no):
        """Public verification of a certificate: key data, seal validity, status; optional QR payload `s`."""
        return service.verify_certificate(certificate_no=certificate_no, payload=args["s"])


CERTIFICATE_READERS = (Role.ENTERPRISE, *ANY_CUSTOMS)


@blp.route(f"/api/v1/certificates/{CERTIFICATE_NO}/pdf")
class CertificatePdf(MethodView):
    @writes_on_read  # printing an original counts it and audits it
    @requires(*CERTIFICATE_READERS, assurance=Assurance.KEY)
    @blp.arguments(PdfArgsSchema, location="query")
    @blp.response(200, content_type="application/pdf", description="one A4 page")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, certificate_no):
        """The issued certificate as PDF: a copy by default; originals for certificate officers.

        One original per certificate: asking for `original` again yields a duplicate original
        (副本（重复正本）); `X-Certificate-Variant` says which was rendered.
        """
        pdf, variant = documents.certificate_pdf(actor=g.actor, certificate_no=certificate_no, **args)
        headers = {
            "Content-Disposition": f'inline; filename="{certificate_no}-{variant}.pdf"',
            "X-Certificate-Variant": variant,
        }
        return Response(pdf, mimetype="application/pdf", headers=headers)


@blp.route(f"/api/v1/certificates/{CERTIFICATE_NO}/ephyto")
class CertificateEphyto(MethodView):
    @requires(*CERTIFICATE_READERS, assurance=Assurance.KEY)
    @blp.response(200, content_type="application/xml", description="UN/CEFACT SPS certificate (ePhyto)")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def get(self, certificate_no):
        """A phytosanitary certificate as IPPC ePhyto XML (UN/CEFACT SPSCertificate)."""
        xml = documents.certificate_ephyto(actor=g.actor, certificate_no=certificate_no)
        return Response(xml, mimetype="application/xml")
