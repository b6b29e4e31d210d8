"""A pooled round from opening to close: the pool's cases, each group's drop, every book exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from coopbuy.core.allocation import allocate
from coopbuy.core.pooling import group_problem
from coopbuy.federations.models import FederationGroup
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.services import book_of
from coopbuy.outbox.models import OutboxMessage
from coopbuy.pooled import adapters
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledMemberSaving, PooledRound
from coopbuy.pooled.tests.factories import World, child_of, make_world, open_pool, order
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round, RoundProduct

pytestmark = pytest.mark.django_db

D = Decimal


def _ordered(w: World) -> PooledRound:
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "ann", w.beans, 4)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    return pool


def _clean_books() -> None:
    problems = [(r.label, p) for r in check_books() for p in r.problems]
    assert problems == []


def test_the_pool_fills_a_case_no_group_fills_alone_and_every_book_is_exact() -> None:
    w = make_world()
    pool = _ordered(w)
    done = pooled_round_close(pool=pool, actor=w.fay)
    assert done.closed_now and done.groups == 3
    pool.refresh_from_db()
    assert pool.status == "closed" and pool.ordered
    assert (pool.goods, pool.applied_delivery_fee) == (D("24.00"), D("6.00"))
    # Every child round is closed with one case of oats (6 units) at 3.00 between them.
    for group, units in zip(w.groups, (3, 2, 1), strict=True):
        child = child_of(pool, group)
        assert child.status == Round.Status.CLOSED
        oats = RoundProduct.objects.get(round=child, product=w.oats)
        assert (oats.cases, oats.applied_unit_price) == (1, D("3.00"))
        assert Allocation.objects.get(product=oats).units == units
    # Members: goods, the supplier's 6.00 by value across the pool, their group's 1.50 drop.
    charges = {
        who: MemberRoundCharge.objects.get(membership=w.members[who])
        for who in ("ann", "bob", "cat")
    }
    assert {k: (c.goods, c.delivery, c.total) for k, c in charges.items()} == {
        "ann": (D("15.00"), D("5.25"), D("20.25")),
        "bob": (D("6.00"), D("3.00"), D("9.00")),
        "cat": (D("3.00"), D("2.25"), D("5.25")),
    }
    for who, c in charges.items():
        assert balance_of(membership=w.members[who]) == -c.total
    # Each group owes the federation its members' totals; the federation owes Suma 30.00.
    fed_book = w.federation.book
    for group, owed in zip(w.groups, ("20.25", "9.00", "5.25"), strict=True):
        mine = Account.objects.get(book=book_of(group), counterparty=fed_book)
        theirs = Account.objects.get(book=fed_book, counterparty=book_of(group))
        assert (mine.balance, theirs.balance) == (D(owed), -D(owed))
        assert PooledGroupResult.objects.get(pool=pool, group=group).owed == D(owed)
    payable = Account.objects.get(book=fed_book, kind="supplier")
    delivery = Account.objects.get(book=fed_book, kind="delivery")
    assert (payable.balance, delivery.balance) == (D("30.00"), D("4.50"))
    _clean_books()
    # What pooling changed: ann's beans case she fills alone, with the whole 6.00 fee;
    # oats: a case only the pool filled, for every group.
    ann = PooledMemberSaving.objects.get(membership=w.members["ann"])
    assert (ann.alone_goods, ann.alone_delivery, ann.alone_total) == (
        D("6.00"), D("6.00"), D("12.00"),
    )  # fmt: skip
    assert ann.pooling_saving == D("0.75")
    assert PooledMemberSaving.objects.get(membership=w.members["bob"]).pooling_saving == 0
    assert [
        (r.group.name, r.extra_cases, r.alone_received_quantity, r.received_quantity)
        for r in PooledGroupResult.objects.filter(pool=pool).order_by("group__name")
    ] == [("Group A", 1, 4, 7), ("Group B", 1, 0, 2), ("Group C", 1, 0, 1)]
    drop = PooledDrop.objects.get(pool=pool, group=w.groups[0], name="Oats")
    assert (drop.units, drop.alone_units, drop.alone_cases, drop.extra_cases) == (3, 0, 0, 1)
    # The member's email says it.
    body = [m.body for m in OutboxMessage.objects.all()]
    assert any(
        "Pooling with 2 other groups saved you £0.75 this round and filled 1 case your group "
        "could not have filled alone." in m.body
        for m in OutboxMessage.objects.all()
    ), body


def test_closing_twice_posts_nothing_twice() -> None:
    w = make_world()
    pool = _ordered(w)
    pooled_round_close(pool=pool, actor=w.fay)
    count = Transaction.objects.count()
    again = pooled_round_close(pool=pool, actor=w.fay)
    assert not again.closed_now
    assert Transaction.objects.count() == count
    assert PooledMemberSaving.objects.filter(pool=pool).count() == 3
    _clean_books()


def test_the_groups_markup_stays_in_the_group_and_is_not_owed_to_the_federation() -> None:
    w = make_world()
    FederationGroup.objects.filter(group=w.groups[1]).update(markup_rate=D("0.0500"))
    pool = _ordered(w)
    pooled_round_close(pool=pool, actor=w.fay)
    bob = MemberRoundCharge.objects.get(membership=w.members["bob"])
    assert (bob.goods, bob.markup, bob.delivery, bob.total) == (
        D("6.00"), D("0.30"), D("3.00"), D("9.30"),
    )  # fmt: skip
    assert PooledGroupResult.objects.get(group=w.groups[1]).owed == D("9.00")
    fees = Account.objects.get(book=book_of(w.groups[1]), kind="fees")
    assert fees.balance == D("0.30")
    _clean_books()


def test_alone_is_the_engine_on_the_group_alone() -> None:
    w = make_world()
    pool = _ordered(w)
    order(pool, w, "amy", w.oats, 4, 2)
    children = list(Round.objects.filter(pool=pool).order_by("pk"))
    pp = adapters.problem_for_pool(pool, children)
    expected = {}
    for child in children:
        alone = allocate(group_problem(pp.pooled, adapters.group_id(child.pk)))
        for m in alone.members:
            expected[int(m.id[1:])] = (m.goods, m.delivery, m.received_quantity)
    pooled_round_close(pool=pool, actor=w.fay)
    stored = {
        s.membership_id: (s.alone_goods, s.alone_delivery, s.alone_received_quantity)
        for s in PooledMemberSaving.objects.filter(pool=pool)
    }
    assert stored == expected
    # amy 4 (+2) after ann 3 in group A alone: one case of 6, fcfs gives amy 3 of her 4.
    assert stored[w.members["amy"].pk][2] == 3


def test_a_negative_saving_is_said_as_a_cost() -> None:
    from coopbuy.pooled.savings import saving_sentence

    text = saving_sentence(D("-0.30"), "GBP", others=1, extra_cases=0)
    assert text == "Pooling with 1 other group cost you £0.30 more this round than ordering alone."
    assert mail.outbox == []
