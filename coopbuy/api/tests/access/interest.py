"""Registered interest: a person's own, outside any group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.interest.models import Interest

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /me/interest": "signed_in",
    "PUT /me/interest": "own_write",
    "DELETE /me/interest": "own_write",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PUT /me/interest": {"postcode": "HX7 8AD", "categories": ["Dry goods"], "travel_km": 10},
}


def seed(world: World) -> None:
    return None


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Interest.objects.order_by("pk").values_list("user", "postcode", "travel_km", "every")),
    )
