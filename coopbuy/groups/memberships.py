"""Every write to memberships: joining an open group, changing a role, leaving, being removed.

A membership is never deleted: it ends, and its orders, charges and ledger account stay as history;
joining again reactivates the same row. `membership_admit` is the one way in, shared by an open
group, an approved join request and an accepted invitation.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups import ending
from coopbuy.groups.models import BuyingGroup, JoinRequest, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.groups.services import GroupError

Role = Membership.Role


def _lock_memberships(group: BuyingGroup) -> list[Membership]:
    """Lock the group, then its active memberships by pk (the fixed order of all writers)."""
    BuyingGroup.objects.select_for_update(no_key=True).filter(pk=group.pk).first()
    return list(
        Membership.objects.active()
        .select_for_update(no_key=True)
        .filter(group=group)
        .order_by("pk")
    )


def membership_admit(
    *, group: BuyingGroup, user: User, role: str, how: str, actor: User | None
) -> Membership:
    """Add a person, or reactivate the membership they had (same row, same ledger account).

    Runs inside the caller's transaction, once the caller has decided the person may join.
    """
    existing = (
        Membership.objects.select_for_update(no_key=True).filter(group=group, user=user).first()
    )
    if existing is not None and existing.is_active:
        raise GroupError(_("You are already a member of %(group)s.") % {"group": group.name})
    if existing is None:
        membership = Membership.objects.create(group=group, user=user, role=role)
        action, summary = "membership.joined", _("%(user)s joined as %(role)s (%(how)s)")
        data: dict[str, object] = {"role": role, "how": how}
    else:
        membership = existing
        data = {
            "role": role,
            "how": how,
            "ended_at": membership.ended_at.isoformat() if membership.ended_at else None,
            "end_reason": membership.end_reason,
        }
        membership.role, membership.joined_at = role, timezone.now()
        membership.ended_at, membership.ended_by, membership.end_reason = None, None, ""
        membership.save(update_fields=["role", "joined_at", "ended_at", "ended_by", "end_reason"])
        action, summary = "membership.rejoined", _("%(user)s rejoined as %(role)s (%(how)s)")
    JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=timezone.now(), decided_by=actor
    )
    audit_record(
        action=action,
        summary=summary % {"user": user.name, "role": membership.get_role_display(), "how": how},
        actor=actor or user,
        group=group,
        subject=user,
        data=data,
    )
    return membership


@transaction.atomic
def group_join(*, group: BuyingGroup, user: User) -> Membership:
    """Join an open group directly."""
    group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    if group.join_policy != BuyingGroup.JoinPolicy.OPEN:
        raise GroupError(
            _("%(group)s does not take members without approval or an invitation.")
            % {"group": group.name}
        )
    return membership_admit(group=group, user=user, role=Role.MEMBER, how="open group", actor=None)


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Make a member coordinator, treasurer or plain member. A group always keeps a coordinator.

    The group and its memberships are locked first, the actor's among them, and only then is the
    actor's own role checked: a service acting on a role (`groups.permissions.require_role`) holds
    the same row, so it finishes before the change, or sees it and is refused.
    """
    locked = {m.pk: m for m in _lock_memberships(membership.group)}
    require_coordinator(group=membership.group, user=actor)
    if role not in Role.values:
        raise GroupError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    target = locked.get(membership.pk)
    if target is None:
        raise GroupError(_("This person is no longer a member."))
    if target.role == role:
        return target
    coordinators = sum(1 for m in locked.values() if m.role == Role.COORDINATOR)
    if target.role == Role.COORDINATOR and coordinators <= 1:
        raise GroupError(
            _("%(user)s is the group's only coordinator: make someone else coordinator first.")
            % {"user": target.user.name},
            field="role",
        )
    old = target.role
    target.role = role
    target.save(update_fields=["role"])
    audit_record(
        action="membership.role_changed",
        summary=_("%(actor)s made %(user)s %(role)s (was %(old)s)")
        % {
            "actor": actor.name,
            "user": target.user.name,
            "role": target.get_role_display(),
            "old": Role(old).label,
        },
        actor=actor,
        group=target.group,
        subject=target.user,
        data={"from": old, "to": role},
    )
    return target


def _end_membership(
    *,
    membership: Membership,
    actor: User,
    reason: str,
    action: str,
    summary: str,
    by_coordinator: bool,
) -> Membership:
    """End (never delete) a membership: its orders, charges and account stay as history.

    Refused while a round the person ordered in is unsettled or their balance is not zero (the
    areas above say so through `ending`), and for the group's only coordinator. The memberships
    are locked first (the group's, then by pk), the actor's role checked after (`by_coordinator`),
    as `membership_change_role` does.
    """
    locked = {m.pk: m for m in _lock_memberships(membership.group)}
    if by_coordinator:
        require_coordinator(group=membership.group, user=actor)
    target = locked.get(membership.pk)
    if target is None:
        raise GroupError(_("This person is no longer a member."))
    coordinators = sum(1 for m in locked.values() if m.role == Role.COORDINATOR)
    if target.role == Role.COORDINATOR and coordinators <= 1:
        raise GroupError(
            _("The group's only coordinator cannot leave: make someone else coordinator first.")
        )
    refusals = ending.end_refusals(target, leaving=reason == Membership.EndReason.LEFT)
    if refusals:
        raise GroupError(" ".join(refusals))
    ending.before_end(target, actor=actor)
    target.ended_at, target.ended_by, target.end_reason = timezone.now(), actor, reason
    target.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        action=action,
        summary=summary,
        actor=actor,
        group=target.group,
        subject=target.user,
        data={"role": target.role, "membership": target.pk, "reason": reason},
    )
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> Membership:
    """A coordinator removes someone from the group: the membership ends, its history stays."""
    if membership.user_id == actor.pk:
        raise GroupError(_("To leave the group yourself, use “Leave group”."))
    return _end_membership(
        membership=membership,
        actor=actor,
        by_coordinator=True,
        reason=Membership.EndReason.REMOVED,
        action="membership.removed",
        summary=_("%(actor)s removed %(user)s")
        % {"actor": actor.name, "user": membership.user.name},
    )


@transaction.atomic
def membership_leave(*, membership: Membership, user: User) -> Membership:
    """A person leaves a group of their own accord: the membership ends, its history stays."""
    if membership.user_id != user.pk:
        raise GroupError(_("You can only leave a group for yourself."))
    return _end_membership(
        membership=membership,
        actor=user,
        by_coordinator=False,
        reason=Membership.EndReason.LEFT,
        action="membership.left",
        summary=_("%(user)s left the group") % {"user": user.name},
    )
