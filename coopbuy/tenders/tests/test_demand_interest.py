"""Pooled demand counts the members' registered interest (open campaign pledges) apart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.services import (
    TierInput,
    campaign_cancel,
    campaign_create,
    pledge_set,
    pledge_withdraw,
)
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.tests.factories import make_product
from coopbuy.tenders import services
from coopbuy.tenders.demand import DemandFilter, tender_prefill
from coopbuy.tenders.models import Tender, TenderItem
from coopbuy.tenders.tests.world import World, make_world, past_round
from coopbuy.testing.factories import add_member, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _member(group: BuyingGroup, coordinator: User, name: str) -> User:
    membership = add_member(group, make_user(name))
    ledger_top_up(
        membership=membership, amount=Decimal("500.00"), method="bank", actor=coordinator,
        idempotency_key=f"test-top-up-{membership.pk}",
    )  # fmt: skip
    return membership.user


def _campaign(group: BuyingGroup, actor: User, supplier: Supplier, title: str) -> Campaign:
    return campaign_create(
        group=group, actor=actor, supplier=supplier, title=title, unit="panel",
        measure=Campaign.Measure.UNITS, tiers=[TierInput(50, Decimal("10.00"))],
        deadline=timezone.now() + timedelta(days=7),
    )  # fmt: skip


def _interest(world: World) -> tuple[Tender, Campaign]:
    """Group a bought 10 oats in its last round; its members pledged 4 more in an open campaign
    for the catalogue's oats (an outsider's 5, a withdrawn pledge and a cancelled campaign do
    not count); group b's members pledged 2 solar panels, a product no catalogue has."""
    mia_in_a = Membership.objects.get(user=world.mia, group=world.a)
    past_round(world.a, 10, {mia_in_a: [("oats-25kg", 10, "30.00")]})
    alpha = world.suppliers[0]
    make_product(alpha, sku="oats-25kg", name="Oats 25kg", category="Dry goods", case_size=10)
    oats = _campaign(world.a, world.fay, alpha, "oats 25KG")
    ann, max_ = _member(world.a, world.fay, "Ann"), _member(world.a, world.fay, "Max")
    pledge_set(campaign=oats, user=ann, quantity=3)
    pledge_set(campaign=oats, user=max_, quantity=1)
    pledge_set(campaign=oats, user=make_user("Olly Outsider"), quantity=5)
    gone = pledge_set(campaign=oats, user=_member(world.a, world.fay, "Gus"), quantity=7)
    pledge_withdraw(pledge=gone, user=gone.user)
    dropped = _campaign(world.a, world.fay, alpha, "Oats 25kg")
    pledge_set(campaign=dropped, user=ann, quantity=9)
    campaign_cancel(campaign=dropped, actor=world.fay, reason="Supplier out of stock")
    assert world.other_supplier is not None
    solar = _campaign(world.b, world.bea, world.other_supplier, "Solar panels")
    pledge_set(campaign=solar, user=_member(world.b, world.bea, "Bo"), quantity=2)
    draft = services.tender_create(
        actor=world.fay, federation=world.federation,
        fields=services.TenderFields(title="Pooled 2027", deadline=timezone.now() + timedelta(3)),
    )  # fmt: skip
    return draft, solar


def test_open_pledges_of_the_groups_members_add_to_the_expected_quantities_apart() -> None:
    world = make_world()
    draft, solar = _interest(world)
    items = tender_prefill(tender=draft, actor=world.fay, spec=DemandFilter(rounds=1))
    assert [(i.code, i.name, i.quantity, i.from_rounds, i.from_interest) for i in items] == [
        (f"campaign-{solar.pk}", "Solar panels", 2, 0, 2),
        ("oats-25kg", "Oats 25Kg", 14, 10, 4),
    ]
    assert TenderItem.objects.get(tender=draft, code=f"campaign-{solar.pk}").unit == "panel"
    # The organiser edits the expected quantity; what pooled demand made of it stays shown.
    services.tender_item_save(
        tender=draft, actor=world.fay, item=services.ItemInput("oats-25kg", "Oats", 20, "bag", 10)
    )
    oats = TenderItem.objects.get(tender=draft, code="oats-25kg")
    assert (oats.quantity, oats.from_rounds, oats.from_interest) == (20, 10, 4)


def test_the_supplier_and_category_filters_apply_to_interest_too() -> None:
    world = make_world()
    draft, solar = _interest(world)
    assert world.other_supplier is not None
    only_delta = tender_prefill(
        tender=draft, actor=world.fay, spec=DemandFilter(supplier_name="delta")
    )
    assert [(i.code, i.quantity) for i in only_delta] == [(f"campaign-{solar.pk}", 2)]
    alpha = tender_prefill(tender=draft, actor=world.fay, spec=DemandFilter(supplier_name="Alpha"))
    assert [(i.code, i.quantity, i.from_rounds) for i in alpha] == [("oats-25kg", 4, 0)]
    dry = tender_prefill(tender=draft, actor=world.fay, spec=DemandFilter(category="dry goods"))
    assert [(i.code, i.quantity) for i in dry] == [("oats-25kg", 14)]


def test_the_draft_page_and_the_api_show_rounds_and_interest_apart() -> None:
    world = make_world()
    draft, _solar = _interest(world)
    client = Client()
    client.force_login(world.fay)
    done = client.post(f"/tenders/{draft.pk}/prefill/", {"rounds": "1"})
    assert done.status_code == 302
    page = client.get(f"/tenders/{draft.pk}/").content.decode()
    assert "from rounds: 10, from interest: 4" in page
    _token, raw = token_create(user=world.fay, name="t", scope="read-write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    detail = api.get(f"/api/v1/tenders/{draft.pk}").json()
    oats = next(i for i in detail["items"] if i["code"] == "oats-25kg")
    assert (oats["quantity"], oats["from_rounds"], oats["from_interest"]) == (14, 10, 4)
