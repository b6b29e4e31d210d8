"""Join requests: asking to join a group that admits by approval, and the coordinators' answer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups import emails
from coopbuy.groups.memberships import membership_admit
from coopbuy.groups.models import BuyingGroup, JoinRequest, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.groups.services import GroupError
from coopbuy.outbox.services import outbox_enqueue_many

Role = Membership.Role


@transaction.atomic
def join_request_create(*, group: BuyingGroup, user: User, message: str = "") -> JoinRequest:
    """Ask to join a group that admits by approval; the coordinators are told by email."""
    group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    if group.join_policy == BuyingGroup.JoinPolicy.INVITATION:
        raise GroupError(
            _("%(group)s only admits people with an invitation.") % {"group": group.name}
        )
    if Membership.objects.active().filter(group=group, user=user).exists():
        raise GroupError(_("You are already a member of %(group)s.") % {"group": group.name})
    if JoinRequest.objects.filter(
        group=group, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise GroupError(_("You have already asked to join; a coordinator will answer soon."))
    message = message.strip()
    if len(message) > 1000:
        raise GroupError(_("Keep the message under 1000 characters."), field="message")
    join_request = JoinRequest.objects.create(group=group, user=user, message=message)
    audit_record(
        action="join_request.created",
        summary=_("%(user)s asked to join") % {"user": user.name},
        actor=user,
        group=group,
        subject=user,
    )
    outbox_enqueue_many(emails.join_request_emails(join_request))
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, actor: User, approve: bool) -> JoinRequest:
    """A coordinator approves (the person becomes a member) or declines a pending request."""
    require_coordinator(group=join_request.group, user=actor)
    join_request = JoinRequest.objects.select_for_update(no_key=True).get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise GroupError(
            _("This request was already answered (%(status)s).")
            % {"status": join_request.get_status_display()}
        )
    if approve:
        membership_admit(
            group=join_request.group,
            user=join_request.user,
            role=Role.MEMBER,
            how="request approved",
            actor=actor,
        )
        join_request.refresh_from_db()
    else:
        join_request.status = JoinRequest.Status.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = actor
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            action="join_request.declined",
            summary=_("%(actor)s declined %(user)s's request")
            % {"actor": actor.name, "user": join_request.user.name},
            actor=actor,
            group=join_request.group,
            subject=join_request.user,
        )
    outbox_enqueue_many([emails.join_decision_email(join_request)])
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: User) -> JoinRequest:
    if join_request.user_id != user.pk:
        raise GroupError(_("You can only withdraw your own request."))
    updated = JoinRequest.objects.filter(
        pk=join_request.pk, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now())
    if not updated:
        raise GroupError(_("This request was already answered."))
    audit_record(
        action="join_request.withdrawn",
        summary=_("%(user)s withdrew their request") % {"user": user.name},
        actor=user,
        group=join_request.group,
        subject=user,
    )
    join_request.refresh_from_db()
    return join_request
