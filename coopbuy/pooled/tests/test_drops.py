"""Receiving a group's drop of a pooled round: the group's members only, the federation bears it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.outbox.models import OutboxMessage
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.receiving import ReceivedLine, pooled_round_receive
from coopbuy.pooled.tests.factories import World, child_of, make_world, open_pool, order
from coopbuy.pooled.tests.test_receiving import charges, clean_books, closed, owed
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import Allocation, MemberRoundCharge, ReceivingRecord, RoundProduct
from coopbuy.rounds.receiving import round_receive_product, round_receiving_done

pytestmark = pytest.mark.django_db

D = Decimal


def _oats(pool: PooledRound, w: World, i: int) -> RoundProduct:
    return RoundProduct.objects.get(round__pool=pool, round__group=w.groups[i], product=w.oats)


def _fed(kind: str, w: World) -> Decimal:
    return Account.objects.get(book=w.federation.book, kind=kind).balance


def test_a_drop_shortage_on_the_usual_page_is_borne_by_the_federation() -> None:
    w = make_world()
    pool = closed(w)
    client = Client()
    client.force_login(w.coordinators[0])
    child = child_of(pool, w.groups[0])
    page = client.get(reverse("rounds:receive", args=[w.groups[0].slug, child.pk]))
    assert page.status_code == 200
    assert "3 units in your drop" in page.content.decode()
    oats = _oats(pool, w, 0)
    answer = client.post(
        reverse("rounds:receive", args=[w.groups[0].slug, child.pk]),
        {"product": oats.pk, "units_received": "1", "invoice_unit_price": "3.00"},
    )
    assert answer.status_code == 302
    assert ReceivingRecord.objects.get(product=oats).kind == "short"
    # ann gets 1 of her 3 oats; she keeps her group's whole delivery (the only one receiving).
    assert Allocation.objects.get(product=oats).units == 1
    assert charges(w) == {
        "ann": (D("9.00"), D("5.25"), D("14.25")),
        "bob": (D("6.00"), D("3.00"), D("9.00")),
        "cat": (D("3.00"), D("2.25"), D("5.25")),
    }
    assert balance_of(membership=w.members["ann"]) == D("-14.25")
    # Group A owes 6.00 less; the federation still owes Suma 30.00 and books the 6.00 as a cost.
    assert [owed(w, i) for i in range(3)] == [
        (D("14.25"), D("-14.25")), (D("9.00"), D("-9.00")), (D("5.25"), D("-5.25")),
    ]  # fmt: skip
    assert (_fed("supplier", w), _fed("delivery", w), _fed("adjustments", w)) == (
        D("30.00"), D("4.50"), D("-6.00"),
    )  # fmt: skip
    clean_books()
    # "Tell the members": ann, once.
    before = OutboxMessage.objects.count()
    assert round_receiving_done(round=child, actor=w.coordinators[0]) == 1
    body = OutboxMessage.objects.order_by("pk").last()
    assert OutboxMessage.objects.count() == before + 1 and body is not None
    assert "Oats: you get 1 (before: 3)." in body.body
    # Counting again upwards gives the units back and the money with them.
    round_receive_product(
        round=child, actor=w.coordinators[0], product_id=oats.pk, units_received=3
    )
    assert charges(w)["ann"] == (D("15.00"), D("5.25"), D("20.25"))
    assert owed(w, 0) == (D("20.25"), D("-20.25"))
    assert _fed("adjustments", w) == D("0.00")
    clean_books()


def test_a_drop_shortage_shares_the_groups_delivery_among_those_who_still_receive() -> None:
    w = make_world()
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "amy", w.oats, 3)
    pooled_round_close(pool=pool, actor=w.fay)
    child = child_of(pool, w.groups[0])
    # 18.00 of oats; 6.00 fee + 1.50 drop: 3.75 each. amy's 3 are lost at the drop (fcfs).
    round_receive_product(
        round=child, actor=w.coordinators[0], product_id=_oats(pool, w, 0).pk, units_received=3
    )
    rows = {
        c.membership.user.name: (c.goods, c.delivery, c.total)
        for c in MemberRoundCharge.objects.filter(round=child).select_related("membership__user")
    }
    assert rows == {
        "Ann": (D("9.00"), D("7.50"), D("16.50")),
        "Amy": (D("0.00"), D("0.00"), D("0.00")),
    }
    assert owed(w, 0) == (D("16.50"), D("-16.50"))
    assert _fed("adjustments", w) == D("-9.00")
    clean_books()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"units_received": 4}, "units_received"),
        ({"units_received": -1}, "units_received"),
        ({"invoice_unit_price": D("2.50")}, "invoice_unit_price"),
        ({"substitute_name": "Jumbo oats"}, "substitute_name"),
        ({"product_id": 0}, "product"),
    ],
)
def test_a_bad_drop_record_is_refused_with_its_field_and_changes_nothing(
    change: dict[str, object], field: str
) -> None:
    w = make_world()
    pool = closed(w)
    child = child_of(pool, w.groups[0])
    count = Transaction.objects.count()
    given: dict[str, object] = {"product_id": _oats(pool, w, 0).pk, "units_received": 2}
    given.update(change)
    with pytest.raises(RoundError) as refused:
        round_receive_product(round=child, actor=w.coordinators[0], **given)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert Transaction.objects.count() == count
    assert not ReceivingRecord.objects.exists()


def test_the_federation_records_its_delivery_before_the_drops_and_the_drop_follows_it() -> None:
    w = make_world()
    pool = closed(w)
    pooled_round_receive(pool=pool, actor=w.fay, key="s1", lines=[ReceivedLine(w.oats.pk, 4)])
    child = child_of(pool, w.groups[1])
    with pytest.raises(RoundError) as refused:  # bob's group was sent 1 oat, not 2
        round_receive_product(
            round=child, actor=w.coordinators[1], product_id=_oats(pool, w, 1).pk,
            units_received=2,
        )  # fmt: skip
    assert "sent 1 units" in refused.value.message
    round_receive_product(
        round=child, actor=w.coordinators[1], product_id=_oats(pool, w, 1).pk, units_received=0
    )
    assert charges(w)["bob"] == (D("0.00"), D("0.00"), D("0.00"))
    clean_books()
    with pytest.raises(PooledError, match="started receiving its drop"):
        pooled_round_receive(pool=pool, actor=w.fay, key="s2", lines=[ReceivedLine(w.oats.pk, 3)])


def test_another_groups_coordinator_cannot_receive_a_drop() -> None:
    w = make_world()
    pool = closed(w)
    client = Client()
    client.force_login(w.coordinators[1])
    child = child_of(pool, w.groups[0])
    assert client.get(reverse("rounds:receive", args=[w.groups[0].slug, child.pk])).status_code in (
        403, 404,
    )  # fmt: skip
