"""Who may see and do what in a group: the only place these questions are answered.

Every view and API handler that touches a group gets it through one of these helpers, so that every
query is scoped to a group the person may see. A private group is *not found* for outsiders (its
existence is not revealed); a visible group where the person lacks the role is *forbidden*.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.transaction import TransactionManagementError
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


def membership_locked(*, group_id: int, user: User) -> Membership | None:
    """The person's membership row in the group (active or ended), locked until the transaction
    ends: for services, which check the actor's role with it (`require_role`).

    FOR NO KEY UPDATE, like every lock of ours (docs/adr/0005). Changing a role and ending a
    membership lock the same row (`groups.memberships`), so a revoke and a service acting on the
    old role serialise: whichever comes second sees what the first committed (PostgreSQL reads the
    row afresh once the lock is granted). On SQLite, where the row lock is a no-op, writers are
    serialised on the database file and the check inside the transaction is as good.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "a role check that locks the actor's membership runs inside the service's transaction"
        )
    return (
        Membership.objects.select_for_update(no_key=True, of=("self",))
        .select_related("group")  # read, not locked (docs/adr/0005)
        .filter(group_id=group_id, user_id=user.pk)
        .first()
    )


def require_role(
    *, group_id: int, user: User, roles: frozenset[str], only: str, no_longer: str
) -> Membership:
    """For services: the actor holds one of `roles` in this very group, now, and keeps it until
    the service's transaction ends (the membership row stays locked: `membership_locked`).

    Lock order (docs/adr/0005): the actor's membership is one of "the memberships", after the
    group row and before the round and the ledger's rows, so a service calls this before it takes
    any of those locks (groups services: after locking the group).

    `only`: the refusal for someone who never was a member. `no_longer` (with `%(group)s`): for a
    membership that ended or whose role is another now. A service is reached after the page or
    API operation checked the role (`group_for_roles`), so a refusal here means that the role was
    taken away (or the member removed) since: the words say so.
    """
    membership = membership_locked(group_id=group_id, user=user)
    if membership is None:
        raise AccessDenied(only)
    if not membership.is_active:
        raise AccessDenied(
            _("You are no longer a member of %(group)s.") % {"group": membership.group.name}
        )
    if membership.role not in roles:
        raise AccessDenied(no_longer % {"group": membership.group.name})
    return membership


def require_coordinator(*, group: BuyingGroup, user: User) -> Membership:
    """For services: the acting person coordinates this very group (and stays coordinator until
    the service's transaction ends: `require_role`)."""
    return require_role(
        group_id=group.pk,
        user=user,
        roles=MANAGING_ROLES,
        only=_("Only the group's coordinators can do this."),
        no_longer=_("You are no longer a coordinator of %(group)s."),
    )


def require_member(*, group_id: int, user: User, only: str) -> Membership:
    """For services: the acting person is an active member of the group `group_id`, with any role
    (and stays one until the service's transaction ends: `require_role`)."""
    return require_role(
        group_id=group_id,
        user=user,
        roles=frozenset(Role.values),
        only=only,
        no_longer=_("You are no longer a member of %(group)s."),
    )


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
