"""Rounds, baskets, budgets, allocations, running a round, its delivery and collection.

Under /rounds/, `{product_id}` is the round's copy of a product (world.ids["round_product_id"]);
`{supplier_id}` is group A's supplier and `{membership_id}` its plain member, as elsewhere. The
seeded round is open, so the delivery steps answer 409 to those allowed to try them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds.models import (
    Allocation,
    AnnouncementPreference,
    DemandLine,
    MemberBudget,
    MemberRoundCharge,
    ReceivingRecord,
    Round,
    RoundProduct,
    RoundSchedule,
)
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
    "GET /groups/{slug}/announcements": "member",
    "PUT /groups/{slug}/announcements": "member",
    "POST /groups/{slug}/rounds/{round_id}/close": "coordinator",
    "POST /groups/{slug}/rounds": "coordinator",
    "PATCH /groups/{slug}/rounds/{round_id}": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/open": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/cancel": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/send-order": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/settle": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/repeat": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/budget": "member",
    "PUT /groups/{slug}/rounds/{round_id}/budget": "member",
    "GET /groups/{slug}/rounds/{round_id}/receiving": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/receiving": "coordinator",
    "POST /groups/{slug}/rounds/{round_id}/receiving/done": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/pick-list/products": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/pick-lists.pdf": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/collection": "coordinator",
    "PUT /groups/{slug}/rounds/{round_id}/collection/{membership_id}": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/suppliers/{supplier_id}/order.pdf": "coordinator",
    "GET /groups/{slug}/rounds/{round_id}/suppliers/{supplier_id}/order.csv": "coordinator",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PUT /groups/{slug}/rounds/{round_id}/basket/{product_id}": {"quantity": 2, "tolerance": 1},
    "PUT /groups/{slug}/announcements": {"round_open": False, "round_closing": True},
    "POST /groups/{slug}/rounds": {
        "name": "Next week",
        "suppliers": [1],  # group A's supplier or not: a coordinator gets 201 or 422
        "opens_at": "2098-01-01T10:00:00+00:00",
        "closes_at": "2098-01-08T18:00:00Z",
    },
    "PATCH /groups/{slug}/rounds/{round_id}": {"closes_at": "2098-01-08T18:00:00Z"},
    "POST /groups/{slug}/rounds/{round_id}/repeat": {"interval_weeks": 2},
    "PUT /groups/{slug}/rounds/{round_id}/budget": {"amount": "40.00"},
    "POST /groups/{slug}/rounds/{round_id}/receiving": {"product": 1, "units_received": 6},
    "PUT /groups/{slug}/rounds/{round_id}/collection/{membership_id}": {
        "collected": True,
        "note": "",
    },
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
        list(
            Round.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "status", "closes_at", "schedule")
        ),
        RoundSchedule.objects.filter(group=group).count(),
        list(
            MemberBudget.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("membership", "amount")
        ),
        ReceivingRecord.objects.filter(round__group=group).count(),
        list(
            MemberRoundCharge.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("membership", "collected_at", "collection_note")
        ),
        list(
            DemandLine.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("membership", "product", "quantity", "tolerance")
        ),
        Allocation.objects.filter(round__group=group).count(),
        list(
            AnnouncementPreference.objects.filter(membership__group=group)
            .order_by("pk")
            .values_list("membership", "round_open", "round_closing")
        ),
    )
