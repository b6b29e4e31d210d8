"""Invitations: one person by email (single use) or a shareable link, and joining with one."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.accounts.selectors import has_verified_email
from coopbuy.audit.services import audit_record
from coopbuy.groups import emails
from coopbuy.groups.memberships import membership_admit
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.groups.services import GroupError
from coopbuy.outbox.services import outbox_enqueue_many

Role = Membership.Role


@transaction.atomic
def invitation_create(
    *,
    group: BuyingGroup,
    actor: User,
    email: str = "",
    role: str = Role.MEMBER,
    days_valid: int | None = None,
    max_uses: int | None = None,
) -> Invitation:
    """Invite one person by email (single use), or make a shareable link (limited if wanted)."""
    require_coordinator(group=group, user=actor)
    if role not in Role.values:
        raise GroupError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    days = settings.COOPBUY_INVITATION_DAYS if days_valid is None else days_valid
    if not 1 <= days <= 90:
        raise GroupError(_("An invitation can be valid for 1 to 90 days."), field="days_valid")
    if max_uses is not None and max_uses < 1:
        raise GroupError(
            _("Let at least one person use it, or leave it unlimited."), field="max_uses"
        )
    email = email.strip().lower()
    if email:
        if Membership.objects.active().filter(group=group, user__email__iexact=email).exists():
            raise GroupError(_("%(email)s is already a member.") % {"email": email}, field="email")
        max_uses = 1
    invitation = Invitation.objects.create(
        group=group,
        code=secrets.token_urlsafe(24),
        email=email,
        role=role,
        max_uses=max_uses,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    audit_record(
        action="invitation.created",
        summary=_("%(actor)s invited %(who)s as %(role)s")
        % {
            "actor": actor.name,
            "who": email or _("anyone with the link"),
            "role": Role(role).label,
        },
        actor=actor,
        group=group,
        data={"invitation": invitation.pk, "email": email, "role": role},
    )
    if email:
        outbox_enqueue_many([emails.invitation_email(invitation)])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    require_coordinator(group=invitation.group, user=actor)
    updated = Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    if updated:
        audit_record(
            action="invitation.revoked",
            summary=_("%(actor)s revoked an invitation for %(who)s")
            % {"actor": actor.name, "who": invitation.email or _("a shared link")},
            actor=actor,
            group=invitation.group,
            data={"invitation": invitation.pk},
        )
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation cannot be used, in words for the person holding it; None if it can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    state = invitation.state()
    if state == "revoked":
        return _(
            "This invitation was withdrawn by the group's coordinators. Ask them for a new one."
        )
    if state == "expired":
        return _(
            "This invitation expired on %(date)s. Ask the group's coordinators for a new one."
        ) % {"date": timezone.localtime(invitation.expires_at).strftime("%d %B %Y")}
    if state == "used up":
        return _("This invitation has been used as many times as allowed. Ask for a new one.")
    return None


@transaction.atomic
def invitation_accept(*, code: str, user: User) -> Membership:
    """Join a group with an invitation; the use is counted by a conditional update (race-safe)."""
    invitation = Invitation.objects.select_related("group").filter(code=code).first()
    problem = invitation_problem(invitation)
    if problem or invitation is None:
        raise GroupError(problem or "")
    if Membership.objects.active().filter(group=invitation.group, user=user).exists():
        raise GroupError(
            _("You are already a member of %(group)s.") % {"group": invitation.group.name}
        )
    if invitation.email and not has_verified_email(user=user, email=invitation.email):
        raise GroupError(
            _(
                "This invitation was sent to %(email)s: sign in with that address, or add and "
                "confirm it on your account, to accept it."
            )
            % {"email": invitation.email}
        )
    claimed = (
        Invitation.objects.filter(
            pk=invitation.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
        .update(use_count=F("use_count") + 1)
    )
    if not claimed:
        invitation.refresh_from_db()
        raise GroupError(
            invitation_problem(invitation) or _("This invitation can no longer be used.")
        )
    return membership_admit(
        group=invitation.group, user=user, role=invitation.role, how="invitation", actor=None
    )
