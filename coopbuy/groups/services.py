"""Every write to groups, memberships, invitations and join requests.

Each function is one use case in one transaction; it checks that the actor may do it (views check
too, but a service never trusts its caller), and writes an audit event beside the change.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.accounts.selectors import has_verified_email
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.groups import emails, ending
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.interest.services import GroupNearby, interest_notify_group_nearby
from coopbuy.outbox.services import outbox_enqueue_many

Role = Membership.Role
RESERVED_SLUGS = frozenset({"new", "mine", "find", "admin", "api", "static", "join", "account"})


class GroupError(UserFacingError):
    pass


# Groups ------------------------------------------------------------------------------------------


def _check_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> None:
    missing = places.missing_half(latitude, longitude)
    if missing:
        raise GroupError(places.both_or_neither(), field=missing)


@transaction.atomic
def group_create(
    *,
    creator: User,
    name: str,
    slug: str = "",
    description: str = "",
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    currency: str = BuyingGroup.Currency.GBP,
    visibility: str = BuyingGroup.Visibility.PUBLIC,
    join_policy: str = BuyingGroup.JoinPolicy.APPROVAL,
    members_listed_to_members: bool = True,
) -> BuyingGroup:
    """Start a group; its creator becomes its first coordinator. With
    `members_listed_to_members=False` only its coordinators see who its members are."""
    name = name.strip()
    if not name:
        raise GroupError(_("Give the group a name."), field="name")
    slug = slugify(slug or name)[:60]
    if not slug:
        raise GroupError(_("The web address needs letters or digits."), field="slug")
    if slug in RESERVED_SLUGS:
        raise GroupError(
            _("“%(slug)s” is reserved; choose another.") % {"slug": slug}, field="slug"
        )
    _check_coordinates(latitude, longitude)
    latitude, longitude = _located(place, latitude, longitude)
    if BuyingGroup.objects.filter(slug=slug).exists():
        raise GroupError(
            _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}, field="slug"
        )
    group = BuyingGroup(
        name=name,
        slug=slug,
        description=description.strip(),
        place=place.strip(),
        latitude=latitude,
        longitude=longitude,
        currency=currency,
        visibility=visibility,
        join_policy=join_policy,
        members_listed_to_members=members_listed_to_members,
        created_by=creator,
    )
    group.full_clean()
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as error:  # a concurrent create took the slug between check and insert
        raise GroupError(
            _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}, field="slug"
        ) from error
    Membership.objects.create(group=group, user=creator, role=Role.COORDINATOR)
    audit_record(
        action="group.created",
        summary=_("%(user)s started the group") % {"user": creator.name},
        actor=creator,
        group=group,
        subject=creator,
    )
    if _findable(group):
        _tell_waiting_list(group, "formed", exclude_user_ids=[creator.pk])
    return group


@transaction.atomic
def group_update(
    *,
    group: BuyingGroup,
    actor: User,
    name: str,
    description: str,
    place: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    visibility: str,
    join_policy: str,
) -> BuyingGroup:
    """Change a group's public face and how people join. The address and currency stay fixed."""
    require_coordinator(group=group, user=actor)
    _check_coordinates(latitude, longitude)
    if not name.strip():
        raise GroupError(_("Give the group a name."), field="name")
    group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    before = {f: getattr(group, f) for f in ("name", "visibility", "join_policy")}
    was_findable = _findable(group)
    moved = place.strip() != group.place and (latitude, longitude) == (
        group.latitude,
        group.longitude,
    )  # a new place with the old point: the place wins where we know it
    latitude, longitude = _located(place, latitude, longitude, prefer_place=moved)
    group.name, group.description, group.place = name.strip(), description.strip(), place.strip()
    group.latitude, group.longitude = latitude, longitude
    group.visibility, group.join_policy = visibility, join_policy
    group.full_clean()
    group.save()
    changed = {
        f: [str(v), str(getattr(group, f))] for f, v in before.items() if v != getattr(group, f)
    }
    audit_record(
        action="group.updated",
        summary=_("%(user)s changed the group's settings") % {"user": actor.name},
        actor=actor,
        group=group,
        data={"changed": changed},
    )
    if _findable(group) and not was_findable:
        members = Membership.objects.filter(group=group).values_list("user_id", flat=True)
        _tell_waiting_list(group, "opened", exclude_user_ids=list(members))
    return group


