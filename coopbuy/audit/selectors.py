"""Reading the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from coopbuy.audit.models import AuditEvent

if TYPE_CHECKING:
    from coopbuy.groups.models import BuyingGroup


def audit_events_for_group(*, group: BuyingGroup) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(group=group).select_related("actor", "subject")
