"""Rounds, baskets, allocations, pick lists and closing.

Under /rounds/, `{product_id}` is the round's copy of a product (world.ids["round_product_id"]).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds.models import Allocation, DemandLine, Round, RoundProduct
from coopbuy.rounds.services import round_create, round_open

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /groups/{slug}/rounds": "member",
    "GET /groups/{slug}/rounds/{round_id}": "member",
    "GET /groups/{slug}/rounds/{round_id}/products": "member",
    "GET /groups/{slug}/rounds/{round_id}/basket": "member",
    "GET /groups/{slug}/rounds/{round_id}/allocations": "member",
    "GET /groups/{slug}/rounds/{round_id}/pick-list": "coordinator",
    "PUT /groups/{slug}/rounds/{round_id}/basket/{product_id}": "member",
    "POST /groups/{slug}/rounds/{round_id}/close": "coordinator",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PUT /groups/{slug}/rounds/{round_id}/basket/{product_id}": {"quantity": 2, "tolerance": 1},
}


def seed(world: World) -> None:
    coordinator = world.people["coordinator"]
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    now = timezone.now()
    round = round_open(
        round=round_create(
            group=world.a,
            actor=coordinator,
            name="Weekly order",
            suppliers=[supplier],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=2),
        ),
        actor=coordinator,
    )
    world.ids.update(
        round_id=round.pk,
        round_product_id=RoundProduct.objects.get(
            round=round, product_id=world.ids["product_id"]
        ).pk,
    )


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Round.objects.filter(group=group).order_by("pk").values_list("pk", "status")),
        list(
            DemandLine.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("membership", "product", "quantity", "tolerance")
        ),
        Allocation.objects.filter(round__group=group).count(),
    )
