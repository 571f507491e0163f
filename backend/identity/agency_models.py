"""代理报检授权: an exporter (the principal) authorises a customs broker (the agent) to act in its name."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import TimestampMixin, UTCDateTime, db
from backend.identity.models import Enterprise

# What an agent may do in the principal's name.
SCOPES = ("declare", "appointments", "certificates")


class AgencyAuthorisation(TimestampMixin, db.Model):
    """A recorded, revocable authorisation: scope and period, who granted it, who revoked it and why.

    (The certificate module's own `agent_authorisation`, for certificate applications only, predates
    this one; scope `certificates` is here so it can move onto this table.)
    """

    __tablename__ = "agency_authorisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    principal_enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    agent_enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    # Comma-separated subset of SCOPES, in that order.
    scopes: Mapped[str] = mapped_column(sa.String(100))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(500))

    principal: Mapped[Enterprise] = relationship(foreign_keys=[principal_enterprise_id])
    agent: Mapped[Enterprise] = relationship(foreign_keys=[agent_enterprise_id])

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    def live_on(self, day: date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to
