"""Tenders' pages on group A's own tenders (`coopbuy/api/tests/access/tenders.py` makes them).

A group's own tender is organised by its coordinators; the invited supplier's users bid on it
(their own bid only: sealed); A's members see an awarded one's saving and opt in. Drafting pages
run on the draft, deciding and members' pages on the awarded tender, the rest on the open one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web_access.levels import COORDINATOR, MEMBER, SIGNED_IN, SUPPLIER

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LEVELS: dict[str, str | dict[str, str]] = {
    "tenders:mine": SIGNED_IN,  # the caller's own tenders, invitations and results
    "tenders:create_federation": COORDINATOR,  # a federation A's coordinator runs
    "tenders:create_group": COORDINATOR,
    "tenders:detail": COORDINATOR,  # bid count and metadata only: bids are sealed
    "tenders:item_save": COORDINATOR,
    "tenders:item_delete": COORDINATOR,
    "tenders:prefill": COORDINATOR,
    "tenders:invite": COORDINATOR,
    "tenders:publish": COORDINATOR,
    "tenders:award": COORDINATOR,
    "tenders:confirm": COORDINATOR,
    "tenders:not_confirm": COORDINATOR,
    "tenders:bid": SUPPLIER,  # its own supplier's bid: nobody else reads it
    "tenders:withdraw": SUPPLIER,
    "tenders:saving": MEMBER,
    "tenders:opt_in": MEMBER,
}
ON_DRAFT = ("item_save", "item_delete", "prefill", "invite", "publish")
ON_AWARDED = ("confirm", "not_confirm", "saving", "opt_in")


def parameters(world: World) -> dict[str, object]:
    values: dict[str, object] = {
        "tender_id": world.ids["tender_id"],
        "tenders:create_federation.slug": world.scopes["tender_federation_slug"],
        "tenders:item_delete.code": "OATS",
    }
    values.update({f"tenders:{n}.tender_id": world.ids["draft_tender_id"] for n in ON_DRAFT})
    values.update({f"tenders:{n}.tender_id": world.ids["awarded_tender_id"] for n in ON_AWARDED})
    return values
