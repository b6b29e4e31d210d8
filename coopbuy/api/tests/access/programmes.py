"""Employer programmes: the organisation admin's programme, claims, pickup points and dashboard,
and enrolment (anyone signed in, about themselves).

seed() gives the organisation of `identities` (run by `organisation_admin`) a confirmed domain
and a programme whose group is not group A; its id is `programme_id`. For the web matrix it also
holds a pickup point (`point_id`), a pending domain claim (`claim_id`, its emailed link's token in
`scopes["claim_token"]`), a work-email link sent to the outsider (`scopes["enrol_token"]`) and an
offer to sponsor group A (`offer_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.groups.models import BuyingGroup
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.programmes import claims, enrolment, services
from coopbuy.programmes.models import DomainClaim, Enrolment, JoinCode, PickupPoint
from coopbuy.testing.factories import make_user
from coopbuy.testing.programmes import confirm_domain, make_programme

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

P = "/organisations/{org_slug}/programmes/{programme_id}"
ACCESS = {
    "GET /organisations/{org_slug}/programmes": "organisation_admin",
    "POST /organisations/{org_slug}/programmes": "organisation_admin",
    f"GET {P}": "organisation_admin",
    f"GET {P}/pickup-points": "organisation_admin",  # and the programme group's members
    f"POST {P}/pickup-points": "organisation_admin",
    f"POST {P}/end": "organisation_admin",
    f"GET {P}/dashboard": "organisation_admin",
    f"GET {P}/dashboard.csv": "organisation_admin",
    "GET /organisations/{org_slug}/domain-claims": "organisation_admin",
    "POST /organisations/{org_slug}/domain-claims": "organisation_admin",
    "POST /organisations/domain-claims/confirm": "own_write",
    f"POST {P}/enrolments/work-email": "own_write",
    "POST /organisations/enrolments/verify": "own_write",
    f"POST {P}/enrolments/code": "own_write",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /organisations/{org_slug}/programmes": {
        "name": "Night shift buying group",
        "coordinator_email": "night.coordinator@millcoop.example",
    },
    f"POST {P}/end": {"confirm": True},
    f"POST {P}/pickup-points": {
        "name": "Gatehouse",
        "address": "Mill Lane",
        "delivery_days": ["tue"],
    },
    "POST /organisations/{org_slug}/domain-claims": {
        "domain": "mill-coop.example",
        "proof_email": "hr@mill-coop.example",
    },
    "POST /organisations/domain-claims/confirm": {"token": "not-a-real-signed-token"},
    f"POST {P}/enrolments/work-email": {"email": "new.starter@millcoop.example"},
    "POST /organisations/enrolments/verify": {"token": "not-a-real-signed-token"},
    f"POST {P}/enrolments/code": {"code": "not-the-code"},
}


def seed(world: World) -> None:
    admin = world.people["organisation_admin"]
    organisation = Organisation.objects.get(slug=world.scopes["org_slug"])
    confirm_domain(organisation, admin, "millcoop.example")
    make_user("Night coordinator", email="night.coordinator@millcoop.example")
    programme = make_programme(organisation, admin, name="Mill staff")
    world.ids["programme_id"] = programme.pk
    point = services.pickup_point_add(
        programme=programme, actor=admin, name="Weaving shed", address="Mill Lane",
        delivery_days=["thu"],
    )  # fmt: skip
    world.ids["point_id"] = point.pk
    pending = claims.domain_claim_create(
        organisation=organisation, actor=admin, domain="millstaff.example",
        proof_email="hr@millstaff.example",
    )  # fmt: skip
    world.ids["claim_id"] = pending.pk
    world.scopes["claim_token"] = claims.claim_token(pending)
    world.scopes["enrol_token"] = enrolment.verification_token(
        programme=programme, user=world.people["outsider"], email="outsider@millcoop.example"
    )
    offer = services.sponsorship_offer(
        organisation=organisation, actor=admin, group=world.a, name="Mill staff (group A)"
    )
    world.ids["offer_id"] = offer.pk


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Programme.objects.order_by("pk").values_list("name", "allows_friends_and_family")),
        list(DomainClaim.objects.order_by("pk").values_list("domain", "confirmed_at")),
        list(Enrolment.objects.order_by("pk").values_list("user", "via")),
        list(PickupPoint.objects.order_by("pk").values_list("name", "ended_at")),
        list(JoinCode.objects.order_by("pk").values_list("code", flat=True)),
    )
