"""The public verification page /verify/<certificate_no>: what a QR code scan opens, in Chinese and English.

Server-rendered and script-free so it works on any phone; the data comes from the same service function
as GET /api/v1/verify/<certificate_no>.
"""

from flask import Blueprint, render_template, request

from backend.certificates import service
from backend.errors import DomainError

bp = Blueprint("certificate_pages", __name__, template_folder="templates")

STATUS_TEXT = {
    "valid": ("有效", "Valid"),
    "replaced": ("已被替换", "Replaced"),
    "withdrawn": ("已撤销", "Withdrawn"),
}


@bp.get("/verify/<string(maxlength=20):certificate_no>")
def verify_page(certificate_no: str):
    """The page a QR scan opens: status, key data and seal validity, in Chinese and English."""
    payload = request.args.get("s", type=str)
    if payload is not None and len(payload) > 300:
        payload = None
    try:
        verification = service.verify_certificate(certificate_no=certificate_no, payload=payload)
    except DomainError as exc:
        if exc.error != "certificate.not_found":
            raise
        verification = None
    html = render_template(
        "certificates/verify.html", v=verification, number=certificate_no, status=STATUS_TEXT
    )
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
    return html, 200 if verification else 404, headers
