"""A close at the deadline that failed is made visible, once, and never stops the others.

The background close runs with nobody watching. When it fails (a bug, a supplier's data the engine
refuses, the database going away), the round stays open, an audit row says why, and the group's
coordinators get one email asking them to close it by hand or to contact support; a sweep that
meets the same failure again records it without emailing again the same day.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.audit.models import AuditEvent
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.rounds.models import Round

logger = logging.getLogger(__name__)

ACTION = "round.close_failed"


def _reason(error: Exception) -> str:
    if isinstance(error, UserFacingError):
        return str(error)
    return _("an unexpected error (%(kind)s); the details are in the server's log") % {
        "kind": type(error).__name__
    }


@transaction.atomic
def round_close_failed(*, round_id: int, error: Exception) -> None:
    """Record that the deadline close of the round failed, and tell its coordinators once a day."""
    round = Round.objects.select_related("group").filter(pk=round_id).first()
    if round is None:
        return
    reason = _reason(error)
    since = timezone.now() - timedelta(days=1)
    told_already = AuditEvent.objects.filter(
        action=ACTION, group=round.group, data__round=round.pk, created_at__gte=since
    ).exists()
    audit_record(
        action=ACTION,
        summary=_("The deadline could not close %(round)s: %(reason)s")
        % {"round": round.name, "reason": reason},
        actor=None,
        group=round.group,
        data={"round": round.pk, "error": type(error).__name__},
    )
    if told_already:
        return
    url = settings.SITE_URL + reverse(
        "rounds:detail", kwargs={"slug": round.group.slug, "round_id": round.pk}
    )
    coordinators = (
        Membership.objects.active()
        .filter(group=round.group, role=Membership.Role.COORDINATOR)
        .select_related("user")
    )
    subject = _("%(round)s did not close at its deadline") % {"round": round.name}
    body = _(
        "The round %(round)s of %(group)s should have closed at its deadline, but closing it "
        "failed: %(reason)s.\n\nThe round is still open and nothing was charged. Close it by "
        "hand from its page, or move its deadline:\n%(url)s\n"
    ) % {"round": round.name, "group": round.group.name, "reason": reason, "url": url}
    outbox_enqueue_many(
        [Email(to=[m.user.email], subject=subject, body=body) for m in coordinators]
    )
