"""Who may see and do what with a campaign: the only place these questions are answered.

A campaign's page is reached by its code, which is unguessable and meant to be shared: anyone with
the link may see it and pledge (a visitor signs up first). Lists show only campaigns of public
groups, or of the groups a person belongs to. Starting and cancelling are the coordinators'.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign
from coopbuy.groups.permissions import AccessDenied, can_manage, membership_of


def campaign_for_viewer(*, code: str) -> Campaign:
    campaign = (
        Campaign.objects.select_related("group", "supplier")
        .prefetch_related("tiers")
        .filter(code=code)
        .first()
    )
    if campaign is None:
        raise Http404(_("There is no campaign at this address."))
    return campaign


def campaign_for_coordinator(*, code: str, user: User | AnonymousUser) -> Campaign:
    campaign = campaign_for_viewer(code=code)
    if not isinstance(user, User):
        raise Http404(_("There is no campaign at this address."))
    if not can_manage(membership_of(group=campaign.group, user=user)):  # a page: no lock
        raise AccessDenied(_("Only the group's coordinators can do this."))
    return campaign
