"""Deals and teams: the offer's rules, holds, filling, expiring once, the money to the penny."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from coopbuy.campaigns.errors import CampaignError
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import campaign_settle, pledge_set, pledge_withdraw
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Entry, Hold, Transaction
from coopbuy.teamdeals import selectors
from coopbuy.teamdeals.errors import DealError
from coopbuy.teamdeals.models import DealSetup
from coopbuy.teamdeals.services import (
    TeamTier,
    deal_create,
    deal_end,
    team_join,
    team_leave,
    team_start,
)
from coopbuy.teamdeals.tests.factories import Shop, make_shop, veg_box
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def _books_clean() -> None:
    assert [r.problems for r in check_books() if r.problems] == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Name the product"),
        ({"solo_price": D("0")}, "solo_price", "above 0"),
        ({"solo_price": D("24.001")}, "solo_price", "pence"),
        ({"tiers": []}, "tiers", "at least one team size"),
        ({"tiers": [TeamTier(1, D("20.00"))]}, "tiers", "at least 2 buyers"),
        ({"tiers": [TeamTier(2, D("24.00"))]}, "tiers", "pay less each"),
        ({"tiers": [TeamTier(2, D("22")), TeamTier(4, D("22"))]}, "tiers", "pay less each"),
        ({"tiers": [TeamTier(2, D("22")), TeamTier(2, D("20"))]}, "tiers", "given twice"),
        ({"window_hours": 0}, "window_hours", "1 to 336"),
        ({"window_hours": 337}, "window_hours", "1 to 336"),
        ({"stock": 1}, "stock", "at least one team of 2"),
        ({"active_until": timezone.now() - timedelta(hours=1)}, "active_until", "end after"),
    ],
)
def test_a_bad_offer_is_refused_naming_its_field(
    changes: dict[str, object], field: str, words: str
) -> None:
    shop = make_shop()
    with pytest.raises(DealError) as caught:
        deal_create(organisation=shop.organisation, actor=shop.admin, data=veg_box(**changes))
    assert caught.value.field == field and words in caught.value.message
    assert shop.organisation.deals.count() == 1  # only the factory's


def test_only_an_admin_offers_and_the_setup_opens_once(shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        deal_create(organisation=shop.organisation, actor=make_user(), data=veg_box())
    deal_create(organisation=shop.organisation, actor=shop.admin, data=veg_box(title="Eggs"))
    assert DealSetup.objects.filter(organisation=shop.organisation).count() == 1
    setup = shop.setup
    assert setup.group.visibility == "private" and not setup.operator.has_usable_password()
    # the tiers are kept in size order, whatever order they were given in
    deal = deal_create(
        organisation=shop.organisation,
        actor=shop.admin,
        data=veg_box(tiers=[TeamTier(4, D("18.00")), TeamTier(2, D("22.00"))]),
    )
    assert [(t.size, t.unit_price) for t in deal.tiers.all()] == [(2, D("22.00")), (4, D("18.00"))]


def test_a_team_fills_and_everyone_pays_the_best_price_once(shop: Shop) -> None:
    starter = make_user("Ann")
    team = team_start(deal=shop.deal, user=starter)
    assert shop.held(starter) == D("22.00")  # the most a place can cost
    campaign = team.campaign
    assert (campaign.cap, campaign.max_per_person, campaign.measure) == (4, 1, "participants")
    assert selectors.team_progress(team).sentence == "1 more buyer unlocks £22.00 each."
    others = [make_user(n) for n in ("Ben", "Cat", "Dan")]
    assert team_join(team=team, user=others[0]).filled is False
    progress = selectors.team_progress(team)
    assert progress.sentence == "2 more buyers unlock £18.00 each. If it ended now: £22.00 each."
    assert team_join(team=team, user=others[1]).filled is False
    result = team_join(team=team, user=others[2])
    assert result.filled is True and result.pledge.status == Pledge.Status.FILLED
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.TIPPED and campaign.unit_price == D("18.00")
    for person in [starter, *others]:
        assert shop.balance(person) == D("-18.00") and shop.held(person) == D("0.00")
    charge = Transaction.objects.get(source_kind="campaign", source_id=campaign.pk)
    assert sorted(e.amount for e in Entry.objects.filter(transaction=charge)) == [
        D("-18.00"), D("-18.00"), D("-18.00"), D("-18.00"), D("72.00"),
    ]  # fmt: skip
    # settling again (the deadline task arriving later) changes nothing
    assert campaign_settle(campaign=campaign, now=campaign.deadline).ended_now is False
    assert Transaction.objects.filter(source_kind="campaign").count() == 1
    with pytest.raises(DealError, match="has ended"):
        team_join(team=team, user=make_user())
    assert selectors.team_progress(team).sentence == (
        "The team succeeded: 4 buyers pay £18.00 each."
    )
    _books_clean()


def test_at_the_deadline_a_team_of_two_pays_the_first_team_price(shop: Shop) -> None:
    ann, ben, cat = make_user("Ann"), make_user("Ben"), make_user("Cat")
    team = team_start(deal=shop.deal, user=ann)
    team_join(team=team, user=ben)
    team_join(team=team, user=cat)
    team_leave(team=team, user=cat)
    assert shop.held(cat) == D("0.00") and shop.held(ann) == D("22.00")
    assert campaign_settle(campaign=team.campaign, now=team.campaign.deadline).ended_now
    assert (shop.balance(ann), shop.balance(ben), shop.balance(cat)) == (
        D("-22.00"), D("-22.00"), D("0.00"),
    )  # fmt: skip
    assert not Hold.objects.filter(released_at__isnull=True).exists()
    _books_clean()


def test_a_team_alone_at_the_deadline_expires_and_nobody_pays(shop: Shop) -> None:
    ann = make_user("Ann")
    team = team_start(deal=shop.deal, user=ann)
    early = campaign_settle(campaign=team.campaign, now=team.campaign.deadline - timedelta(1))
    assert early.ended_now is False  # not before its deadline, while not full
    assert campaign_settle(campaign=team.campaign, now=team.campaign.deadline).ended_now
    assert campaign_settle(campaign=team.campaign, now=team.campaign.deadline).ended_now is False
    team.campaign.refresh_from_db()
    assert selectors.state_of(team) == "expired"
    assert shop.held(ann) == D("0.00") and shop.balance(ann) == D("0.00")
    assert not Transaction.objects.filter(source_kind="campaign").exists()
    # the buyer may start a new team now
    team_start(deal=shop.deal, user=ann)
    _books_clean()


def test_the_rules_of_joining(shop: Shop) -> None:
    ann, ben = make_user("Ann"), make_user("Ben")
    team = team_start(deal=shop.deal, user=ann)
    with pytest.raises(DealError, match="already in this team"):
        team_join(team=team, user=ann)
    with pytest.raises(DealError, match="already in an open team"):
        team_start(deal=shop.deal, user=ann)
    with pytest.raises(DealError, match="not in this team"):
        team_leave(team=team, user=ben)
    with pytest.raises(DealError, match="has ended"):
        team_join(team=team, user=ben, now=team.campaign.deadline)
    deal_end(deal=shop.deal, actor=shop.admin)
    with pytest.raises(DealError, match="not on offer"):
        team_start(deal=shop.deal, user=ben)
    team_join(team=team, user=ben)  # a team started before the end runs on
    assert Pledge.objects.filter(campaign=team.campaign, status="active").count() == 2


def test_stock_limits_places_over_all_teams() -> None:
    shop = make_shop(stock=3)
    people = [make_user() for _ in range(4)]
    first = team_start(deal=shop.deal, user=people[0])
    team_join(team=first, user=people[1])
    team_start(deal=shop.deal, user=people[2])
    with pytest.raises(DealError, match="sold out"):
        team_join(team=first, user=people[3])
    assert Hold.objects.filter(released_at__isnull=True).count() == 3


def test_an_admin_sees_counts_and_totals_never_names(shop: Shop) -> None:
    ann, ben = make_user("Ann Secret"), make_user("Ben Secret")
    team = team_start(deal=shop.deal, user=ann)
    team_join(team=team, user=ben)
    lone = team_start(deal=shop.deal, user=make_user("Cat Secret"))
    campaign_settle(campaign=lone.campaign, now=lone.campaign.deadline)
    figures = {(f.state, f.members, f.total) for f in selectors.teams_for_admin(shop.deal)}
    assert figures == {("open", 2, D("44.00")), ("expired", 1, D("0.00"))}


def test_a_team_takes_no_pledge_as_a_plain_campaign(shop: Shop, client: Client) -> None:
    ann, ben = make_user("Ann"), make_user("Ben")
    team = team_start(deal=shop.deal, user=ann)
    with pytest.raises(CampaignError, match="through its own page"):
        pledge_set(campaign=team.campaign, user=ben, quantity=1)
    own = Pledge.objects.get(campaign=team.campaign, user=ann)
    with pytest.raises(CampaignError, match="through its own page"):
        pledge_withdraw(pledge=own, user=ann)
    client.force_login(ben)
    page = client.get(f"/c/{team.campaign.code}/").content.decode()
    assert 'action="/c/' not in page  # no pledge form on the campaign's own page
    assert client.post(f"/c/{team.campaign.code}/pledge/", {"quantity": 1}).status_code == 302
    assert Pledge.objects.filter(campaign=team.campaign).count() == 1
