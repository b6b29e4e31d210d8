"""Shared by the round API tests: addresses, requests, and rounds in the state a test needs.

The world's round ("Weekly order", Farm A's oats at 2.00 in cases of 6) is open; `close_` orders a
case through `services.basket_set` and closes it through `closing.round_close`.
"""

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import Membership
from coopbuy.rounds import closing, services
from coopbuy.rounds.models import (
    Round,
)


def rounds_url(world: World) -> str:
    return f"/api/v1/groups/{world.a.slug}/rounds"


def round_url(world: World, round_id: int | None = None) -> str:
    return f"{rounds_url(world)}/{round_id or world.ids['round_id']}"


def seeded_round(world: World) -> Round:
    return Round.objects.get(pk=world.ids["round_id"])


def in_days(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def post_json(client: Client, url: str, body: dict[str, Any] | None = None, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    data = body if body is not None else {}
    return client.post(url, data, content_type="application/json", headers=headers)


def send_json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def plain_member(world: World) -> Membership:
    return Membership.objects.get(group=world.a, user=world.people["member"])


def closed_round(world: World, units: int = 6) -> Round:
    """The member orders `units` oats, and the coordinator closes the round."""
    services.basket_set(
        round=seeded_round(world),
        user=world.people["member"],
        product_id=world.ids["round_product_id"],
        quantity=units,
        tolerance=0,
    )
    closing.round_close(round=seeded_round(world), actor=world.people["coordinator"])
    return seeded_round(world)


def draft_round(world: World, **fields: Any) -> Round:
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    now = timezone.now()
    return services.round_create(
        group=world.a,
        actor=world.people["coordinator"],
        name=fields.pop("name", "Next order"),
        suppliers=[supplier],
        opens_at=fields.pop("opens_at", now - timedelta(hours=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=3)),
        **fields,
    )


def round_from_api(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Autumn order",
        "suppliers": [world.ids["supplier_id"]],
        "opens_at": in_days(1),
        "closes_at": in_days(8),
        **fields,
    }


# Drafting ----------------------------------------------------------------------------------------
