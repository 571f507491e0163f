"""Steps the enterprise portal's browser tests share: API calls as a demo user, a complete application
body, screenshots at phone and desktop size."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from playwright.sync_api import Browser, Page

from tests.declarations import bodies
from tests.e2e.helpers import DEMO_PASSWORD, add_virtual_authenticator

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Api:
    """A demo user's API session against the live server (password login)."""

    def __init__(self, base_url: str, username: str, token: str | None = None):
        """Logs in with the password, unless given the access token of another login (a key's)."""
        self.base_url = base_url
        if token is None:
            credentials = {"username": username, "password": DEMO_PASSWORD}
            token = self.call("POST", "/api/v1/auth/login", credentials)["access_token"]
        self.token = token

    def status(self, method: str, path: str) -> int:
        """The HTTP status of a bodiless call, error or not."""
        request = urllib.request.Request(self.base_url + path, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()[:500]!r}") from None
        return json.loads(text) if text else {}


def steel_pipes(enterprise: SimpleNamespace, consignee: str = "Osaka Steel Trading K.K.") -> dict:
    """A complete application for goods that need no qualification (seamless steel pipes)."""
    return {
        "applicant_code": enterprise.customs_code,
        "applicant_name": enterprise.name_zh,
        "consignor_code": enterprise.customs_code,
        "consignor_name_zh": enterprise.name_zh,
        "consignee_name_en": consignee,
        "trade_country": "JPN",
        "destination_country": "JPN",
        "departure_port": "CNYTN",
        "arrival_port": "JPOSA",
        "transport_mode": "2",
        "contract_no": "E2E-STEEL-01",
        "shipping_date": (date.today() + timedelta(days=12)).isoformat(),
        "storage_place": "深圳市盐田港 3 号仓",
        "total_packages": 40,
        "total_net_weight": "120000.000",
        "goods": [
            {
                "hs_code": "7304192000",
                "ciq_code": "7304192000999",
                "name_zh": "无缝钢管",
                "quantity": "120.000",
                "quantity_unit": "070",
                "net_weight": "120000.000",
                "value": "96000.00",
                "currency": "USD",
                "packing_count": 40,
            }
        ],
        "containers": [{"size_type": "40GP", "count": 1, "numbers": []}],
        "certificates": [{"cert_code": "11", "originals": 1, "copies": 1}],
    }


# The demo enterprises (backend/demo.py): ent-demo's and ent2-demo's.
BAMBOO = SimpleNamespace(
    customs_code="4403960ABC",
    name_zh="深圳市竹韵家居用品有限公司",
    name_en="Shenzhen Zhuyun Household Products Co., Ltd.",
)
SEAFOOD = SimpleNamespace(
    customs_code="4403961XYZ",
    name_zh="深圳市海鲜冷链进出口有限公司",
    name_en="Shenzhen Seafood Cold Chain Import & Export Co., Ltd.",
)


def food_application(
    enterprise: SimpleNamespace,
    goods: str,
    *,
    qualification: str,
    registration_no: str,
    cert_code: str,
    **fields,
) -> dict:
    """A complete application of a demo enterprise for food it produces itself (`goods` names a line of
    tests/declarations/bodies.py), with its producer qualification and one certificate of `cert_code`."""
    line = {**bodies.GOODS[goods], "producer_name": enterprise.name_zh}
    line["producer_registration_no"] = registration_no
    holder = {"type_code": qualification, "number": registration_no, "holder_name": enterprise.name_zh}
    return bodies.body(
        enterprise,
        goods=[line],
        qualifications=[holder],
        certificates=[{"cert_code": cert_code, "originals": 1, "copies": 1}],
        **fields,
    )


def submitted_application(api: Api, body: dict) -> dict:
    """Create and submit an application; returns it accepted (报检成功, with its inspection number)."""
    draft = api.call("POST", "/api/v1/declarations", body)
    return api.call("POST", f"/api/v1/declarations/{draft['id']}/submit", {"version": draft["version"]})


