"""Who may see and run pooled rounds: built on `federations.permissions` (outsiders: not found).

A federation's coordinators run its pooled rounds and see per-group totals; a member sees their
own saving in their own group's child round (through `rounds.permissions`), never another's.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.federations.models import Federation
from coopbuy.federations.permissions import federation_for_runner
from coopbuy.pooled.models import PooledRound


def pool_for_runner(
    *, slug: str, pool_id: int, user: User | AnonymousUser
) -> tuple[Federation, PooledRound]:
    federation = federation_for_runner(slug=slug, user=user)
    pool = (
        PooledRound.objects.select_related("supplier", "federation__book")
        .filter(federation=federation, pk=pool_id)
        .first()
    )
    if pool is None:
        raise Http404(_("There is no such pooled round in this federation."))
    return federation, pool
