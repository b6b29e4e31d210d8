"""Team deals: offers for anyone, a team by its share code, a buyer's own place, and the running of
an organisation's deals for its admins only.

seed() offers a deal in the organisation the matrix's `organisation_admin` runs (`org_slug`) and
starts one team in it by a buyer who holds none of the roles, so that every role may try to join,
leave or start. The deal's id is `deal_id`; the team's share code goes in `world.scopes`
(`team_code`) and `path_values` puts it in `{code}` on the deals' paths (elsewhere `{code}` is
group A's invitation code).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coopbuy.campaigns.models import Pledge
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.organisations.models import Organisation
from coopbuy.teamdeals.models import BuyerPayment, Deal, DealSetup, DealTier, Team, TeamSale
from coopbuy.teamdeals.money import buyer_payment_record
from coopbuy.teamdeals.services import DealInput, TeamTier, deal_create, team_start
from coopbuy.testing.factories import make_user

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ORGANISATION = "mill-co-op"  # the slug of the organisation `identities.seed` makes (checked)

ACCESS = {
    "GET /deals": "anyone",
    "GET /deals/mine": "signed_in",
    "POST /deals": "organisation_admin",
    "GET /deals/{deal_id}": "anyone",
    "PUT /deals/{deal_id}": "organisation_admin",
    "POST /deals/{deal_id}/end": "organisation_admin",
    "GET /deals/{deal_id}/figures": "organisation_admin",
    "POST /deals/{deal_id}/teams": "own_write",
    "GET /deals/{deal_id}/teams/{code}": "code_holder",
    "POST /deals/{deal_id}/teams/{code}/join": "own_write",
    "POST /deals/{deal_id}/teams/{code}/leave": "own_write",
    # the seller's money: its own buyers' balances and payments, for its admins only
    "GET /organisations/{org_slug}/deal-money": "organisation_admin",
    "GET /organisations/{org_slug}/deal-money/payments": "organisation_admin",
    "POST /organisations/{org_slug}/deal-money/payments": "organisation_admin",
    "POST /organisations/{org_slug}/deal-money/payments/{payment_id}/undo": "organisation_admin",
}
_DEAL: dict[str, Any] = {
    "title": "Organic veg box (large)",
    "description": "Seasonal vegetables.",
    "unit": "box",
    "solo_price": "24.00",
    "tiers": [{"size": 2, "unit_price": "22.00"}, {"size": 4, "unit_price": "18.00"}],
    "window_hours": 48,
    "stock": 40,
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /deals": {**_DEAL, "organisation": ORGANISATION},
    "PUT /deals/{deal_id}": {**_DEAL, "title": "Organic veg box (small)", "solo_price": "23.00"},
    "POST /organisations/{org_slug}/deal-money/payments": {
        "buyer": 0,  # the team starter's membership, filled in by `seed`
        "amount": "22.00",
        "method": "bank",
        "reference": "FPS 991",
    },
    "POST /organisations/{org_slug}/deal-money/payments/{payment_id}/undo": {"reason": "bounced"},
}


def seed(world: World) -> None:
    assert world.scopes["org_slug"] == ORGANISATION, "POST /deals must name the admin's one"
    organisation = Organisation.objects.get(slug=world.scopes["org_slug"])
    deal = deal_create(
        organisation=organisation,
        actor=world.people["organisation_admin"],
        data=DealInput(
            title="Stoneground flour, 16 kg",
            solo_price=Decimal("24.00"),
            tiers=[TeamTier(2, Decimal("22.00")), TeamTier(4, Decimal("18.00"))],
            window_hours=48,
        ),
    )
    starter = make_user("Team starter")
    team = team_start(deal=deal, user=starter)
    buyer = Membership.objects.get(group__deal_setup__organisation=organisation, user=starter)
    payment = buyer_payment_record(
        organisation=organisation, actor=world.people["organisation_admin"], membership=buyer,
        amount=Decimal("22.00"), method="bank", idempotency_key="seed",
    )  # fmt: skip
    body = BODIES["POST /organisations/{org_slug}/deal-money/payments"]
    assert isinstance(body, dict)
    body["buyer"] = buyer.pk
    world.ids["deal_id"] = deal.pk
    world.ids["payment_id"] = payment.pk
    world.scopes["team_code"] = team.campaign.code


def path_values(world: World, template: str) -> dict[str, object]:
    if template.startswith("/deals/") and "{code}" in template:
        return {"code": world.scopes["team_code"]}
    return {}


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    """Every deal, team and place (they are no group A's: no denied caller may change any)."""
    return (
        list(
            Deal.objects.order_by("pk").values_list(
                "pk", "title", "solo_price", "window_hours", "stock", "active_until", "ended_at"
            )
        ),
        list(DealTier.objects.order_by("pk").values_list("deal", "size", "unit_price")),
        list(Team.objects.order_by("pk").values_list("pk", "campaign__status")),
        list(
            Pledge.objects.filter(campaign__team__isnull=False)
            .order_by("pk")
            .values_list("pk", "user", "status")
        ),
        list(
            Membership.objects.filter(group__deal_setup__isnull=False)
            .order_by("pk")
            .values_list("pk", "user", "ended_at")
        ),
        DealSetup.objects.count(),
        list(BuyerPayment.objects.order_by("pk").values_list("pk", "amount", "reversed_at")),
        list(TeamSale.objects.order_by("pk").values_list("pk", "amount")),
    )
