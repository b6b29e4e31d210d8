"""Background work for groups: the emails that invitations and join requests send.

Enqueued with `transaction.on_commit`, so nothing is sent for a change that rolled back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from coopbuy.groups.models import Invitation, JoinRequest, Membership


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@task
def send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("group", "created_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "group": invitation.group,
        "url": _url(reverse("groups:invitation", args=[invitation.code])),
    }
    send_mail(
        subject=render_to_string("groups/email/invitation_subject.txt", context).strip(),
        message=render_to_string("groups/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@task
def notify_join_request(join_request_id: int) -> None:
    join_request = JoinRequest.objects.select_related("group", "user").get(pk=join_request_id)
    coordinators = (
        Membership.objects.active()
        .filter(group=join_request.group, role=Membership.Role.COORDINATOR)
        .select_related("user")
    )
    context = {
        "join_request": join_request,
        "group": join_request.group,
        "url": _url(reverse("groups:members", args=[join_request.group.slug])),
    }
    subject = render_to_string("groups/email/join_request_subject.txt", context).strip()
    body = render_to_string("groups/email/join_request.txt", context)
    send_mass_mail([(subject, body, None, [m.user.email]) for m in coordinators])


@task
def notify_join_decision(join_request_id: int) -> None:
    join_request = JoinRequest.objects.select_related("group", "user").get(pk=join_request_id)
    context = {
        "join_request": join_request,
        "group": join_request.group,
        "approved": join_request.status == JoinRequest.Status.APPROVED,
        "url": _url(reverse("groups:detail", args=[join_request.group.slug])),
    }
    send_mail(
        subject=render_to_string("groups/email/join_decision_subject.txt", context).strip(),
        message=render_to_string("groups/email/join_decision.txt", context),
        from_email=None,
        recipient_list=[join_request.user.email],
    )
