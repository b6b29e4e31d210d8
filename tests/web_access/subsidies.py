"""Subsidies and payroll pages: only the admins of the organisation in the path (the programme of
group A is seeded by `coopbuy/api/tests/access/subsidies.py`). The employee's payroll consent has no
page of its own (API only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

NAMES = ("fund", "statement", "rules", "rule_end", "payroll", "payroll_file", "payroll_run")
LEVELS: dict[str, str | dict[str, str]] = {f"subsidies:{n}": "organisation_admin" for n in NAMES}


def parameters(world: World) -> dict[str, object]:
    values: dict[str, object] = {f"subsidies:{n}.slug": world.scopes["org_slug"] for n in NAMES}
    for name in ("rules", "rule_end"):  # group A's programme, not the programmes area's own
        values[f"subsidies:{name}.programme_id"] = world.ids["subsidy_programme_id"]
    values["subsidies:payroll_file.month"] = world.scopes["month"]
    values["subsidies:payroll_file.format"] = "csv"
    values["subsidies:payroll_run.month"] = world.scopes["month"]
    return values
