"""A member's view of their group's child round of a pooled round: the pool's panel, afresh.

The ordering page gets it anew, out of band, in the answer to each change to the member's basket
(`rounds.ordering_views.basket_update`); this page serves it alone, e.g. to refresh it by hand.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coopbuy.pooled.panels import pooled_panel
from coopbuy.rounds.permissions import round_for_member


@login_required
def member_panel(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The pooled panel of the member's own group's round; not found for any other round."""
    _group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    panel = pooled_panel(round=round, membership=membership)
    if panel is None:
        raise Http404(_("This round is not part of a pooled round."))
    return render(request, panel.template, {"panel": panel.context})
