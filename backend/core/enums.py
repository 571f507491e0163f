"""Roles and assurance levels shared by every domain."""

from enum import StrEnum


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    REVIEWER = "reviewer"
    INSPECTOR = "inspector"
    CERTIFICATE_OFFICER = "certificate_officer"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"
    SYSTEM_CLIENT = "system_client"


CUSTOMS_ROLES = frozenset(
    {Role.REVIEWER, Role.INSPECTOR, Role.CERTIFICATE_OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
)


class Assurance(StrEnum):
    """How the session was authenticated: the seed's 账号登录 vs 卡介质登录."""

    PASSWORD = "password"
    KEY = "key"

    def satisfies(self, required: "Assurance") -> bool:
        return self == Assurance.KEY or required == Assurance.PASSWORD
