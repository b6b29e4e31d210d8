"""Who may see and run team deals: the only place these questions are answered.

A deal and a team are public to anyone with their address (the team's code is its share link's
secret); running a deal is for its organisation's admins, and a deal they do not run is not found.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.organisations.permissions import admin_of
from coopbuy.teamdeals.models import Deal, Team


def deal_for_viewer(*, deal_id: int) -> Deal:
    deal = (
        Deal.objects.select_related("organisation")
        .prefetch_related("tiers")
        .filter(pk=deal_id)
        .first()
    )
    if deal is None:
        raise Http404(_("There is no deal at this address."))
    return deal


def team_for_viewer(*, deal_id: int, code: str) -> Team:
    team = (
        Team.objects.select_related("deal", "deal__organisation", "campaign", "campaign__group")
        .prefetch_related("campaign__tiers")
        .filter(deal_id=deal_id, campaign__code=code)
        .first()
    )
    if team is None:
        raise Http404(_("There is no team at this address."))
    return team


def deal_for_admin(*, deal_id: int, user: User | AnonymousUser) -> Deal:
    deal = Deal.objects.select_related("organisation").filter(pk=deal_id).first()
    if deal is None or admin_of(organisation=deal.organisation, user=user) is None:
        raise Http404(_("There is no deal at this address."))
    return deal
