"""Reports: a group's figures per round and a member's own savings; every member may read them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.reports.models import MemberRoundFigures, RoundFigures, SupplierRoundFigures

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /groups/{slug}/reports/rounds": "member",
    "GET /groups/{slug}/reports/me": "member",
    "GET /groups/{slug}/reports/suppliers": "member",
}
BODIES: dict[str, dict[str, Any] | Upload] = {}


def seed(world: World) -> None:
    """Nothing to add: the paths name only the group (the rounds area seeds a closed round)."""


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(RoundFigures.objects.filter(group=group).order_by("pk").values_list()),
        list(MemberRoundFigures.objects.filter(group=group).order_by("pk").values_list()),
        list(SupplierRoundFigures.objects.filter(group=group).order_by("pk").values_list()),
    )
