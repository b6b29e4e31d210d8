"""Pooled rounds: a federation's coordinators run them; a member reads their own saving.

The federation paths name the federation the federations area seeds (`path_values`): A's
coordinator runs it, so "coordinator" is its runners; every other role must be refused. The world
opens no pooled round, so a round's own paths answer not found even to a runner (not a 401/403,
which is what the level asks of an allowed caller); who may run an existing pooled round is tested
in `coopbuy/pooled/tests/test_access.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.pooled.models import FederationPayable, PooledMemberSaving

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /federations/{slug}/pooled-rounds": "coordinator",
    "POST /federations/{slug}/pooled-rounds": "coordinator",
    "GET /federations/{slug}/pooled-rounds/{pool_id}": "coordinator",
    "POST /federations/{slug}/pooled-rounds/{pool_id}/close": "coordinator",
    "POST /federations/{slug}/pooled-rounds/{pool_id}/cancel": "coordinator",
    # Receiving at the federation: its coordinators (a group's drop is received through the
    # rounds' own receiving operations, classified there).
    "GET /federations/{slug}/pooled-rounds/{pool_id}/receiving": "coordinator",
    "POST /federations/{slug}/pooled-rounds/{pool_id}/receiving": "coordinator",
    "GET /federations/groups/{slug}/rounds/{round_id}/pooling": "member",
    # Settling up: the federation's coordinators and treasurer (A's coordinator and treasurer).
    "GET /federations/{fed_slug}/balances": "money",
    "POST /federations/{fed_slug}/supplier-payments": "money",
    # The federation's report: per-group totals of closed pooled rounds, for the same people.
    "GET /federations/{fed_slug}/report": "money",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /federations/{slug}/pooled-rounds": {
        "name": "Pooled",
        "supplier_id": 1,
        "opens_at": "2099-01-01T12:00:00+00:00",
        "closes_at": "2099-01-08T12:00:00+00:00",
    },
    "POST /federations/{slug}/pooled-rounds/{pool_id}/receiving": {
        "lines": [{"product_id": 1, "units_received": 0}]
    },
    # The world's federation owes no supplier: an allowed caller is told so (422).
    "POST /federations/{fed_slug}/supplier-payments": {"supplier_id": 1, "amount": "1.00"},
}


def path_values(world: World, template: str) -> dict[str, object]:
    if template.startswith("/federations/{slug}/pooled-rounds"):
        return {"slug": world.scopes["fed_slug"]}
    return {}


def seed(world: World) -> None:
    world.ids["pool_id"] = 1


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(
            PooledMemberSaving.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("pk", "pooling_saving")
        ),
        list(FederationPayable.objects.order_by("pk").values_list("pk", "account__balance")),
    )
