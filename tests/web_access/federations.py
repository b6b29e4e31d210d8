"""Federations' pages (`coopbuy/federations/urls.py`), on the federation the API matrix seeds
(`coopbuy/api/tests/access/federations.py`): group A its only member group, A's coordinator its
coordinator and A's treasurer its treasurer, group C's application pending.

"member" here is "a member of one of the federation's member groups": A is the only one, so the
level is A's members exactly (B's coordinator and A's former member are refused)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopbuy.federations.models import FederationGroup
from tests.web_access.levels import ANYONE, COORDINATOR, MEMBER, MONEY, SIGNED_IN

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LEVELS: dict[str, str | dict[str, str]] = {
    "federations:directory": ANYONE,
    "federations:create": SIGNED_IN,  # anyone signed in may start a federation
    "federations:overview": ANYONE,  # public (A, private, only counted)
    "federations:applications": COORDINATOR,  # the federation's coordinators
    "federations:approve": COORDINATOR,
    "federations:refuse": COORDINATOR,
    "federations:remove_group": COORDINATOR,
    "federations:roles": {"GET": MEMBER, "POST": COORDINATOR},  # people of member groups see
    "federations:role_end": COORDINATOR,
    "federations:suppliers": {"GET": MEMBER, "POST": COORDINATOR},
    "federations:supplier_end": COORDINATOR,
    "federations:money": MONEY,  # the federation's coordinators and treasurer
    "federations:group": MONEY,  # group A's page: its coordinators, and treasurers to pay
    "federations:apply": COORDINATOR,
    "federations:markup": COORDINATOR,
    "federations:leave": COORDINATOR,
    "federations:pay": MONEY,  # group A pays the federation: its treasurers and coordinators
}

_FEDERATION_PAGES = (
    "overview applications approve refuse remove_group roles role_end suppliers supplier_end money"
)


def parameters(world: World) -> dict[str, object]:
    fed_slug = world.scopes["fed_slug"]
    a_row = FederationGroup.objects.get(federation__slug=fed_slug, group=world.a).pk
    values: dict[str, object] = {
        f"federations:{name}.slug": fed_slug for name in _FEDERATION_PAGES.split()
    }
    values.update(
        {
            "federations:approve.row_id": world.ids["application_id"],  # group C's application
            "federations:refuse.row_id": world.ids["application_id"],
            "federations:remove_group.row_id": a_row,
            "federations:markup.row_id": a_row,  # group A's own row
            "federations:leave.row_id": a_row,
            "federations:pay.row_id": a_row,
            "shared_id": world.ids["shared_supplier_id"],
        }
    )
    return values
