"""Pooled rounds' pages (`coopbuy/pooled/urls.py`): only the federation's runners use them.

On the federation the API matrix seeds (`coopbuy/api/tests/access/federations.py`), A's
coordinator runs it, so "coordinator" is the federation's coordinators here. The world opens no
pooled round, so a round's own pages answer not found to everyone ("nobody"); who may run an
existing pooled round is tested in `coopbuy/pooled/tests/test_access.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web_access.levels import COORDINATOR, MONEY, NOBODY

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LEVELS: dict[str, str | dict[str, str]] = {
    "pooled:list": COORDINATOR,
    "pooled:detail": NOBODY,
    "pooled:order_csv": NOBODY,
    "pooled:action": NOBODY,
    "pooled:receive": NOBODY,  # the federation's coordinators, of an existing pooled round
    "pooled:supplier_payment": MONEY,  # the federation's coordinators and treasurer
    "pooled:report": MONEY,  # the same people: per-group totals of closed pooled rounds
    "pooled:report_file": MONEY,
}


def parameters(world: World) -> dict[str, object]:
    fed_slug = world.scopes["fed_slug"]
    values: dict[str, object] = {}
    for name in (
        "list",
        "detail",
        "order_csv",
        "action",
        "receive",
        "supplier_payment",
        "report",
        "report_file",
    ):
        values[f"pooled:{name}.slug"] = fed_slug
    values["pooled:action.action"] = "close"
    values["pool_id"] = world.ids.get("pool_id", 1)
    return values
