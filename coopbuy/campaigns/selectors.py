"""Reads of campaigns: the engine's view of tiers and pledges, progress, lists, referrals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.core import campaign as core
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.selectors import format_money


def core_tiers(campaign: Campaign) -> list[core.Tier]:
    return [core.Tier(t.threshold, t.unit_price) for t in campaign.tiers.all()]


def core_pledges(pledges: Sequence[Pledge]) -> list[core.Pledge]:
    return [core.Pledge(str(p.pk), p.quantity, p.max_price) for p in pledges]


def measure_of(campaign: Campaign) -> core.Measure:
    return "units" if campaign.measure == Campaign.Measure.UNITS else "participants"


def active_pledges(campaign: Campaign) -> QuerySet[Pledge]:
    return campaign.pledges.filter(status=Pledge.Status.ACTIVE).order_by("pk")


def pledged_units(campaign: Campaign) -> int:
    total = active_pledges(campaign).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class CampaignProgress:
    figures: core.Progress
    pledgers: int  # active pledges, conditional ones included
    units: int
    cap_left: int | None

    @property
    def percent(self) -> int:
        minimum = self.figures.minimum
        return min(100, round(100 * self.figures.reached / minimum)) if minimum else 100


def progress_of(campaign: Campaign) -> CampaignProgress:
    pledges = list(active_pledges(campaign))
    figures = core.progress(
        tiers=core_tiers(campaign), measure=measure_of(campaign), pledges=core_pledges(pledges)
    )
    units = sum(p.quantity for p in pledges)
    cap_left = None if campaign.cap is None else max(campaign.cap - units, 0)
    return CampaignProgress(figures, len(pledges), units, cap_left)


def campaigns_for_group(group: BuyingGroup) -> QuerySet[Campaign]:
    return (
        group.campaigns.select_related("supplier")
        .prefetch_related("tiers")
        .annotate(pledgers=Count("pledges", filter=Q(pledges__status=Pledge.Status.ACTIVE)))
        .order_by("-status", "deadline", "pk")
    )


def open_public_campaigns() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(
            status=Campaign.Status.OPEN, group__visibility=BuyingGroup.Visibility.PUBLIC
        )
        .select_related("group", "supplier")
        .prefetch_related("tiers")
        .order_by("deadline", "pk")
    )


def pledge_of(campaign: Campaign, user: User) -> Pledge | None:
    if not user.is_authenticated:
        return None
    return Pledge.objects.filter(campaign=campaign, user=user).first()


def referrals_of(pledge: Pledge) -> int:
    """How many people pledged through this pledger's share link (and still pledge)."""
    return pledge.referrals.filter(status__in=[Pledge.Status.ACTIVE, Pledge.Status.FILLED]).count()


def worst_case(campaign: Campaign, quantity: int, max_price: Decimal | None) -> Decimal:
    highest = max(t.unit_price for t in campaign.tiers.all())
    return (highest if max_price is None else min(highest, max_price)) * quantity


def progress_sentence(campaign: Campaign, progress: CampaignProgress) -> str:
    """“23 of 40 households: 17 more and it goes ahead; at 60 the price drops to £4.10.”"""
    f = progress.figures
    currency = campaign.group.currency
    what = (
        ngettext("household", "households", f.minimum)
        if f.measure == "participants"
        else campaign.unit
    )
    if not f.tipped:
        sentence = _("%(reached)s of %(minimum)s %(what)s: %(more)s more and it goes ahead") % {
            "reached": f.reached, "minimum": f.minimum, "what": what, "more": f.more_to_tip,
        }  # fmt: skip
        price = format_money(campaign.tiers.all()[0].unit_price, currency)
        sentence += _(" at %(price)s") % {"price": price}
    else:
        assert f.unit_price is not None
        sentence = _("%(reached)s %(what)s: it goes ahead at %(price)s") % {
            "reached": f.reached, "what": what, "price": format_money(f.unit_price, currency),
        }  # fmt: skip
    if f.next_threshold is not None and f.tipped and f.next_price is not None:
        sentence += _("; %(more)s more and the price drops to %(price)s for everyone") % {
            "more": f.more_to_next, "price": format_money(f.next_price, currency),
        }  # fmt: skip
    return sentence + "."