def e_record_issued(live_server: str, declaration: dict) -> str:
    """Customs approves the application without inspection; returns its e-record number.

    Goods and destination (steel pipes to New Zealand) that no risk rule of the demo data selects.
    """
    reviewer = Api(live_server, "reviewer-demo")
    result = reviewer.call(
        "POST",
        f"/api/v1/review/declarations/{declaration['id']}/approve",
        {"expected_version": declaration["version"]},
    )
    assert result["outcome"] == "e_record_issued", f"a risk rule selected it for inspection: {result}"
    return result["e_record"]["e_record_no"]


# A WebAuthn login in the page (its virtual authenticator holds the user's key): the token pair.
KEY_LOGIN = """
async (username) => {
  const post = async (path, body) => {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    const data = await response.json()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(data)}`)
    return data
  }
  const login = await post('/api/v1/auth/webauthn/login/options', { username })
  const asserted = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(login.options),
  })
  return post('/api/v1/auth/webauthn/login/verify', { credential: asserted.toJSON() })
}
"""


def key_api(page: Page, base_url: str, username: str) -> Api:
    """An API session of a key login (assurance key), with the key the page's authenticator holds."""
    pair = page.evaluate(KEY_LOGIN, username)
    assert pair["assurance"] == "key", pair
    return Api(base_url, username, token=pair["access_token"])


# Register a first security key from the password session with the administrator's one-time
# enrolment code, then log in with it: a key session.
REGISTER_KEY_AND_LOGIN = """
async ({ token, username, code }) => {
  const post = async (path, body, bearer) => {
    const response = await fetch(path, {
      method: 'POST',
      headers: bearer
        ? { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` }
        : { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
    const data = await response.json()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(data)}`)
    return data
  }
  const registration = await post('/api/v1/auth/webauthn/register/options', { enrolment_code: code }, token)
  const created = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(registration.options),
  })
  const credential = created.toJSON()
  const verify = { credential, name: 'e2e key', enrolment_code: code }
  await post('/api/v1/auth/webauthn/register/verify', verify, token)
  const login = await post('/api/v1/auth/webauthn/login/options', { username })
  const asserted = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(login.options),
  })
  return post('/api/v1/auth/webauthn/login/verify', { credential: asserted.toJSON() })
}
"""


def key_session(
    browser: Browser, base_url: str, password_headers: dict, username: str, code: str | None = None
) -> dict:
    """Bearer headers of a key login (assurance key) for `username`, whose first security key is
    registered here from its password session (`password_headers`) in a virtual authenticator, with
    an enrolment code (`code`, else one the enrolment administrator issues now)."""
    code = code or enrolment_code(browser, base_url, username)
    pair = _first_key_login(browser, base_url, password_headers, username, code)
    return {"Authorization": f"Bearer {pair['access_token']}"}


def _first_key_login(
    browser: Browser, base_url: str, password_headers: dict, username: str, code: str
) -> dict:
    """The token pair of a key login with a first key registered now, in a context of its own."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/healthz")  # any page of the origin; WebAuthn needs http://localhost
        add_virtual_authenticator(page)
        token = password_headers["Authorization"].removeprefix("Bearer ")
        return page.evaluate(REGISTER_KEY_AND_LOGIN, {"token": token, "username": username, "code": code})
    finally:
        context.close()


# The administrator who issues enrolment codes in the browser tests (created with the session's
# server, district 5300 like every demo user); its own first key's code comes from the server command,
# as the first administrator's does in production.
ENROLMENT_ADMIN = "admin-keys-e2e"
SERVER_ENV: dict = {}  # the session server's environment (tests/e2e/conftest.py server_setup fills it)
_ENROLMENT_SESSIONS: dict[str, str] = {}  # base_url → the enrolment administrator's refresh token


def server_enrolment_code(username: str) -> str:
    """`flask identity enrolment-code USERNAME` run against the session server's database."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", "identity", "enrolment-code", username],
        cwd=Path(__file__).resolve().parents[2],
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.split()[1]  # "username: CODE (valid until …)"