def _located(
    place: str, latitude: Decimal | None, longitude: Decimal | None, *, prefer_place: bool = False
) -> tuple[Decimal | None, Decimal | None]:
    """The coordinates given, else (or, with `prefer_place`, rather) those of the place when it
    is a postcode or a town we know, so that the directory finds the group. A place we do not
    know ("the Calder valley") keeps the coordinates given, or none."""
    if (latitude is not None and not prefer_place) or not place.strip():
        return latitude, longitude
    try:
        return places.coordinates(places.geocode(place, field="place"))
    except UserFacingError:
        return latitude, longitude


def _findable(group: BuyingGroup) -> bool:
    """Listed in the directory with a place on the map, and taking new members."""
    return (
        group.visibility == BuyingGroup.Visibility.PUBLIC
        and group.join_policy != BuyingGroup.JoinPolicy.INVITATION
        and group.latitude is not None
        and group.longitude is not None
    )


def _tell_waiting_list(
    group: BuyingGroup, reason: Literal["formed", "opened"], *, exclude_user_ids: list[int]
) -> None:
    assert group.latitude is not None and group.longitude is not None
    interest_notify_group_nearby(
        group=GroupNearby(
            id=group.pk,
            name=group.name,
            slug=group.slug,
            place=group.place,
            latitude=Decimal(group.latitude),
            longitude=Decimal(group.longitude),
        ),
        reason=reason,
        exclude_user_ids=exclude_user_ids,
    )


# Memberships -------------------------------------------------------------------------------------


def _lock_memberships(group: BuyingGroup) -> list[Membership]:
    """Lock the group, then its active memberships by pk (the fixed order of all writers)."""
    BuyingGroup.objects.select_for_update(no_key=True).filter(pk=group.pk).first()
    return list(
        Membership.objects.active()
        .select_for_update(no_key=True)
        .filter(group=group)
        .order_by("pk")
    )


def _join(*, group: BuyingGroup, user: User, role: str, how: str, actor: User | None) -> Membership:
    """Add a person, or reactivate the membership they had (same row, same ledger account)."""
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
    return _join(group=group, user=user, role=Role.MEMBER, how="open group", actor=None)


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Make a member coordinator, treasurer or plain member. A group always keeps a coordinator."""
    require_coordinator(group=membership.group, user=actor)
    if role not in Role.values:
        raise GroupError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    locked = {m.pk: m for m in _lock_memberships(membership.group)}
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
    *, membership: Membership, actor: User, reason: str, action: str, summary: str
) -> Membership:
    """End (never delete) a membership: its orders, charges and account stay as history.

    Refused while a round the person ordered in is unsettled or their balance is not zero (the
    areas above say so through `ending`), and for the group's only coordinator.
    """
    locked = {m.pk: m for m in _lock_memberships(membership.group)}
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
    require_coordinator(group=membership.group, user=actor)
    if membership.user_id == actor.pk:
        raise GroupError(_("To leave the group yourself, use “Leave group”."))
    return _end_membership(
        membership=membership,
        actor=actor,
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
        reason=Membership.EndReason.LEFT,
        action="membership.left",
        summary=_("%(user)s left the group") % {"user": user.name},
    )


# Join requests -----------------------------------------------------------------------------------


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
        _join(
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


# Invitations -------------------------------------------------------------------------------------


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
    return _join(
        group=invitation.group, user=user, role=invitation.role, how="invitation", actor=None
    )
