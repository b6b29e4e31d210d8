"""Employer programmes' pages, and the organisation's profile edit page.

The objects come from the API matrix's `seed` (`coopbuy/api/tests/access/programmes.py`): the
organisation `world.scopes["org_slug"]` (run by `organisation_admin`), its programme, pickup point,
pending domain claim and emailed links, and its offer to sponsor group A.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web_access.levels import ANYONE, COORDINATOR, LINK_HOLDER, ORG_ADMIN, SIGNED_IN

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LEVELS: dict[str, str | dict[str, str]] = {
    "programmes:public": ANYONE,  # the organisation's public page
    "programmes:join": SIGNED_IN,  # any programme that has not ended: people ask to join it
    "programmes:enrol_verify": LINK_HOLDER,  # the work-email link sent for the outsider's account
    "programmes:claim_confirm": ANYONE,  # the link is the secret: whoever reads the domain's mail
    "programmes:domains": ORG_ADMIN,
    "programmes:domain_end": ORG_ADMIN,
    "programmes:programmes": ORG_ADMIN,
    "programmes:manage": ORG_ADMIN,
    "programmes:code_renew": ORG_ADMIN,
    "programmes:end": ORG_ADMIN,  # the confirmation page (GET), then the end (POST)
    "programmes:pickup_end": ORG_ADMIN,
    "programmes:dashboard": ORG_ADMIN,
    "programmes:dashboard_csv": ORG_ADMIN,
    "programmes:dashboard_xlsx": ORG_ADMIN,
    "programmes:sponsorship": COORDINATOR,  # group A's coordinators answer the offer
    "organisations:edit": ORG_ADMIN,
}

_ORG_PAGES = [name for name, level in LEVELS.items() if level == ORG_ADMIN] + [
    "programmes:public",
    "programmes:join",
]


def parameters(world: World) -> dict[str, object]:
    return {
        **{f"{name}.slug": world.scopes["org_slug"] for name in _ORG_PAGES},
        "programmes:enrol_verify.token": world.scopes["enrol_token"],
        "programmes:claim_confirm.token": world.scopes["claim_token"],
    }
