"""The demo data: realistic enough to show, and seeding twice adds nothing twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import SupplierUser
from coopbuy.demo.identities_seed import ORGANISATION_ADMIN_EMAIL, SUPPLIER_USER_EMAIL
from coopbuy.demo.people import DEMO_PASSWORD
from coopbuy.demo.seed import seed_demo
from coopbuy.demo.teamdeals_seed import RETAILER_ADMIN_EMAIL
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.interest.models import Interest, Suggestion
from coopbuy.ledger.checks import check_books
from coopbuy.organisations.models import OrganisationAdmin
from coopbuy.rounds.supplier_portal import purchase_orders_of_supplier
from coopbuy.teamdeals.models import Deal
from coopbuy.teamdeals.selectors import money_summary

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            BuyingGroup,
            Membership,
            Invitation,
            JoinRequest,
            AuditEvent,
            Interest,
            Suggestion,
        )
    )


def test_demo_has_three_towns_forty_members_roles_invitations_and_requests() -> None:
    summary = seed_demo()
    assert BuyingGroup.objects.values("place").distinct().count() >= 3
    assert Membership.objects.values("user").distinct().count() >= 40
    for group in BuyingGroup.objects.filter(deal_setup__isnull=True):  # not a team deal's own
        roles = set(Membership.objects.filter(group=group).values_list("role", flat=True))
        assert roles == {"coordinator", "treasurer", "member"}
    assert Invitation.objects.filter(use_count=0).exclude(email="").count() >= 3
    assert JoinRequest.objects.filter(status="pending").count() >= 2
    email, _what = summary.logins[0]
    assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert "password: buy-together" in summary.describe("http://127.0.0.1:8000/")
    rep = SupplierUser.objects.get(user__email=SUPPLIER_USER_EMAIL)
    assert purchase_orders_of_supplier(supplier=rep.supplier).exists()  # something to see
    assert OrganisationAdmin.objects.filter(user__email=ORGANISATION_ADMIN_EMAIL).exists()
    printed = summary.describe("http://127.0.0.1:8000/")
    assert SUPPLIER_USER_EMAIL in printed and ORGANISATION_ADMIN_EMAIL in printed
    assert User.objects.get(email=SUPPLIER_USER_EMAIL).check_password(DEMO_PASSWORD)


def test_demo_people_have_home_postcodes_and_neighbours_wait_near_hebden_bridge() -> None:
    seed_demo()
    members = User.objects.filter(memberships__isnull=False, deal_setup__isnull=True).distinct()
    assert not members.filter(home_latitude=None).exists()
    assert members.filter(home_place__startswith="HX7").exists()
    waiting = Interest.objects.filter(area__in=["HX7", "OL14", "HX2"])
    assert waiting.count() == 9 and waiting.filter(can_host_pickup=True).count() == 1
    suggestion = Suggestion.objects.get()
    assert suggestion.supplier == "Suma" and suggestion.status == "open"
    assert suggestion.members.count() >= 5
    assert set(suggestion.members.values_list("user_id", flat=True)) <= set(
        waiting.values_list("user_id", flat=True)
    )


def test_seeding_twice_adds_nothing_twice() -> None:
    seed_demo()
    before = _counts()
    second = seed_demo()
    assert _counts() == before
    assert (second.created_users, second.created_groups) == (0, 0)


def test_pennine_organics_offers_a_veg_box_with_three_teams() -> None:
    summary = seed_demo()
    deal = Deal.objects.get(organisation__slug="pennine-organics")
    assert (deal.title, deal.solo_price, deal.window_hours) == (
        "Organic veg box (large)", Decimal("24.00"), 48,
    )  # fmt: skip
    assert [(t.size, t.unit_price) for t in deal.tiers.all()] == [
        (2, Decimal("22.00")), (4, Decimal("18.00")),
    ]  # fmt: skip
    states = sorted(
        (t.campaign.status, t.campaign.pledges.filter(status__in=["active", "filled"]).count())
        for t in deal.teams.select_related("campaign")
    )
    assert states == [("failed", 0), ("open", 3), ("tipped", 4)]
    assert not deal.organisation.deal_setup.group.members_listed_to_members  # buyers unseen
    money = money_summary(deal.organisation)
    assert (money.sold, money.received, money.owed) == (
        Decimal("72.00"), Decimal("36.00"), Decimal("36.00"),
    )  # fmt: skip
    assert sorted(b.owes for b in money.buyers if b.owes) == [Decimal("18.00")] * 2
    assert RETAILER_ADMIN_EMAIL in summary.describe("http://127.0.0.1:8000/")
    assert User.objects.get(email=RETAILER_ADMIN_EMAIL).check_password(DEMO_PASSWORD)
    assert [r.problems for r in check_books() if r.problems] == []
