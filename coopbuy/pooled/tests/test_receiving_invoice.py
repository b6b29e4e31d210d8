"""Receiving at the federation beyond shortages: invoice prices, substitutes and extra units."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.outbox.models import OutboxMessage
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledDrop, PooledReceivingLine, PooledRound
from coopbuy.pooled.receiving import ReceivedLine, expected_lines, pooled_round_receive
from coopbuy.pooled.selectors import federation_leftovers
from coopbuy.pooled.tests.factories import World, child_of, make_world, open_pool, order
from coopbuy.pooled.tests.test_receiving import charges, clean_books, closed, owed
from coopbuy.rounds.models import Allocation, RoundProduct
from coopbuy.rounds.selectors import pick_list_by_member, pick_list_by_product

pytestmark = pytest.mark.django_db

D = Decimal


def _books(w: World) -> tuple[Decimal, Decimal]:
    fed = w.federation.book
    payable = Account.objects.get(book=fed, kind="supplier").balance
    delivery = Account.objects.get(book=fed, kind="delivery").balance
    return payable, delivery


def _mails(since: int) -> dict[str, str]:
    return {m.to[0]: m.body for m in OutboxMessage.objects.order_by("pk")[since:]}


def test_an_invoice_price_recharges_every_member_and_every_book_exactly() -> None:
    w = make_world()
    pool = closed(w)
    assert [(x.name, x.unit_price) for x in expected_lines(pool)] == [
        ("Beans", D("1.50")), ("Oats", D("3.00")),
    ]  # fmt: skip
    since = OutboxMessage.objects.count()
    done = pooled_round_receive(
        pool=pool, actor=w.fay, key="p1",
        lines=[ReceivedLine(w.oats.pk, 6, D("3.30")), ReceivedLine(w.beans.pk, 4)],
    )  # fmt: skip
    # Goods at the new price; the supplier's 6.00 by value over the pool (ann 15.90, bob 6.60,
    # cat 3.30 of 25.80: 369.77, 153.49, 76.74 pence, the two pence left to the largest shares)
    # and each group's 1.50 drop fee.
    assert charges(w) == {
        "ann": (D("15.90"), D("5.20"), D("21.10")),
        "bob": (D("6.60"), D("3.04"), D("9.64")),
        "cat": (D("3.30"), D("2.26"), D("5.56")),
    }
    for who, (_g, _d, total) in charges(w).items():
        assert balance_of(membership=w.members[who]) == -total
    assert [owed(w, i) for i in range(3)] == [
        (D("21.10"), D("-21.10")), (D("9.64"), D("-9.64")), (D("5.56"), D("-5.56")),
    ]  # fmt: skip
    # The federation owes the supplier the invoice: 6 x 3.30 + 4 x 1.50 + the fee 6.00.
    assert _books(w) == (D("31.80"), D("4.50"))
    clean_books()
    out = StringIO()
    call_command("ledger", "check", stdout=out)  # `coopbuy ledger check`: every book ok
    books = out.getvalue().splitlines()
    assert sum(": ok: " in line for line in books) == 4 and "FAIL" not in out.getvalue()
    line = PooledReceivingLine.objects.get(receiving=done.receiving, product=w.oats)
    assert (line.kind, line.old_unit_price, line.new_unit_price) == (
        "price_changed", D("3.00"), D("3.30"),
    )  # fmt: skip
    beans = PooledReceivingLine.objects.get(receiving=done.receiving, product=w.beans)
    assert beans.kind == "as_ordered"
    assert {rp.applied_unit_price for rp in RoundProduct.objects.filter(product=w.oats)} == {
        D("3.30")
    }
    ann = Allocation.objects.get(membership=w.members["ann"], product__product=w.oats)
    assert ann.amount == D("9.90")
    # One email each, with the new price and the bill before and after.
    assert done.members_told == 3
    mails = _mails(since)
    assert len(mails) == 3
    body = mails[w.users["bob"].email]
    assert "Oats: the price is now £3.30 a unit (it was £3.00)." in body
    assert "Your bill for the round is now £9.64 (it was £9.00)" in body
    # A retry of the session posts and sends nothing more.
    count = (Transaction.objects.count(), OutboxMessage.objects.count())
    again = pooled_round_receive(
        pool=pool, actor=w.fay, key="p1", lines=[ReceivedLine(w.oats.pk, 6, D("3.30"))]
    )
    assert not again.recorded_now
    assert (Transaction.objects.count(), OutboxMessage.objects.count()) == count
    # A later session at yet another price starts from the price now.
    assert [x.unit_price for x in expected_lines(pool) if x.name == "Oats"] == [D("3.30")]
    pooled_round_receive(
        pool=pool, actor=w.fay, key="p2", lines=[ReceivedLine(w.oats.pk, 6, D("2.40"))]
    )
    assert _books(w) == (D("14.40") + D("6.00") + D("6.00"), D("4.50"))
    clean_books()


def test_a_substitute_is_named_on_every_groups_pick_list_and_bag_at_its_price() -> None:
    w = make_world()
    pool = closed(w)
    since = OutboxMessage.objects.count()
    done = pooled_round_receive(
        pool=pool, actor=w.fay, key="s1",
        lines=[ReceivedLine(w.oats.pk, 5, D("2.80"), "  Jumbo oats ")],
    )  # fmt: skip
    line = PooledReceivingLine.objects.get(receiving=done.receiving)
    assert (line.kind, line.substitute_name, line.units_received) == (
        "substituted", "Jumbo oats", 5,
    )  # fmt: skip
    for group, units in ((w.groups[0], 3), (w.groups[1], 2)):
        child = child_of(pool, group)
        assert [(p.name, p.total) for p in pick_list_by_product(round=child)][-1] == (
            "Jumbo oats", units,
        )  # fmt: skip
    group_a = child_of(pool, w.groups[0])
    bags = {b.name: [i.name for i in b.items] for b in pick_list_by_member(round=group_a)}
    assert bags == {"Ann": ["Beans", "Jumbo oats"]}
    # Short by one as well: cat (the latest order) loses hers; goods at the substitute's price.
    assert {who: c[0] for who, c in charges(w).items()} == {
        "ann": D("14.40"), "bob": D("5.60"), "cat": D("0.00"),
    }  # fmt: skip
    clean_books()
    mails = _mails(since)
    assert "Oats: the supplier sent Jumbo oats in its place." in mails[w.users["ann"].email]
    price = "Jumbo oats: the price is now £2.80 a unit (it was £3.00)."
    assert price in mails[w.users["bob"].email]
    assert "Jumbo oats: you get 0 (before: 1)." in mails[w.users["cat"].email]
    assert [x.substitute_name for x in expected_lines(pool) if x.name == "Oats"] == ["Jumbo oats"]


def test_a_substitute_at_the_same_price_moves_no_money_but_tells_who_gets_it() -> None:
    w = make_world()
    pool = closed(w)
    count = Transaction.objects.count()
    since = OutboxMessage.objects.count()
    done = pooled_round_receive(
        pool=pool, actor=w.fay, key="s1", lines=[ReceivedLine(w.beans.pk, 4, None, "Pinto beans")]
    )
    assert Transaction.objects.count() == count
    assert done.members_told == 1  # only ann ordered beans
    body = _mails(since)[w.users["ann"].email]
    assert "Beans: the supplier sent Pinto beans in its place." in body
    assert "Your bill for the round stays £20.25." in body


def with_tolerance(w: World) -> PooledRound:
    """ann 3 oats (up to 2 more), bob 2, cat 1: one case of six; ann's tolerance unmet."""
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3, 2)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    pooled_round_close(pool=pool, actor=w.fay)
    pool.refresh_from_db()
    return pool


