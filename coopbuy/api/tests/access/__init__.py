"""Who may call each API operation, area by area, for `test_authorization`.

Each area's module defines:
  ACCESS    - "METHOD /path/template" -> level (see test_authorization for the levels)
  BODIES    - a valid request for operations that take one: a dict (sent as JSON) or an
              `Upload` (sent as multipart form data)
  seed(world)     - make the group A objects the area's paths name, adding their ids to world.ids
                    (the keys are the path parameters' names, unique across areas; addresses
                    that are not ids, such as `org_slug`, go in world.scopes)
  snapshot(group) - the area's rows of a group that no denied request may change
  path_values(world, template) - optional: values that replace the usual ones for this path
                    (e.g. `{"slug": <the federation's slug>}` for "/federations/{slug}/...")
A new area adds a module here and one line to AREAS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World


@dataclass(frozen=True)
class Upload:
    """A multipart request: form fields and files (field name -> (file name, content))."""

    data: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def areas() -> list[ModuleType]:
    from coopbuy.api.tests.access import (
        bank_statements,
        campaigns,
        catalog,
        federations,
        groups,
        identities,
        interest,
        ledger,
        pooled,
        programmes,
        reports,
        rounds,
        subsidies,
        teamdeals,
        tenders,
    )

    return [
        groups,
        catalog,
        rounds,
        ledger,
        bank_statements,
        interest,
        campaigns,
        identities,
        reports,
        federations,
        pooled,
        tenders,
        programmes,
        teamdeals,
        subsidies,
    ]


def path_parameters(template: str, world: World, slug: str) -> dict[str, object]:
    """The real ids and addresses for a path's parameters: group `slug`'s, then each area's own."""
    values: dict[str, object] = {
        "slug": slug,
        "code": world.invitation_a.code,
        **world.ids,
        **world.scopes,
    }
    if "/rounds/" in template:  # a round's products are the round's copies
        values["product_id"] = world.ids["round_product_id"]
    for area in areas():  # an area whose paths name another scope's address by `{slug}`
        values.update(getattr(area, "path_values", lambda w, t: {})(world, template))
    return values
