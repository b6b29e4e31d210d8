"""The emails of a group's application to a federation: its coordinators are told of a new
application, and the group's coordinators of the answer. Built in the service's transaction and
queued in the outbox, so they are sent only if the change commits."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from coopbuy.federations.models import FederationGroup, FederationRole
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many


def _federation_coordinators(row: FederationGroup) -> list[str]:
    return sorted(
        FederationRole.objects.filter(
            federation=row.federation,
            role=FederationRole.Role.COORDINATOR,
            ended_at__isnull=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def _group_coordinators(row: FederationGroup) -> list[str]:
    return sorted(
        Membership.objects.active()
        .filter(group=row.group, role=Membership.Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _each(to: list[str], subject: str, body: str) -> None:
    """One message per person: no one sees the others' addresses."""
    outbox_enqueue_many([Email([address], subject, body) for address in to])


def application_received(row: FederationGroup) -> None:
    url = settings.SITE_URL + reverse("federations:applications", args=[row.federation.slug])
    message = _("Their message:\n%(message)s\n\n") % {"message": row.message} if row.message else ""
    _each(
        _federation_coordinators(row),
        _("%(group)s asks to join %(federation)s")
        % {"group": row.group.name, "federation": row.federation.name},
        _(
            "%(group)s has applied to join %(federation)s.\n\n%(message)sApprove or refuse the "
            "application here: %(url)s\n"
        )
        % {
            "group": row.group.name,
            "federation": row.federation.name,
            "message": message,
            "url": url,
        },
    )


def application_answered(row: FederationGroup) -> None:
    url = settings.SITE_URL + reverse("federations:group", args=[row.group.slug])
    names = {"group": row.group.name, "federation": row.federation.name}
    if row.status == FederationGroup.Status.MEMBER:
        subject = _("%(group)s is now a member of %(federation)s") % names
        body = _(
            "%(federation)s has approved %(group)s's application. Your members can now order in "
            "the federation's pooled rounds, and you can set your group's markup here: %(url)s\n"
        ) % {**names, "url": url}
    else:
        subject = _("%(federation)s did not accept %(group)s's application") % names
        body = _(
            "%(federation)s has refused %(group)s's application, saying:\n%(reason)s\n\n"
            "You can apply again once you have changed what they asked: %(url)s\n"
        ) % {**names, "reason": row.refusal_reason, "url": url}
    _each(_group_coordinators(row), subject, body)
