"""Campaigns: open ones for anyone, one by its code for whoever holds it, pledges for oneself."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import TierInput, campaign_create
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Hold

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /campaigns": "anyone",
    "GET /campaigns/{campaign_code}": "code_holder",
    "GET /campaigns/{campaign_code}/pledge": "signed_in",
    "PUT /campaigns/{campaign_code}/pledge": "own_write",
    "DELETE /campaigns/{campaign_code}/pledge": "own_write",
    "GET /groups/{slug}/campaigns": "member",
    "POST /groups/{slug}/campaigns": "coordinator",
    "POST /groups/{slug}/campaigns/{campaign_id}/cancel": "coordinator",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PUT /campaigns/{campaign_code}/pledge": {"quantity": 1},
    "POST /groups/{slug}/campaigns": {
        "title": "Oats",
        "supplier_id": 1,  # group A's supplier or not: a coordinator gets 201 or 422
        "tiers": [{"threshold": 3, "unit_price": "45.00"}],
        "deadline": "2099-01-01T12:00:00+00:00",
    },
    "POST /groups/{slug}/campaigns/{campaign_id}/cancel": {"reason": "Supplier stopped the line"},
}


def seed(world: World) -> None:
    campaign = campaign_create(
        group=world.a,
        actor=world.people["coordinator"],
        title="Organic oats",
        supplier=Supplier.objects.get(pk=world.ids["supplier_id"]),
        tiers=[TierInput(3, Decimal("45.00"))],
        deadline=timezone.now() + timedelta(days=7),
    )
    world.ids["campaign_id"] = campaign.pk
    world.ids["campaign_code"] = campaign.code  # type: ignore[assignment]


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Campaign.objects.filter(group=group).order_by("pk").values_list("pk", "status")),
        list(
            Pledge.objects.filter(campaign__group=group)
            .order_by("pk")
            .values_list("pk", "quantity", "status")
        ),
        Hold.objects.filter(released_at__isnull=True).count(),
    )
