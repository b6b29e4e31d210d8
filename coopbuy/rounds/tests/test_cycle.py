"""The whole round through the services: open, baskets, close, order, receive, pick, collect."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from coopbuy.catalog.models import Product
from coopbuy.rounds import selectors
from coopbuy.rounds.closing import round_close, round_send_order
from coopbuy.rounds.errors import RoundClosed
from coopbuy.rounds.models import Allocation, DemandLine, MemberRoundCharge, Round, RoundProduct
from coopbuy.rounds.receiving import round_mark_collected, round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> dict[str, Any]:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group, delivery_fee=Decimal("4.50"), min_order_value=Decimal("15"))
    oats = make_product(supplier, name="Oats", case_size=6, tiers=[(4, "2.90")])
    rice = make_product(
        supplier, name="Rice", case_size=2, unit_price=Decimal("5.00"), vat_rate=Decimal("0.2")
    )
    make_product(supplier, name="Gone", is_available=False)
    alice, bob, carol = make_user("Alice"), make_user("Bob"), make_user("Carol")
    for u in (alice, bob, carol):
        add_member(group, u)
    round = open_round(group, coordinator, [supplier], markup_percent=Decimal("5"))
    products = {p.name: p for p in RoundProduct.objects.filter(round=round)}
    return {
        "group": group,
        "coordinator": coordinator,
        "round": round,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "oats": products["Oats"],
        "rice": products["Rice"],
        "catalog_oats": oats,
        "catalog_rice": rice,
    }


def _order(s: dict[str, Any], who: str, product: str, q: int, t: int, minutes: int) -> None:
    basket_set(
        round=s["round"],
        user=s[who],
        product_id=s[product].pk,
        quantity=q,
        tolerance=t,
        now=timezone.now() + timedelta(minutes=minutes),
    )


def test_opening_copies_available_products_and_keeps_their_prices(setup: dict[str, Any]) -> None:
    s = setup
    assert set(RoundProduct.objects.filter(round=s["round"]).values_list("name", flat=True)) == {
        "Oats",
        "Rice",
    }
    assert s["oats"].tiers == [[4, "2.90"]]
    Product.objects.filter(pk=s["catalog_oats"].pk).update(unit_price=Decimal("9.99"))
    s["oats"].refresh_from_db()
    assert s["oats"].unit_price == Decimal("3.10")


def test_full_cycle(setup: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    s = setup
    _order(s, "alice", "oats", 2, 1, 0)
    _order(s, "bob", "oats", 3, 0, 5)
    _order(s, "carol", "oats", 2, 2, 30)
    _order(s, "alice", "rice", 3, 0, 31)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = round_close(round=s["round"], actor=s["coordinator"])
    assert result.closed_now
    round = Round.objects.get(pk=s["round"].pk)
    assert round.status == Round.Status.CLOSED
    got = dict(
        Allocation.objects.filter(product=s["oats"]).values_list("membership__user__email", "units")
    )
    assert got == {s["alice"].email: 2, s["bob"].email: 3, s["carol"].email: 1}
    rice = Allocation.objects.get(product=s["rice"])
    assert (rice.units, rice.amount) == (2, Decimal("10.00"))
    # every member is told, with the engine's reasons, and their totals add up
    by_to = {m.to[0]: m for m in mail.outbox if "has closed" in m.subject}  # not "is open"
    assert set(by_to) == {s["alice"].email, s["bob"].email, s["carol"].email}
    carol_mail = by_to[s["carol"].email].body
    assert "Oats: 1 of 2" in carol_mail and "orders placed before yours" in carol_mail
    alice_mail = by_to[s["alice"].email].body
    assert "- Oats: 2 of 2 (£6.20)" in alice_mail and "- Rice: 2 of 3 (£10.00)" in alice_mail
    # 16.20 + VAT 2.00 + markup 0.91 + delivery 4.50 x 16.20 / 28.60 = 2.55
    assert "Delivery: £2.55" in alice_mail and "Total: £21.66" in alice_mail
    assert "- Oats: 3 of 3 (£9.30)" in by_to[s["bob"].email].body
    charges = {c.membership.user.email: c for c in MemberRoundCharge.objects.all()}
    alice = charges[s["alice"].email]
    assert alice.goods == Decimal("16.20")  # 2 x 3.10 + 2 x 5.00
    assert alice.vat == Decimal("2.00")
    assert alice.markup == Decimal("0.91")  # 18.20 x 5 % = 0.91
    assert sum(c.delivery for c in charges.values()) == Decimal("4.50")
    assert all(
        c.total == c.goods + c.deposit + c.vat + c.markup + c.delivery for c in charges.values()
    )
    # the breakdown the ledger posts: the same bills, and the supplier's gross adds up exactly
    ledger = selectors.round_charges(round=round)
    assert {c.membership_id: c.total for c in ledger.charges} == {
        c.membership_id: c.total for c in charges.values()
    }
    supplier_pk = round.suppliers.get().supplier_id
    assert ledger.supplier_gross == {
        supplier_pk: sum(c.goods + c.deposit + c.vat for c in charges.values())
    }
    assert ledger.delivery_fees == {supplier_pk: Decimal("4.50")}

    # the order to the supplier: PDF and CSV through the outbox
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_send_order(round=round, actor=s["coordinator"])
    (order_mail,) = mail.outbox
    assert order_mail.to == ["orders@supplier.example"]
    names = {a[0]: a for a in order_mail.attachments}
    pdf = next(a for n, a in names.items() if n.endswith(".pdf"))
    assert pdf[1].startswith(b"%PDF")
    csv = next(a for n, a in names.items() if n.endswith(".csv"))[1]
    assert "Oats,,6,1,6,3.10,18.60" in csv.decode() if isinstance(csv, bytes) else csv

    # a shortage: 4 oats instead of 6; fcfs takes from the latest demand (carol, then bob)
    round_receive_product(
        round=round, actor=s["coordinator"], product_id=s["oats"].pk, units_received=4
    )
    got = dict(
        Allocation.objects.filter(product=s["oats"]).values_list("membership__user__email", "units")
    )
    assert got == {s["alice"].email: 2, s["bob"].email: 2, s["carol"].email: 0}
    carol = MemberRoundCharge.objects.get(membership__user=s["carol"])
    assert carol.goods == 0 and carol.delivery == 0 and carol.total == 0
    assert sum(MemberRoundCharge.objects.values_list("delivery", flat=True)) == Decimal("4.50")

    # pick lists and collection
    bags = selectors.pick_list_by_member(round=round)
    assert [(b.name, [(x.name, x.units) for x in b.items]) for b in bags] == [
        ("Alice", [("Oats", 2), ("Rice", 2)]),
        ("Bob", [("Oats", 2)]),
    ]
    alice_membership = bags[0].membership_id
    round_mark_collected(
        round=round,
        actor=s["coordinator"],
        membership_id=alice_membership,
        collected=True,
        note="one bag torn",
    )
    charge = MemberRoundCharge.objects.get(membership_id=alice_membership)
    assert charge.collected_at is not None and charge.collection_note == "one bag torn"


def test_a_second_close_changes_nothing(setup: dict[str, Any]) -> None:
    s = setup
    _order(s, "alice", "oats", 6, 0, 0)
    first = round_close(round=s["round"], actor=s["coordinator"])
    second = round_close(round=s["round"], actor=s["coordinator"])
    assert first.closed_now and not second.closed_now
    assert Allocation.objects.count() == 1 and MemberRoundCharge.objects.count() == 1


def test_close_is_all_or_nothing(setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    s = setup
    _order(s, "alice", "oats", 6, 0, 0)

    from coopbuy.bulk import bulk_insert as real
    from coopbuy.rounds import adapters

    def broken(model: Any, fields: Any, rows: Any) -> None:
        if model is MemberRoundCharge:
            raise RuntimeError("disk full")
        real(model, fields, rows)

    # the charges are written after the allocations: fail there, half-way through saving
    monkeypatch.setattr(adapters, "bulk_insert", broken)
    with pytest.raises(RuntimeError):
        round_close(round=s["round"], actor=s["coordinator"])
    assert Round.objects.get(pk=s["round"].pk).status == Round.Status.OPEN
    assert not Allocation.objects.exists()
    assert RoundProduct.objects.filter(cases__isnull=False).count() == 0


def test_late_changes_are_refused_with_the_closing_time(setup: dict[str, Any]) -> None:
    s = setup
    round = s["round"]
    late = round.closes_at + timedelta(seconds=1)
    with pytest.raises(RoundClosed) as error:
        basket_set(
            round=round, user=s["alice"], product_id=s["oats"].pk, quantity=1, tolerance=0, now=late
        )
    local = timezone.localtime(round.closes_at)
    assert f"This round closed at {local:%H:%M} on {local:%A} {local.day} {local:%B}" in str(
        error.value
    )
    assert not DemandLine.objects.exists()
    round_close(round=round, actor=s["coordinator"])
    with pytest.raises(RoundClosed):
        _order(s, "alice", "oats", 1, 0, 0)


def test_the_deadline_task_closes_only_when_due(setup: dict[str, Any]) -> None:
    s = setup
    round = s["round"]
    _order(s, "alice", "oats", 6, 0, 0)
    assert not round_close(round=round, actor=None).closed_now
    assert round_close(round=round, actor=None, now=round.closes_at).closed_now


def test_a_round_nobody_ordered_in_closes_quietly(setup: dict[str, Any]) -> None:
    s = setup
    mail.outbox.clear()
    result = round_close(round=s["round"], actor=s["coordinator"])
    assert result.closed_now and result.members == 0
    assert not Allocation.objects.exists() and mail.outbox == []
    assert set(RoundProduct.objects.values_list("cases", flat=True)) == {0}
