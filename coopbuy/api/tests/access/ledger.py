"""Member accounts, transactions and the treasurer's bookings.

`membership_id` in a body is replaced with group A's plain member's id before sending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Account, Transaction

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /groups/{slug}/account": "member",
    "GET /groups/{slug}/account/transactions": "member",
    "POST /groups/{slug}/top-ups": "money",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /groups/{slug}/top-ups": {"membership_id": 0, "amount": "20.00", "method": "bank"},
}


def seed(world: World) -> None:
    """Nothing yet: the ledger's paths name no objects of their own."""


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Transaction.objects.filter(group=group).order_by("pk").values_list("pk", "kind")),
        list(Account.objects.filter(group=group).order_by("pk").values_list("pk", "balance")),
    )
