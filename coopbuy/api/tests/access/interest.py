"""Registered interest: a person's own, outside any group."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.interest.models import Interest, SuggestedMember, Suggestion

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /me/interest": "signed_in",
    "PUT /me/interest": "own_write",
    "DELETE /me/interest": "own_write",
    "GET /me/suggestions": "signed_in",
    "POST /me/suggestions/{suggestion_id}/accept": "own_write",
    "POST /me/suggestions/{suggestion_id}/decline": "own_write",
    "POST /me/suggestions/{suggestion_id}/start": "own_write",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PUT /me/interest": {"postcode": "HX7 8AD", "categories": ["Dry goods"], "travel_km": 10},
}


def seed(world: World) -> None:
    """A suggestion nobody in the world was proposed in: every caller gets 404, never 403."""
    suggestion = Suggestion.objects.create(
        supplier="Suma",
        what="dry goods",
        place="Hebden Bridge",
        expected_order_value=Decimal("300"),
        min_order_value=Decimal("250"),
        min_size=5,
        members_key="x",
    )
    world.ids["suggestion_id"] = suggestion.pk


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Interest.objects.order_by("pk").values_list("user", "postcode", "travel_km", "every")),
        list(SuggestedMember.objects.order_by("pk").values_list("user", "state")),
        list(Suggestion.objects.order_by("pk").values_list("status", "group")),
    )
