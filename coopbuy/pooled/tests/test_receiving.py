"""Receiving a pooled round: shortfalls at the federation or a drop, every book exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.services import book_of
from coopbuy.outbox.models import OutboxMessage
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import PooledDrop, PooledReceiving, PooledRound
from coopbuy.pooled.receiving import (
    ReceivedLine,
    expected_lines,
    pool_charges,
    pooled_round_receive,
)
from coopbuy.pooled.tests.factories import World, child_of, make_world, open_pool, order
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round

pytestmark = pytest.mark.django_db

D = Decimal


def closed(w: World) -> PooledRound:
    """ann 3 oats + 4 beans (Group A), bob 2 oats (B), cat 1 oat (C): one case of oats."""
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "ann", w.beans, 4)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    pooled_round_close(pool=pool, actor=w.fay)
    pool.refresh_from_db()
    return pool


def clean_books() -> None:
    assert [(r.label, p) for r in check_books() for p in r.problems] == []


def owed(w: World, i: int) -> tuple[Decimal, Decimal]:
    fed = w.federation.book
    mine = Account.objects.get(book=book_of(w.groups[i]), counterparty=fed).balance
    theirs = Account.objects.get(book=fed, counterparty=book_of(w.groups[i])).balance
    return mine, theirs


def charges(w: World) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {
        who: (c.goods, c.delivery, c.total)
        for who in ("ann", "bob", "cat")
        for c in MemberRoundCharge.objects.filter(membership=w.members[who])
    }


def test_recomputing_the_charges_of_a_closed_pool_gives_the_closes_to_the_penny() -> None:
    w = make_world()
    pool = closed(w)
    children = list(Round.objects.filter(pool=pool).order_by("pk"))
    stored = {
        (c.round_id, c.membership_id): (c.goods, c.delivery, c.total)
        for c in MemberRoundCharge.objects.filter(round__in=children)
    }
    again = {
        (r, pk): (D(c.goods) / 100, D(c.delivery) / 100, D(c.total) / 100)
        for r, by_member in pool_charges(pool, children).items()
        for pk, c in by_member.items()
    }
    assert again == stored


def test_a_shortage_at_the_federation_is_shared_over_the_pool_and_every_book_follows() -> None:
    w = make_world()
    pool = closed(w)
    assert [(x.name, x.units) for x in expected_lines(pool)] == [("Beans", 4), ("Oats", 6)]
    fed = w.federation.book
    payable = Account.objects.get(book=fed, kind="supplier")
    delivery = Account.objects.get(book=fed, kind="delivery")
    assert (payable.balance, delivery.balance) == (D("30.00"), D("4.50"))
    mail_before = OutboxMessage.objects.count()
    done = pooled_round_receive(
        pool=pool, actor=w.fay, key="s1",
        lines=[ReceivedLine(w.oats.pk, 4), ReceivedLine(w.beans.pk, 4)],
    )  # fmt: skip
    assert done.recorded_now
    # fcfs: the latest orders lose first, whatever their group: cat's 1, then 1 of bob's 2.
    units = {
        who: Allocation.objects.get(membership=w.members[who], product__product=w.oats).units
        for who in ("ann", "bob", "cat")
    }
    assert units == {"ann": 3, "bob": 1, "cat": 0}
    sent = {d.group.name: d.sent_units for d in PooledDrop.objects.filter(pool=pool, name="Oats")}
    assert sent == {"Group A": 3, "Group B": 1, "Group C": 0}
    # The supplier's 6.00 by value over ann (15.00) and bob (3.00); Group C receives nothing,
    # so it pays no drop fee.
    assert charges(w) == {
        "ann": (D("15.00"), D("6.50"), D("21.50")),
        "bob": (D("3.00"), D("2.50"), D("5.50")),
        "cat": (D("0.00"), D("0.00"), D("0.00")),
    }
    for who, (_g, _d, total) in charges(w).items():
        assert balance_of(membership=w.members[who]) == -total
    assert [owed(w, i) for i in range(3)] == [
        (D("21.50"), D("-21.50")), (D("5.50"), D("-5.50")), (D("0.00"), D("0.00")),
    ]  # fmt: skip
    payable.refresh_from_db()
    delivery.refresh_from_db()
    assert (payable.balance, delivery.balance) == (D("24.00"), D("3.00"))  # 18.00 + the fee
    clean_books()
    pool.refresh_from_db()
    assert pool.status == "received"
    # bob, cat and ann (her delivery share moved) are each told once.
    assert done.members_told == 3
    told = OutboxMessage.objects.order_by("pk")[mail_before:]
    assert len(told) == 3
    assert any("Oats: you get 0 (before: 1)." in m.body for m in told)


def test_a_session_is_recorded_once_and_a_full_delivery_moves_no_money() -> None:
    w = make_world()
    pool = closed(w)
    count = Transaction.objects.count()
    full = [ReceivedLine(w.oats.pk, 6), ReceivedLine(w.beans.pk, 4)]
    pooled_round_receive(pool=pool, actor=w.fay, key="all", lines=full)
    assert Transaction.objects.count() == count
    short = [ReceivedLine(w.oats.pk, 5)]
    pooled_round_receive(pool=pool, actor=w.fay, key="s1", lines=short)
    count = Transaction.objects.count()
    mails = OutboxMessage.objects.count()
    again = pooled_round_receive(pool=pool, actor=w.fay, key="s1", lines=short)
    assert not again.recorded_now
    assert (Transaction.objects.count(), OutboxMessage.objects.count()) == (count, mails)
    assert PooledReceiving.objects.filter(pool=pool).count() == 2
    clean_books()


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([(0, 1, None, "")], "lines[0].product_id"),
        ([(-1, 2**31, None, "")], "lines[0].units_received"),
        ([(-1, -1, None, "")], "lines[0].units_received"),
        ([(-1, 5, None, ""), (-1, 4, None, "")], "lines[1].product_id"),
        ([(-1, 6, D("-0.01"), "")], "lines[0].invoice_unit_price"),
        ([(-1, 6, D("100000"), "")], "lines[0].invoice_unit_price"),
        ([(-1, 6, None, "x" * 201)], "lines[0].substitute_name"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_changes_nothing(
    lines: list[tuple[int, int, Decimal | None, str]], field: str
) -> None:
    w = make_world()
    pool = closed(w)
    count = (Transaction.objects.count(), PooledReceiving.objects.count())
    given = [ReceivedLine(w.oats.pk if pk == -1 else pk, n, p, s) for pk, n, p, s in lines]
    with pytest.raises(PooledError) as refused:
        pooled_round_receive(pool=pool, actor=w.fay, key="k", lines=given)
    assert refused.value.field == field
    assert (Transaction.objects.count(), PooledReceiving.objects.count()) == count
    assert Allocation.objects.filter(units__gt=0).count() == 4


def test_only_the_federations_coordinator_receives_and_only_before_the_drops() -> None:
    w = make_world()
    pool = closed(w)
    with pytest.raises(PermissionDenied):
        pooled_round_receive(
            pool=pool, actor=w.coordinators[0], key="k", lines=[ReceivedLine(w.oats.pk, 5)]
        )
    assert child_of(pool, w.groups[0]).status == Round.Status.CLOSED
