"""A campaign in progress at Hebden Bridge: olive oil tins that get cheaper as households join.

Nine members pledge (two only if the price reaches £29.40, one through another's share link); the
first tier needs eight households, so it is going ahead and three more would drop the price for
everyone. Idempotent: the campaign is found by its title, each pledge by its person.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.selectors import worst_case
from coopbuy.campaigns.services import TierInput, campaign_create, pledge_set
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.selectors import available_to_spend
from coopbuy.ledger.treasury import ledger_top_up

TITLE = "Organic olive oil, 5 litre tins (Suma)"


def seed_campaigns(slug: str) -> Campaign | None:
    group = BuyingGroup.objects.filter(slug=slug).first()
    supplier = Supplier.objects.filter(group=group, is_active=True).order_by("pk").first()
    if group is None or supplier is None:
        return None
    members = list(
        Membership.objects.filter(group=group).select_related("user").order_by("joined_at", "pk")
    )
    coordinator = next(m.user for m in members if m.role == Membership.Role.COORDINATOR)
    campaign = Campaign.objects.filter(group=group, title=TITLE).first()
    if campaign is None:
        campaign = campaign_create(
            group=group,
            actor=coordinator,
            title=TITLE,
            supplier=supplier,
            unit="tin",
            description=(
                "Suma's organic Spanish olive oil in 5 litre tins. £34.80 a tin bought alone; "
                "£31.50 when eight households join, £29.40 from twelve."
            ),
            tiers=[TierInput(8, Decimal("31.50")), TierInput(12, Decimal("29.40"))],
            deadline=timezone.now() + timedelta(days=10),
            cap=60,
            max_per_person=4,
        )
    treasurer = next(m.user for m in members if m.role == Membership.Role.TREASURER)
    first = None
    for index, membership in enumerate(members[3:12]):
        done = Pledge.objects.filter(campaign=campaign, user=membership.user).first()
        if done is not None:
            first = first or done
            continue
        limit = Decimal("29.40") if index in (4, 7) else None
        quantity = 1 + index % 2
        needed = worst_case(campaign, quantity, limit)
        available = available_to_spend(membership=membership)
        if available is not None and available < needed:  # a top-up for the oil, as people do
            ledger_top_up(
                membership=membership,
                amount=Decimal("80.00"),
                method="bank",
                actor=treasurer,
                idempotency_key=f"demo-campaign-top-up-{membership.pk}",
                reference="olive oil",
            )
        pledge = pledge_set(
            campaign=campaign,
            user=membership.user,
            quantity=quantity,
            max_price=limit,
            referral_code=first.share_code if first is not None and index == 2 else "",
        )
        first = first or pledge
    return campaign
