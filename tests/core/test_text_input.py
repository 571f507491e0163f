"""Text is normalised once, at the base schema (issue 12, item 11): codes NFKC-folded to ASCII, invisible
format characters removed, bidirectional overrides refused, free text otherwise kept as typed."""

from __future__ import annotations

import pytest

from backend.core.enums import Assurance, Role
from backend.core.text import TextRefused, clean_text, is_code_field
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.identity.models import Enterprise
from backend.identity.passwords import hash_password

FULL_WIDTH_CODE = "４４０３９６０ＡＢＣ"  # what a Chinese input method types in full-width mode


@pytest.fixture
def admin_headers(factories):
    return factories.headers(factories.user(Role.ADMINISTRATOR), Assurance.KEY)


def test_a_full_width_customs_code_is_the_same_enterprise(client, admin_headers):
    created = client.post(
        "/api/v1/admin/enterprises",
        json={"customs_code": FULL_WIDTH_CODE, "name_zh": "深圳甲公司"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["customs_code"] == "4403960ABC"
    stored = db.session.execute(db.select(Enterprise.customs_code).where(Enterprise.name_zh == "深圳甲公司"))
    assert stored.scalar_one() == "4403960ABC"
    found = client.get(
        "/api/v1/admin/enterprises", query_string={"customs_code": FULL_WIDTH_CODE}, headers=admin_headers
    ).get_json()
    assert [e["customs_code"] for e in found] == ["4403960ABC"]
    for twin in ("4403960ABC", " ４４０３９６０ＡＢＣ ", "4403960\u200bABC"):
        again = client.post(
            "/api/v1/admin/enterprises",
            json={"customs_code": twin, "name_zh": "另一家"},
            headers=admin_headers,
        )
        assert again.status_code == 409 and again.get_json()["error"] == "identity.enterprise_exists", twin


def test_a_full_width_inspection_number_in_a_query_finds_the_declaration(client, factories):
    enterprise = factories.enterprise()
    factories.declaration(enterprise, status="accepted", inspection_no="226N53000000123")
    reviewer = factories.headers(factories.user(Role.REVIEWER))
    page = client.get(
        "/api/v1/review/queue",
        query_string={"inspection_no": "２２６Ｎ５３０００００", "hs_prefix": "４４１９"},
        headers=reviewer,
    )
    assert page.status_code == 200, page.get_json()
    assert [i["inspection_no"] for i in page.get_json()["items"]] == ["226N53000000123"]


@pytest.mark.parametrize("override", ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_a_bidi_override_never_gets_stored(client, factories, override):
    headers = factories.headers(factories.user(Role.ENTERPRISE))
    body = {
        "consignee_name_en": f"Tokyo {override}K.K.",
        "goods": [{"name_zh": "竹筷", "name_en": f"chopsticks{override}exe.pdf"}],
    }
    response = client.post("/api/v1/declarations", json=body, headers=headers)
    answer = response.get_json()
    assert response.status_code == 422 and answer["error"] == "request.invalid"
    assert "U+202A" in answer["errors"]["consignee_name_en"][0]
    assert "U+202A" in answer["errors"]["goods"]["0"]["name_en"][0]
    assert db.session.scalar(db.select(db.func.count()).select_from(Declaration)) == 0


def test_invisible_format_characters_are_removed_and_free_text_kept(client, factories):
    headers = factories.headers(factories.user(Role.ENTERPRISE))
    body = {
        "consignee_name_en": "\ufeffTokyo\u200b Kitchen\u00ad K.K.\u2060",
        "consignee_address": "东京都港区芝浦１－２－３（３楼），日本",
        "contract_no": "ＺＹ－２０２６－０００１",
        "goods": [{"name_zh": "竹\u200d筷\u200c", "hs_code": "４４１９１２１０００"}],
    }
    response = client.post("/api/v1/declarations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    stored = db.session.get(Declaration, response.get_json()["id"])
    assert stored.consignee_name_en == "Tokyo Kitchen K.K."
    # Free text keeps its full-width digits and Chinese punctuation; only codes are folded.
    assert stored.consignee_address == "东京都港区芝浦１－２－３（３楼），日本"
    assert stored.contract_no == "ZY-2026-0001"
    assert (stored.goods[0].name_zh, stored.goods[0].hs_code) == ("竹筷", "4419121000")


def test_clean_text_rules():
    assert clean_text(FULL_WIDTH_CODE, code=True) == "4403960ABC"
    assert clean_text(FULL_WIDTH_CODE) == FULL_WIDTH_CODE
    assert clean_text("a\u200bb\u200ec\u200fd\ufeff") == "abcd"
    assert clean_text("line one\nline two\ttab") == "line one\nline two\ttab"
    for bad, reason in (("a\x00", "nul"), ("a\ud800", "surrogate"), ("a\u202eb", "bidi")):
        with pytest.raises(TextRefused) as refused:
            clean_text(bad)
        assert refused.value.reason == reason
    codes = (
        "customs_code",
        "hs_code",
        "inspection_no",
        "destination_country",
        "arrival_port",
        "currency",
        "number",
        "numbers",
        "hs_prefix",
        "code",
    )
    assert all(is_code_field(name) for name in codes)
    assert not any(
        is_code_field(n) for n in ("consignee_name_en", "notes", "reason", "storage_place", "nominal")
    )


def test_a_password_is_kept_exactly_as_typed(client, factories):
    """Invisible characters are part of a password: removing them would change the secret."""
    assert clean_text("a\u200bb\u202ec", secret=True) == "a\u200bb\u202ec"
    with pytest.raises(TextRefused):
        clean_text("a\ud800", secret=True)
    user = factories.user(Role.ENTERPRISE, username="zw-user")
    user.password_hash = hash_password("Bamboo\u200b-Ware-2026!")
    db.session.commit()
    typed = {"username": "zw-user", "password": "Bamboo\u200b-Ware-2026!"}
    assert client.post("/api/v1/auth/login", json=typed).status_code == 200
    without = {"username": "zw-user", "password": "Bamboo-Ware-2026!"}
    assert client.post("/api/v1/auth/login", json=without).status_code == 401