def admin_key_api(browser: Browser, base_url: str) -> Api:
    """A key session of the enrolment administrator (its key registered once per server; later calls
    refresh the session, so it outlives the access token's 15 minutes)."""
    refresh = _ENROLMENT_SESSIONS.get(base_url)
    if refresh is None:
        pair = _first_key_login(
            browser,
            base_url,
            password_headers(base_url, ENROLMENT_ADMIN),
            ENROLMENT_ADMIN,
            server_enrolment_code(ENROLMENT_ADMIN),
        )
        _ENROLMENT_SESSIONS[base_url] = pair["refresh_token"]
        return Api(base_url, ENROLMENT_ADMIN, token=pair["access_token"])
    pair = Api(base_url, ENROLMENT_ADMIN, token="").call(
        "POST", "/api/v1/auth/refresh", {"refresh_token": refresh}
    )
    _ENROLMENT_SESSIONS[base_url] = pair["refresh_token"]
    assert pair["assurance"] == "key", pair
    return Api(base_url, ENROLMENT_ADMIN, token=pair["access_token"])


def enrolment_code(browser: Browser, base_url: str, username: str) -> str:
    """The one-time code an administrator issues for `username`'s first key (POST …/enrolment-code)."""
    user_id = Api(base_url, username).call("GET", "/api/v1/auth/me")["id"]
    issued = admin_key_api(browser, base_url).call("POST", f"/api/v1/admin/users/{user_id}/enrolment-code")
    return issued["code"]


def password_headers(base_url: str, username: str) -> dict:
    """Bearer headers of a password login."""
    return {"Authorization": f"Bearer {Api(base_url, username).token}"}


def registered_key_api(browser: Browser, base_url: str, username: str) -> Api:
    """An API session of `username`'s key login (its first key, registered now in a context of its own)."""
    headers = key_session(browser, base_url, password_headers(base_url, username), username)
    return Api(base_url, username, token=headers["Authorization"].removeprefix("Bearer "))


def page_key_api(page: Page, base_url: str, username: str) -> Api:
    """`username`'s first key, registered into the page's virtual authenticator (the page is on the
    app's origin, add_virtual_authenticator done), and an API session of a key login with it: the
    page can then sign in with that key through the login screen."""
    token = Api(base_url, username).token
    code = enrolment_code(page.context.browser, base_url, username)
    pair = page.evaluate(REGISTER_KEY_AND_LOGIN, {"token": token, "username": username, "code": code})
    assert pair["assurance"] == "key", pair
    return Api(base_url, username, token=pair["access_token"])


RESULT = "经检验，外观、尺寸及力学性能符合合同要求。 Conforms to the contract."


def quality_form(**fields) -> dict:
    """A quality certificate's form for the steel pipes; without `fields`, the inspection result
    (required) is missing."""
    return {
        "consignee": {"name_en": "Osaka Steel Trading K.K.", "address_en": "1-1 Umeda, Osaka"},
        "destination_country": "JPN",
        "port_of_departure": "Yantian, China",
        "port_of_destination": "Osaka, Japan",
        "goods": [
            {
                "hs_code": "7304192000",
                "description_zh": "无缝钢管",
                "description_en": "Seamless steel pipes",
                "quantity": "120",
                "quantity_unit": "070",
                "net_weight": "120000",
                "packages": 40,
            }
        ],
        "fields": fields,
    }


def shoot(page: Page, folder: Path, name: str, area: str = "enterprise") -> None:
    """Screenshots of the current screen at phone and at desktop size (back to phone afterwards)."""
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=folder / f"{area}-{size}-{name}.png", full_page=True)
    page.set_viewport_size(PHONE)
