"""Who may see and do what in a group: the only place these questions are answered.

Every view and API handler that touches a group gets it through one of these helpers, so that every
query is scoped to a group the person may see. A private group is *not found* for outsiders (its
existence is not revealed); a visible group where the person lacks the role is *forbidden*.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Membership

Role = Membership.Role
MANAGING_ROLES = frozenset({Role.COORDINATOR})
MONEY_ROLES = frozenset({Role.COORDINATOR, Role.TREASURER})


class GroupNotFound(Http404):
    pass


class AccessDenied(PermissionDenied):
    pass


def membership_of(*, group: BuyingGroup, user: User | AnonymousUser) -> Membership | None:
    """The person's active membership of the group; an ended one counts as none."""
    if not user.is_authenticated:
        return None
    return Membership.objects.active().filter(group=group, user_id=user.pk).first()


def group_for_viewer(
    *, slug: str, user: User | AnonymousUser
) -> tuple[BuyingGroup, Membership | None]:
    """A group the person may look at: any public group, or a private one they belong to."""
    group = BuyingGroup.objects.filter(slug=slug).first()
    if group is None:
        raise GroupNotFound(_("There is no group at this address."))
    membership = membership_of(group=group, user=user)
    if membership is None and group.visibility != BuyingGroup.Visibility.PUBLIC:
        raise GroupNotFound(_("There is no group at this address."))
    return group, membership


def group_for_member(*, slug: str, user: User | AnonymousUser) -> tuple[BuyingGroup, Membership]:
    group, membership = group_for_viewer(slug=slug, user=user)
    if membership is None:
        raise AccessDenied(_("Only members of %(group)s can see this.") % {"group": group.name})
    return group, membership


def group_for_roles(
    *, slug: str, user: User | AnonymousUser, roles: frozenset[str]
) -> tuple[BuyingGroup, Membership]:
    group, membership = group_for_member(slug=slug, user=user)
    if membership.role not in roles:
        raise AccessDenied(_("Only the group's coordinators can do this."))
    return group, membership


def group_for_coordinator(
    *, slug: str, user: User | AnonymousUser
) -> tuple[BuyingGroup, Membership]:
    return group_for_roles(slug=slug, user=user, roles=MANAGING_ROLES)


def require_coordinator(*, group: BuyingGroup, user: User) -> Membership:
    """For services: the acting person must coordinate this very group."""
    membership = membership_of(group=group, user=user)
    if membership is None or membership.role not in MANAGING_ROLES:
        raise AccessDenied(_("Only the group's coordinators can do this."))
    return membership


def can_see_members(membership: Membership | None) -> bool:
    """Who the group's members are: shown to its members, or to its coordinators only in a group
    whose list is not shown to members (`BuyingGroup.members_listed_to_members`)."""
    if membership is None or not membership.is_active:
        return False
    return membership.group.members_listed_to_members or membership.role in MANAGING_ROLES


def group_for_member_list(
    *, slug: str, user: User | AnonymousUser
) -> tuple[BuyingGroup, Membership]:
    """A group whose member list the person may see (pages and operations listing its members)."""
    group, membership = group_for_member(slug=slug, user=user)
    membership.group = group
    if not can_see_members(membership):
        raise AccessDenied(_("Only the group's coordinators can see who its members are."))
    return group, membership


def can_manage(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in MANAGING_ROLES


def member_in_group(*, group: BuyingGroup, membership_id: int) -> Membership:
    """An active member of this group by id (for pages and operations on one member)."""
    found = (
        Membership.objects.active()
        .select_related("user", "group")
        .filter(pk=membership_id, group=group)
        .first()
    )
    if found is None:
        raise Http404(_("There is no such member in this group."))
    return found
