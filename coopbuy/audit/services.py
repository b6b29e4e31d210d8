"""Writing the audit log. Called inside the transaction of the change it records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.audit.models import AuditEvent

if TYPE_CHECKING:
    from coopbuy.accounts.models import User
    from coopbuy.groups.models import BuyingGroup


def audit_record(
    *,
    action: str,
    summary: str,
    actor: User | None,
    group: BuyingGroup | None = None,
    subject: User | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one action; the caller's transaction makes it commit or vanish with the change."""
    return AuditEvent.objects.create(
        action=action,
        summary=summary[:300],
        actor=actor,
        group=group,
        subject=subject,
        data=data or {},
    )