def test_extra_units_fill_unmet_demand_and_the_rest_is_the_federations_leftover() -> None:
    w = make_world()
    pool = with_tolerance(w)
    assert [(x.name, x.units) for x in expected_lines(pool)] == [("Oats", 6)]
    since = OutboxMessage.objects.count()
    done = pooled_round_receive(
        pool=pool, actor=w.fay, key="x1", lines=[ReceivedLine(w.oats.pk, 9)]
    )
    units = {
        who: Allocation.objects.get(membership=w.members[who], product__product=w.oats).units
        for who in ("ann", "bob", "cat")
    }
    assert units == {"ann": 5, "bob": 2, "cat": 1}
    sent = {d.group.name: d.sent_units for d in PooledDrop.objects.filter(pool=pool)}
    assert sent == {"Group A": 5, "Group B": 2, "Group C": 1}
    line = PooledReceivingLine.objects.get(receiving=done.receiving)
    assert (line.kind, line.units_ordered, line.units_received, line.leftover_units) == (
        "extra", 6, 9, 1,
    )  # fmt: skip
    assert federation_leftovers(pool) == [("Oats", 1)]
    # ann pays for her 5; the leftover unit is charged to no one: the federation owes the
    # supplier for the 8 members take (24.00) and the fee.
    assert {who: c[0] for who, c in charges(w).items()} == {
        "ann": D("15.00"), "bob": D("6.00"), "cat": D("3.00"),
    }  # fmt: skip
    assert _books(w) == (D("30.00"), D("4.50"))
    clean_books()
    ann = Allocation.objects.get(membership=w.members["ann"], product__product=w.oats)
    assert ann.explanation_code == "delivery_extra"
    assert "More reached the federation than was ordered (9 of 6)" in ann.explanation
    assert "Oats: you get 5 (before: 3)." in _mails(since)[w.users["ann"].email]
    assert [(x.name, x.units) for x in expected_lines(pool)] == [("Oats", 8)]


def test_extra_units_reach_a_member_the_close_left_without_and_her_group_pays_its_drop() -> None:
    w = make_world()
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 4)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 3)  # last: the one case of six leaves her nothing
    pooled_round_close(pool=pool, actor=w.fay)
    pool.refresh_from_db()
    assert charges(w)["cat"] == (D("0.00"), D("0.00"), D("0.00"))
    pooled_round_receive(pool=pool, actor=w.fay, key="x1", lines=[ReceivedLine(w.oats.pk, 9)])
    assert charges(w)["cat"][0] == D("9.00")
    # Group C now receives, so it pays its drop fee to the federation's van.
    assert _books(w) == (D("27.00") + D("6.00"), D("4.50"))
    assert federation_leftovers(pool) == []
    clean_books()


def test_a_new_price_with_each_groups_markup_keeps_every_book_balanced() -> None:
    w = make_world(markup=D("0.10"))
    pool = closed(w)
    before = {who: c[2] for who, c in charges(w).items()}
    pooled_round_receive(
        pool=pool, actor=w.fay, key="m1", lines=[ReceivedLine(w.oats.pk, 6, D("2.55"))]
    )
    after = {who: c[2] for who, c in charges(w).items()}
    assert all(after[who] < before[who] for who in before)
    # The federation owes the supplier the invoice, whatever the groups' markups.
    assert _books(w) == (D("15.30") + D("6.00") + D("6.00"), D("4.50"))
    for i in range(3):
        mine, theirs = owed(w, i)
        assert mine == -theirs
    clean_books()
