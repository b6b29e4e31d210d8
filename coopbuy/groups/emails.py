"""The emails of groups (invitations, join requests and their answers), written to the outbox.

Each is built inside the service's transaction and queued there, so a message exists if and only
if the change it reports committed, and it is sent after the commit with no lock held.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from coopbuy.groups.models import Invitation, JoinRequest, Membership
from coopbuy.outbox.services import Email


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _render(template: str, context: dict[str, object], to: list[str]) -> Email:
    return Email(
        to=to,
        subject=render_to_string(f"groups/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"groups/email/{template}.txt", context),
    )


def invitation_email(invitation: Invitation) -> Email:
    context: dict[str, object] = {
        "invitation": invitation,
        "group": invitation.group,
        "url": _url(reverse("groups:invitation", args=[invitation.code])),
    }
    return _render("invitation", context, [invitation.email])


def join_request_emails(join_request: JoinRequest) -> list[Email]:
    """One message to each coordinator of the group."""
    coordinators = (
        Membership.objects.active()
        .filter(group=join_request.group, role=Membership.Role.COORDINATOR)
        .select_related("user")
    )
    context: dict[str, object] = {
        "join_request": join_request,
        "group": join_request.group,
        "url": _url(reverse("groups:members", args=[join_request.group.slug])),
    }
    return [_render("join_request", context, [m.user.email]) for m in coordinators]


def join_decision_email(join_request: JoinRequest) -> Email:
    context: dict[str, object] = {
        "join_request": join_request,
        "group": join_request.group,
        "approved": join_request.status == JoinRequest.Status.APPROVED,
        "url": _url(reverse("groups:detail", args=[join_request.group.slug])),
    }
    return _render("join_decision", context, [join_request.user.email])
