"""The campaign's life: pledges with holds, the cap, tipping or failing once, the money right."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from coopbuy.campaigns.errors import CampaignError
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.selectors import progress_of
from coopbuy.campaigns.services import (
    TierInput,
    campaign_cancel,
    campaign_create,
    campaign_settle,
    pledge_set,
    pledge_withdraw,
)
from coopbuy.campaigns.tests.factories import World, make_world
from coopbuy.ledger.models import Account, Entry, LedgerSettings
from coopbuy.ledger.selectors import available_to_spend, balance_of, held_of
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal
LATER = timezone.now() + timedelta(days=30)


@pytest.fixture
def world() -> World:
    return make_world()


def prepay(world: World) -> None:
    LedgerSettings.objects.update_or_create(
        group=world.group, defaults={"prepayment_required": True, "credit_limit": D("0.00")}
    )


def test_a_member_pledge_holds_the_most_it_can_cost_and_lowers_what_they_may_spend(
    world: World,
) -> None:
    prepay(world)
    ann, ann_m = world.member("Ann", "100.00")
    campaign = world.campaign()
    pledge_set(campaign=campaign, user=ann, quantity=2)
    assert held_of(membership=ann_m) == D("90.00")  # 2 x the first tier's 45.00
    assert available_to_spend(membership=ann_m) == D("10.00")
    assert balance_of(membership=ann_m) == D("100.00")  # nothing charged yet
    pledge_set(campaign=campaign, user=ann, quantity=1, max_price=D("42.00"))  # merges
    assert Pledge.objects.count() == 1 and held_of(membership=ann_m) == D("42.00")


def test_a_pledge_beyond_the_balance_is_refused_and_nothing_is_saved(world: World) -> None:
    prepay(world)
    ben, ben_m = world.member("Ben", "50.00")
    campaign = world.campaign()
    with pytest.raises(CampaignError) as refused:
        pledge_set(campaign=campaign, user=ben, quantity=2)
    assert refused.value.field == "quantity" and "£90.00" in refused.value.message
    assert not Pledge.objects.exists() and held_of(membership=ben_m) == 0


def test_it_tips_exactly_at_the_threshold_and_everyone_pays_the_final_price(world: World) -> None:
    campaign = world.campaign()
    people = [world.member(name, "200.00") for name in ("Ann", "Ben", "Cy", "Di", "Ed")]
    for user, _membership in people[:4]:
        pledge_set(campaign=campaign, user=user, quantity=1)
    assert progress_of(campaign).figures.tipped and progress_of(campaign).figures.more_to_next == 1
    pledge_set(campaign=campaign, user=people[4][0], quantity=2)  # the 5th household: 41.00
    result = campaign_settle(campaign=campaign, now=campaign.deadline)
    assert result.ended_now and result.campaign.status == Campaign.Status.TIPPED
    assert result.campaign.unit_price == D("41.00")
    balances = [balance_of(membership=m) for _u, m in people]
    assert balances == [D("159.00")] * 4 + [D("118.00")]  # the earliest pay 41.00 too
    assert all(held_of(membership=m) == 0 for _u, m in people)
    supplier = Account.objects.get(supplier=world.supplier)
    assert supplier.balance == D("246.00")
    assert campaign_settle(campaign=campaign, now=campaign.deadline).ended_now is False
    assert Entry.objects.filter(account=supplier).count() == 1  # tipped exactly once


def test_it_fails_cleanly_below_the_minimum_holds_released_nobody_pays(world: World) -> None:
    campaign = world.campaign()
    people = [world.member(name, "100.00") for name in ("Ann", "Ben")]
    for user, _m in people:
        pledge_set(campaign=campaign, user=user, quantity=1)
    mail.outbox.clear()
    result = campaign_settle(campaign=campaign, now=campaign.deadline)
    assert result.campaign.status == Campaign.Status.FAILED
    assert all(balance_of(membership=m) == D("100.00") for _u, m in people)
    assert all(held_of(membership=m) == 0 for _u, m in people)
    assert set(Pledge.objects.values_list("status", flat=True)) == {Pledge.Status.RELEASED}


def test_conditional_pledges_count_only_when_their_price_is_reached(world: World) -> None:
    campaign = world.campaign()
    plain = [world.member(n, "100.00") for n in ("Ann", "Ben", "Cy")]
    picky = [world.member(n, "100.00") for n in ("Di", "Ed")]
    for user, _m in plain:
        pledge_set(campaign=campaign, user=user, quantity=1)
    for user, _m in picky:
        pledge_set(campaign=campaign, user=user, quantity=1, max_price=D("41.00"))
    thrifty, thrifty_m = world.member("Flo", "100.00")
    pledge_set(campaign=campaign, user=thrifty, quantity=1, max_price=D("40.00"))
    result = campaign_settle(campaign=campaign, now=campaign.deadline)
    assert result.campaign.unit_price == D("41.00")  # 5 at 41.00: Flo's 40.00 is not reached
    flo = Pledge.objects.get(user=thrifty)
    assert flo.status == Pledge.Status.LEFT_OUT and balance_of(membership=thrifty_m) == D("100.00")
    assert all(balance_of(membership=m) == D("59.00") for _u, m in plain + picky)


def test_a_person_outside_the_group_promises_and_is_told_what_they_owe(world: World) -> None:
    campaign = world.campaign(tiers=[TierInput(1, D("45.00"))])
    visitor = make_user("Vi")
    pledge = pledge_set(campaign=campaign, user=visitor, quantity=2)
    assert pledge.payment == Pledge.Payment.PROMISE
    campaign_settle(campaign=campaign, now=campaign.deadline)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.FILLED and pledge.amount_due == D("90.00")
    assert pledge.transaction is None


def test_the_cap_refuses_what_would_exceed_it_and_says_what_is_left(world: World) -> None:
    campaign = world.campaign(cap=3, measure=Campaign.Measure.UNITS,
                              tiers=[TierInput(2, D("45.00"))])  # fmt: skip
    ann, _ = world.member("Ann", "500.00")
    ben, _ = world.member("Ben", "500.00")
    pledge_set(campaign=campaign, user=ann, quantity=2)
    with pytest.raises(CampaignError, match="Only 1 unit"):
        pledge_set(campaign=campaign, user=ben, quantity=2)
    pledge_set(campaign=campaign, user=ann, quantity=3)  # raising my own within the cap is fine


def test_pledges_change_until_the_deadline_and_not_after(world: World) -> None:
    campaign = world.campaign()
    ann, ann_m = world.member("Ann", "100.00")
    pledge = pledge_set(campaign=campaign, user=ann, quantity=1)
    pledge_withdraw(pledge=pledge, user=ann)
    assert held_of(membership=ann_m) == 0
    with pytest.raises(CampaignError, match="closed for pledges"):
        pledge_set(campaign=campaign, user=ann, quantity=1, now=campaign.deadline)


def test_a_share_link_attributes_the_people_it_brought(world: World) -> None:
    campaign = world.campaign()
    ann, _ = world.member("Ann", "100.00")
    first = pledge_set(campaign=campaign, user=ann, quantity=1)
    for name in ("Ben", "Cy"):
        pledge_set(
            campaign=campaign, user=make_user(name), quantity=1, referral_code=first.share_code
        )
    assert first.referrals.count() == 2
    own = pledge_set(campaign=campaign, user=ann, quantity=1, referral_code=first.share_code)
    assert own.referred_by is None  # nobody refers themselves


def test_cancelling_releases_every_hold_and_needs_a_reason(world: World) -> None:
    campaign = world.campaign()
    ann, ann_m = world.member("Ann", "100.00")
    pledge_set(campaign=campaign, user=ann, quantity=1)
    with pytest.raises(CampaignError) as no_reason:
        campaign_cancel(campaign=campaign, actor=world.coordinator, reason=" ")
    assert no_reason.value.field == "reason"
    campaign_cancel(campaign=campaign, actor=world.coordinator, reason="Suma stopped the line")
    assert held_of(membership=ann_m) == 0
    assert Campaign.objects.get().status == Campaign.Status.CANCELLED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"tiers": []}, "tiers"),
        ({"tiers": [TierInput(3, D("4")), TierInput(5, D("5"))]}, "tiers"),
        ({"tiers": [TierInput(3, D("-1"))]}, "tiers"),
        ({"deadline": timezone.now() - timedelta(minutes=1)}, "deadline"),
        ({"cap": 0}, "cap"),
        ({"cap": 2, "measure": "units"}, "cap"),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(
    world: World, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(CampaignError) as refused:
        world.campaign(**fields)
    assert refused.value.field == field and not Campaign.objects.exists()


def test_a_member_cannot_start_a_campaign(world: World) -> None:
    ann, _ = world.member("Ann")
    with pytest.raises(PermissionDenied):
        campaign_create(group=world.group, actor=ann, title="x", supplier=world.supplier,
                        tiers=[TierInput(1, D("1"))], deadline=LATER)  # fmt: skip
    assert not Campaign.objects.exists()


def test_the_sweep_ends_campaigns_whose_deadline_passed(world: World) -> None:
    campaign = world.campaign(tiers=[TierInput(1, D("45.00"))])
    ann, _ = world.member("Ann", "100.00")
    pledge_set(campaign=campaign, user=ann, quantity=1)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    call_command("settle_campaigns")
    call_command("settle_campaigns")
    assert Campaign.objects.get().status == Campaign.Status.TIPPED
