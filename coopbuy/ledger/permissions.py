"""Who may see and move money in a group: the only place the ledger answers these questions.

Built on `coopbuy.groups.permissions`: every query is scoped to the group the person may see, so a
treasurer of group A asking for an account or transaction of group B gets *not found*, and a
service called with another group's rows raises `AccessDenied`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import MONEY_ROLES, AccessDenied, group_for_roles, require_role
from coopbuy.ledger.models import Account, Transaction


def group_for_treasurer(*, slug: str, user: User | AnonymousUser) -> tuple[BuyingGroup, Membership]:
    """A group whose money this person runs (its treasurers and coordinators)."""
    return group_for_roles(slug=slug, user=user, roles=MONEY_ROLES)


def can_run_money(membership: Membership | None) -> bool:
    return membership is not None and membership.role in MONEY_ROLES


def require_money_role(*, group: BuyingGroup, user: User | None) -> Membership | None:
    """For services: the actor must be a treasurer or coordinator of this very group, and stays
    one until the service's transaction ends (`groups.permissions.require_role`: call it before
    the service takes any other lock).

    `None` is the system itself (a scheduled round close): allowed, and audited as such.
    """
    if user is None:
        return None
    return require_role(
        group_id=group.pk,
        user=user,
        roles=MONEY_ROLES,
        only=_("Only the group's treasurers and coordinators can move money."),
        no_longer=_("You are no longer a treasurer or coordinator of %(group)s."),
    )


def require_same_group(group: BuyingGroup, *rows: Account | Transaction | Membership) -> None:
    """Refuse rows of another group: the Open Food Network #14508 bug, closed at the service."""
    for row in rows:
        if row.group_id != group.pk:
            raise AccessDenied(_("This belongs to another group."))


def account_in_group(*, group: BuyingGroup, account_id: int) -> Account:
    return get_object_or_404(Account, pk=account_id, group=group)


def membership_in_group(*, group: BuyingGroup, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, group=group
    )


def transaction_in_group(*, group: BuyingGroup, transaction_id: int) -> Transaction:
    return get_object_or_404(Transaction, pk=transaction_id, group=group)


def account_for_viewer(*, group: BuyingGroup, viewer: Membership, account_id: int) -> Account:
    """Treasurers see any account of their group; a member only their own (others: not found)."""
    account = account_in_group(group=group, account_id=account_id)
    if can_run_money(viewer) or account.membership_id == viewer.pk:
        return account
    raise Http404(_("There is no such account."))
