"""The office's side of the inspector tests, through the API: issue instructions, read what the server holds.

Kept out of conftest.py so that the field bench (bench/field_bench.py) can use it without pytest's
session fixtures.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.e2e.enterprise_steps import BAMBOO, ENROLMENT_ADMIN, food_application
from tests.e2e.helpers import DEMO_PASSWORD

FIELD_INSPECTOR = "inspector-field-e2e"
# Every green tea to New Zealand gets an instruction (the inspector tests' instructions come from it).
FIELD_RULE = {
    "name_zh": "e2e 外勤查检：绿茶输新西兰",
    "hs_prefixes": ["0902"],
    "destination_countries": ["NZL"],
    "inspection_items": ["verify_goods", "packaging", "sampling"],
    "sampling_rate": 1,
}


class FieldApi:
    """API calls the inspector tests make as officers (and to check what the server holds)."""

    def __init__(self, base_url: str, admin_key_token=None, *, rule_ready: bool = False):
        self.base_url = base_url
        self._tokens: dict[str, str] = {}
        # Risk rules need an administrator's key session: a callable giving a fresh access token
        # (or `rule_ready`: the 100 % rule was seeded on the server, as the field bench does).
        self._admin_key_token = admin_key_token
        self._rule = rule_ready

    def call(
        self, method: str, path: str, user: str | None = None, body=None, *, base_url: str | None = None
    ):
        headers = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            (base_url or self.base_url) + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                kind = response.headers.get("Content-Type", "")
                return response.status, (json.loads(raw) if "json" in kind else raw)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, user: str | None = None, body=None, **kwargs):
        status, data = self.call(method, path, user, body, **kwargs)
        if status == 401 and user in self._tokens:
            # A long run outlives an access token (15 minutes): sign in again once and repeat.
            self._tokens.pop(user)
            if user == ENROLMENT_ADMIN and self._admin_key_token is not None:
                self._tokens[user] = self._admin_key_token()
            status, data = self.call(method, path, user, body, **kwargs)
        assert 200 <= status < 300, f"{method} {path}: {status} {data}"
        return data

    def token(self, user: str) -> str:
        if user not in self._tokens:
            pair = self.ok("POST", "/api/v1/auth/login", body={"username": user, "password": DEMO_PASSWORD})
            self._tokens[user] = pair["access_token"]
        return self._tokens[user]

    def new_instruction(self, inspector: str = FIELD_INSPECTOR) -> dict:
        """A fresh instruction assigned to `inspector`: green tea to New Zealand, selected by a 100 % rule."""
        if not self._rule:
            self._tokens[ENROLMENT_ADMIN] = self._admin_key_token()
            self.ok("POST", "/api/v1/review/risk-rules", ENROLMENT_ADMIN, FIELD_RULE)
            self._rule = True
        application = food_application(
            BAMBOO,
            "tea",
            qualification="FOOD_PRODUCER",
            registration_no="4403FP00123",
            cert_code="15",
            contract_no="ZY-2026-TEA-01",
            consignee_name_en="Auckland Fine Teas Ltd.",
            consignee_address="1 Queen Street, Auckland",
            trade_country="NZL",
            destination_country="NZL",
            arrival_port="NZAKL",
            storage_place="深圳市龙岗区坂田街道雪岗路 88 号 3 号仓",
            containers=[{"size_type": "20GP", "count": 1, "numbers": ["CSNU6184322"]}],
        )
        declaration = self.ok("POST", "/api/v1/declarations", "ent-demo", application)
        submitted = self.ok(
            "POST",
            f"/api/v1/declarations/{declaration['id']}/submit",
            "ent-demo",
            {"version": declaration["version"]},
        )
        opened = self.ok(
            "POST",
            f"/api/v1/review/declarations/{declaration['id']}/open",
            "reviewer-demo",
            {"expected_version": submitted["version"]},
        )
        approved = self.ok(
            "POST",
            f"/api/v1/review/declarations/{declaration['id']}/approve",
            "reviewer-demo",
            {"expected_version": opened["version"]},
        )
        assert approved["outcome"] == "inspection_notice", approved
        me = self.ok("GET", "/api/v1/auth/me", inspector)
        return self.ok(
            "POST",
            f"/api/v1/instructions/{approved['instruction_id']}/assign",
            "supervisor-demo",
            {"inspector_id": me["id"]},
        )
