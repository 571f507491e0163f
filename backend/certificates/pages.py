"""The public verification page /verify/<certificate_no>: what a QR code scan opens, in Chinese and English.

Server-rendered and script-free so it works on any phone; the data comes from the same service function
as GET /api/v1/verify/<certificate_no>.
"""

from flask import Blueprint, render_template_string, request

from backend.certificates import service
from backend.errors import DomainError

bp = Blueprint("certificate_pages", __name__)

STATUS_TEXT = {
    "valid": ("有效", "Valid"),
    "replaced": ("已被替换", "Replaced"),
    "withdrawn": ("已撤销", "Withdrawn"),
}

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>证书验证 Certificate verification {{ number }}</title>
<style>
 body{font-family:system-ui,"WenQuanYi Zen Hei","Noto Sans CJK SC",sans-serif;margin:0;padding:1rem;
  max-width:42rem;margin:auto;color:#1f2328}
 h1{font-size:1.25rem} .en{color:#57606a;font-size:.9em}
 .status{padding:.75rem 1rem;border-radius:.5rem;font-size:1.1rem;margin:1rem 0}
 .valid{background:#dafbe1;border:1px solid #4ac26b} .bad{background:#ffebe9;border:1px solid #ff8182}
 table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.4rem;border-bottom:1px solid #d0d7de;
  vertical-align:top} th{width:38%;font-weight:600}
</style>
</head>
<body>
<h1>出口检验检疫证书验证 <span class="en">Export inspection &amp; quarantine certificate verification</span></h1>
{% if v is none %}
<div class="status bad" id="status">未找到编号为 {{ number }} 的证书。
 <span class="en">No certificate with number {{ number }} was found.</span></div>
{% else %}
{% set ok = v.status == 'valid' and v.seal_valid and v.payload_valid is not false %}
<div class="status {{ 'valid' if ok else 'bad' }}" id="status" data-status="{{ v.status }}">
 证书状态 <span class="en">Status</span>: <strong>{{ status[v.status][0] }} {{ status[v.status][1] }}</strong>
 {% if v.superseded_by %}<br>已由证书 {{ v.superseded_by }} 替换
  <span class="en">Replaced by certificate {{ v.superseded_by }}</span>{% endif %}
 {% if v.status_reason and v.status != 'valid' %}<br>原因 <span class="en">Reason</span>: {{ v.status_reason }}{% endif %}
</div>
<table>
<tr><th>证书编号 <span class="en">Certificate No.</span></th><td>{{ v.certificate_no }}</td></tr>
<tr><th>证书种类 <span class="en">Type</span></th><td>{{ v.type_name_zh }} {{ v.type_name_en }}</td></tr>
<tr><th>签发机构 <span class="en">Issued by</span></th><td>{{ v.district_name_zh }} {{ v.district_name_en }}</td></tr>
<tr><th>签证日期 <span class="en">Date of issue</span></th><td>{{ v.issue_date }}</td></tr>
<tr><th>发货人 <span class="en">Consignor</span></th><td>{{ v.consignor_zh or '' }} {{ v.consignor_en or '' }}</td></tr>
<tr><th>收货人 <span class="en">Consignee</span></th><td>{{ v.consignee_en or '' }}</td></tr>
<tr><th>输往国家或地区 <span class="en">Destination</span></th><td>{{ v.destination_country_zh or '' }}</td></tr>
{% for g in v.goods %}
<tr><th>货物 <span class="en">Goods</span></th><td>{{ g.description_zh or '' }} {{ g.description_en or '' }}
 {{ g.quantity or '' }} {{ g.quantity_unit or '' }} {{ g.net_weight or '' }} {{ g.weight_unit or '' }}</td></tr>
{% endfor %}
<tr><th>电子签章 <span class="en">Electronic seal</span></th><td id="seal">
 {% if v.seal_valid %}签章有效 <span class="en">Seal valid</span>{% else %}签章无效 <span class="en">Seal INVALID</span>{% endif %}
 (Ed25519, {{ v.key_id }}{% if v.key_status == 'retired' %}, 密钥已轮换 <span class="en">key rotated</span>{% endif %})</td></tr>
{% if v.payload_valid is not none %}
<tr><th>二维码数据 <span class="en">QR data</span></th><td id="payload">
 {% if v.payload_valid %}与证书一致 <span class="en">matches this certificate</span>
 {% else %}与证书不一致 <span class="en">does NOT match this certificate</span>{% endif %}</td></tr>
{% endif %}
</table>
{% endif %}
<p class="en">公钥 Public keys: <a href="/api/v1/certificates/keys">/api/v1/certificates/keys</a></p>
</body>
</html>
"""


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
    html = render_template_string(_PAGE, v=verification, number=certificate_no, status=STATUS_TEXT)
    response = (html, 200 if verification else 404, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"})
    return response
