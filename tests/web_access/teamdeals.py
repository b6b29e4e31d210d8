"""Team deal pages: offers and teams for anyone with their address, a buyer's own place for the
signed-in, and the running of an organisation's deals for its admins only.

The deal and its team come from the API matrix's seed (`coopbuy/api/tests/access/teamdeals.py`):
a deal of the organisation the `organisation_admin` role runs, with one team started by a buyer
who holds none of the roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web_access.levels import ANYONE, ORG_ADMIN, SIGNED_IN

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LEVELS: dict[str, str | dict[str, str]] = {
    "teamdeals:organisation": ANYONE,
    "teamdeals:manage": ORG_ADMIN,
    "teamdeals:create": ORG_ADMIN,
    "teamdeals:mine": SIGNED_IN,
    "teamdeals:deal": ANYONE,
    "teamdeals:edit": ORG_ADMIN,
    "teamdeals:end": ORG_ADMIN,
    "teamdeals:start": SIGNED_IN,  # the caller's own place
    "teamdeals:team": ANYONE,  # whoever holds the share code
    "teamdeals:progress": ANYONE,
    "teamdeals:join": SIGNED_IN,
    "teamdeals:leave": SIGNED_IN,
    "teamdeals:money": ORG_ADMIN,  # the seller sees its own buyers' balances
    "teamdeals:payment_undo": ORG_ADMIN,
}
_CODED = ("team", "progress", "join", "leave")


def parameters(world: World) -> dict[str, object]:
    org_pages = ("organisation", "manage", "create", "money", "payment_undo")
    return {
        "deal_id": world.ids["deal_id"],
        "payment_id": world.ids["payment_id"],
        **{f"teamdeals:{name}.slug": world.scopes["org_slug"] for name in org_pages},
        **{f"teamdeals:{name}.code": world.scopes["team_code"] for name in _CODED},
    }
