"""A programme's group in a federation's pooled round: subsidised at the pool's close, and the
subsidy follows the goods at the federation's receiving and at the group's drop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Account
from coopbuy.ledger.selectors import balance_of
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.services import organisation_create
from coopbuy.pooled.models import PooledReceiving
from coopbuy.pooled.receiving import ReceivedLine, pooled_round_receive
from coopbuy.pooled.tests.factories import World, child_of, make_world
from coopbuy.pooled.tests.test_receiving import clean_books, closed
from coopbuy.rounds.models import MemberRoundCharge, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.subsidies.models import RoundSubsidy, SubsidyAdjustment, SubsidyLine
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db

D = Decimal


def programme_for(group: BuyingGroup, *, with_delivery: bool = False) -> tuple[User, Organisation]:
    """An employer running `group`, 100.00 in its fund, 10 % of goods (and the delivery)."""
    admin = make_user("Hana HR")
    organisation = organisation_create(creator=admin, name="Calder Mills", kind="employer")
    programme = Programme.objects.create(organisation=organisation, group=group, name="Staff food")
    fund_top_up(organisation=organisation, amount=D("100.00"), actor=admin, idempotency_key="f")
    subsidy_rule_create(programme=programme, actor=admin, kind="goods_percent", percent=D("10"))
    if with_delivery:
        subsidy_rule_create(programme=programme, actor=admin, kind="delivery")
    return admin, organisation


def held(w: World, who: str) -> Decimal:
    lines = SubsidyLine.objects.filter(membership=w.members[who], subsidy__reversed_at__isnull=True)
    return sum((line.amount for line in lines), D("0.00"))


def charge(w: World, who: str) -> MemberRoundCharge:
    return MemberRoundCharge.objects.get(membership=w.members[who])


def test_the_pools_close_subsidises_a_programmes_group_as_a_rounds_close_does() -> None:
    w = make_world()
    _admin, organisation = programme_for(w.groups[0], with_delivery=True)
    pool = closed(w)  # ann (Group A): 3 oats and 4 beans, 15.00 of goods
    child = child_of(pool, w.groups[0])
    subsidy = RoundSubsidy.objects.get(round=child)
    ann = charge(w, "ann")
    assert ann.total - ann.delivery == D("15.00")
    assert subsidy.total == D("1.50") + ann.delivery
    assert held(w, "ann") == D("1.50") + ann.delivery
    assert balance_of(membership=w.members["ann"]) == -ann.total + D("1.50") + ann.delivery
    assert fund_balance(organisation=organisation) == D("100.00") - subsidy.total
    # the other groups run no programme: nothing for them
    assert not RoundSubsidy.objects.exclude(round=child).exists()
    assert balance_of(membership=w.members["bob"]) == -charge(w, "bob").total
    clean_books()


def test_a_shortage_at_the_federation_shrinks_the_subsidy_of_the_group_that_lost_goods() -> None:
    w = make_world()
    _admin, organisation = programme_for(w.groups[1])  # Group B: bob, 2 oats
    pool = closed(w)
    assert held(w, "bob") == D("0.60")
    # 4 of the 6 oats arrive: the latest orders lose first, cat's 1 and then 1 of bob's 2
    pooled_round_receive(pool=pool, actor=w.fay, key="s1", lines=[ReceivedLine(w.oats.pk, 4)])
    bob = charge(w, "bob")
    assert bob.total - bob.delivery == D("3.00")
    assert held(w, "bob") == D("0.30")
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.total == D("-0.30")
    assert adjustment.key == f"pooled-receiving-{PooledReceiving.objects.get(pool=pool).pk}"
    assert balance_of(membership=w.members["bob"]) == -bob.total + D("0.30")
    assert fund_balance(organisation=organisation) == D("99.70")
    # the same session again adds nothing
    pooled_round_receive(pool=pool, actor=w.fay, key="s1", lines=[ReceivedLine(w.oats.pk, 4)])
    assert SubsidyAdjustment.objects.count() == 1
    clean_books()


def test_a_shortage_at_the_groups_drop_shrinks_its_members_subsidy() -> None:
    w = make_world()
    _admin, organisation = programme_for(w.groups[0], with_delivery=True)
    pool = closed(w)
    child = child_of(pool, w.groups[0])
    before = held(w, "ann")
    oats = RoundProduct.objects.get(round=child, product=w.oats)
    round_receive_product(round=child, actor=w.coordinators[0], product_id=oats.pk,
                          units_received=1)  # fmt: skip
    ann = charge(w, "ann")
    # ann gets 1 of her 3 oats: 9.00 of goods; she keeps her group's whole delivery
    assert ann.total - ann.delivery == D("9.00")
    assert held(w, "ann") == D("0.90") + ann.delivery
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.total == held(w, "ann") - before
    assert adjustment.key.startswith("drop-receiving-")
    assert balance_of(membership=w.members["ann"]) == -ann.total + held(w, "ann")
    between = Account.objects.get(book__organisation=organisation, kind="between")
    assert between.balance == held(w, "ann")
    assert fund_balance(organisation=organisation) == D("100.00") - held(w, "ann")
    clean_books()


def test_a_drop_counted_again_and_again_keeps_every_book_exact() -> None:
    w = make_world()
    _admin, organisation = programme_for(w.groups[0], with_delivery=True)
    pool = closed(w)
    child = child_of(pool, w.groups[0])
    oats = RoundProduct.objects.get(round=child, product=w.oats)
    beans = RoundProduct.objects.get(round=child, product=w.beans)
    for product, units in ((oats, 1), (beans, 3), (oats, 2), (beans, 1), (oats, 0), (oats, 3)):
        round_receive_product(round=child, actor=w.coordinators[0], product_id=product.pk,
                              units_received=units)  # fmt: skip
        ann = charge(w, "ann")
        goods = ann.total - ann.delivery
        assert held(w, "ann") == (goods / 10).quantize(D("0.01")) + ann.delivery
        assert balance_of(membership=w.members["ann"]) == -ann.total + held(w, "ann")
    # in the end: 3 oats and 1 bean (10.50 of goods)
    assert charge(w, "ann").total - charge(w, "ann").delivery == D("10.50")
    assert fund_balance(organisation=organisation) == D("100.00") - held(w, "ann")
    clean_books()
