"""Access to rounds: every round is reached through its group, so ids of another group 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import (
    MANAGING_ROLES,
    group_for_coordinator,
    group_for_member,
    require_member,
    require_role,
)
from coopbuy.rounds.models import Round


class RoundNotFound(Http404):
    pass


def _round_in(group: BuyingGroup, round_id: int) -> Round:
    round = Round.objects.filter(group=group, pk=round_id).first()
    if round is None:
        raise RoundNotFound(_("There is no such round in this group."))
    return round


def round_for_member(
    *, slug: str, round_id: int, user: User | AnonymousUser
) -> tuple[BuyingGroup, Membership, Round]:
    group, membership = group_for_member(slug=slug, user=user)
    return group, membership, _round_in(group, round_id)


def round_for_coordinator(
    *, slug: str, round_id: int, user: User | AnonymousUser
) -> tuple[BuyingGroup, Membership, Round]:
    group, membership = group_for_coordinator(slug=slug, user=user)
    return group, membership, _round_in(group, round_id)


def require_round_coordinator(*, round: Round, user: User) -> Membership:
    """For services: the actor coordinates the round's own group, and stays coordinator until the
    service's transaction ends (call it before locking the round: docs/adr/0005)."""
    return require_role(
        group_id=round.group_id,
        user=user,
        roles=MANAGING_ROLES,
        only=_("Only the group's coordinators can do this."),
        no_longer=_("You are no longer a coordinator of %(group)s."),
    )


def require_round_member(*, round: Round, user: User) -> Membership:
    """For services: the actor is an active member of the round's group (and stays one until the
    service's transaction ends: call it before locking the round, docs/adr/0005)."""
    return require_member(
        group_id=round.group_id,
        user=user,
        only=_("Only members of the group can order in its rounds."),
    )
