"""Bank statement import: upload with a column mapping, the lines, booking and ignoring them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import StatementLine

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS: dict[str, str] = {}
BODIES: dict[str, dict[str, Any] | Upload] = {}


def seed(world: World) -> None:
    """Nothing yet."""


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(
            StatementLine.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "status", "transaction")
        ),
    )
