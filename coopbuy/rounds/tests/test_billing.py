"""A round's money: charged at close, corrected at receiving, limited when ordering."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.models import Invoice, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.treasury import ledger_settings_update, ledger_top_up
from coopbuy.rounds.billing import round_reference, round_settle
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import DemandLine, MemberRoundCharge, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.selectors import round_charges
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _round_with_orders() -> dict[str, Any]:
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group, delivery_fee=Decimal("3.00"))
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    ann, ben = make_user("Ann"), make_user("Ben")
    members = {p.name: add_member(group, p) for p in (ann, ben)}
    round = open_round(group, cora, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    now = timezone.now()
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=4, tolerance=0, now=now)
    basket_set(round=round, user=ben, product_id=oats.pk, quantity=2, tolerance=0,
               now=now + timedelta(minutes=1))  # fmt: skip
    return {"round": round, "cora": cora, "oats": oats, "members": members, "group": group}


def test_closing_charges_every_member_their_total_in_one_balanced_transaction() -> None:
    s = _round_with_orders()
    round_close(round=s["round"], actor=s["cora"])
    posted = Transaction.objects.get(round_reference=round_reference(s["round"]))
    assert sum(entry.amount for entry in posted.entries.all()) == 0
    for name, membership in s["members"].items():
        charge = MemberRoundCharge.objects.get(round=s["round"], membership=membership)
        assert balance_of(membership=membership) == -charge.total, name
    # Ann: 4 x 2.00 + 2.00 of the 3.00 delivery (by value); Ben: 2 x 2.00 + 1.00.
    assert [balance_of(membership=m) for m in s["members"].values()] == [
        Decimal("-10.00"),
        Decimal("-5.00"),
    ]
    # Closing again changes nothing, in the round or in the ledger.
    round_close(round=s["round"], actor=s["cora"])
    assert Transaction.objects.filter(round_reference=round_reference(s["round"])).count() == 1


def test_a_shortage_at_receiving_credits_the_members_who_lose_units() -> None:
    s = _round_with_orders()
    round_close(round=s["round"], actor=s["cora"])
    round_receive_product(
        round=s["round"], actor=s["cora"], product_id=s["oats"].pk, units_received=5
    )
    ann, ben = s["members"].values()
    # fcfs takes the unit back from the latest order (Ben's): he keeps 1 and pays 2.00 + delivery.
    charges = dict(
        MemberRoundCharge.objects.filter(round=s["round"]).values_list("membership", "total")
    )
    assert balance_of(membership=ann) == -charges[ann.pk]
    assert balance_of(membership=ben) == -charges[ben.pk]
    assert charges[ben.pk] < Decimal("5.00")
    adjustment = Transaction.objects.filter(round_reference=round_reference(s["round"])).latest(
        "pk"
    )
    assert sum(entry.amount for entry in adjustment.entries.all()) == 0


def test_a_member_cannot_order_beyond_what_the_group_lets_them_spend() -> None:
    s = _round_with_orders()
    ann: Membership = s["members"]["Ann"]
    ledger_settings_update(group=s["group"], actor=s["cora"], prepayment_required=True,
                           credit_limit=Decimal("0.00"), invoice_prefix="TST")  # fmt: skip
    ledger_top_up(membership=ann, amount=Decimal("10.00"), method="bank", actor=s["cora"],
                  idempotency_key="top-up-1")  # fmt: skip
    # Ann's basket (4 x 2.00 = 8.00) fits her 10.00; 6 units (12.00) do not. The refusal says
    # what she may still add (2.00), the same figure the ordering page's summary shows.
    with pytest.raises(RoundError, match=r"You can still order £2\.00") as refused:
        basket_set(round=s["round"], user=ann.user, product_id=s["oats"].pk, quantity=6,
                   tolerance=0)  # fmt: skip
    assert refused.value.field == "quantity"
    rows = DemandLine.objects.filter(product=s["oats"], membership=ann)
    assert sum(rows.values_list("quantity", flat=True)) == 4
    # Lowering is always allowed.
    basket_set(round=s["round"], user=ann.user, product_id=s["oats"].pk, quantity=1, tolerance=0)


def test_settling_issues_each_member_an_invoice_that_adds_up_to_their_charge(
    django_capture_on_commit_callbacks: Any,
) -> None:
    s = _round_with_orders()
    round_close(round=s["round"], actor=s["cora"])
    round_receive_product(
        round=s["round"], actor=s["cora"], product_id=s["oats"].pk, units_received=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert round_settle(round=s["round"], actor=s["cora"]) == 2
    s["round"].refresh_from_db()
    assert s["round"].status == "settled"
    invoices = Invoice.objects.filter(round_reference=round_reference(s["round"])).order_by("pk")
    assert sorted(i.number[-5:] for i in invoices) == ["-0001", "-0002"]  # gap-free
    for invoice in invoices:
        charge = MemberRoundCharge.objects.get(
            round=s["round"], membership=invoice.account.membership_id
        )
        assert invoice.total == charge.total
        assert sum(item.amount for item in invoice.items.all()) == charge.total
    assert any("invoice" in m.subject.lower() for m in mail.outbox)
    # Nothing more can be received or settled.
    with pytest.raises(RoundError):
        round_receive_product(
            round=s["round"], actor=s["cora"], product_id=s["oats"].pk, units_received=4
        )
    with pytest.raises(RoundError, match="Only a round whose goods have arrived"):
        round_settle(round=s["round"], actor=s["cora"])


def test_only_a_coordinator_of_the_group_settles() -> None:
    s = _round_with_orders()
    round_close(round=s["round"], actor=s["cora"])
    outsider = make_group()
    stranger = Membership.objects.get(group=outsider).user
    with pytest.raises(AccessDenied):
        round_settle(round=s["round"], actor=stranger)
    with pytest.raises(AccessDenied):
        round_settle(round=s["round"], actor=s["members"]["Ann"].user)
    s["round"].refresh_from_db()
    assert s["round"].status == "closed"


def test_a_member_sees_their_delivery_share_beside_the_cost_alone() -> None:
    from django.test import Client
    from django.urls import reverse

    s = _round_with_orders()
    round_close(round=s["round"], actor=s["cora"])
    client = Client()
    client.force_login(s["members"]["Ben"].user)
    page = client.get(reverse("rounds:detail", args=[s["group"].slug, s["round"].pk]))
    # Ben's share of the 3.00 delivery is 1.00; alone he would pay all of it.
    assert "(on your own: £3.00)" in page.content.decode()


def test_the_close_posts_the_same_charges_as_the_stored_allocations_give() -> None:
    """The close posts the charges it has just frozen; reading them back must give the same."""
    cora = make_user("Cora")
    group = make_group(cora)
    mill = make_supplier(group, delivery_fee=Decimal("4.99"))
    farm = make_supplier(group, delivery_fee=Decimal("7.31"))
    products = [
        make_product(mill, case_size=6, unit_price=Decimal("1.37"), vat_rate=Decimal("0.2"),
                     deposit=Decimal("0.15"), tiers=[(2, "1.21")]),
        make_product(mill, case_size=4, unit_price=Decimal("3.33")),
        make_product(farm, case_size=3, unit_price=Decimal("2.09"), vat_rate=Decimal("0.05")),
    ]  # fmt: skip
    round = open_round(
        group, cora, [mill, farm], policy="proportional", markup_percent=Decimal("7")
    )
    copies = {rp.product_id: rp.pk for rp in RoundProduct.objects.filter(round=round)}
    now = timezone.now()
    for i in range(7):
        person = make_user(f"M{i}")
        add_member(group, person)
        for j, product in enumerate(products):
            basket_set(round=round, user=person, product_id=copies[product.pk],
                       quantity=(i + j) % 5 + 1, tolerance=(i * j) % 3,
                       now=now + timedelta(minutes=i))  # fmt: skip
    round_close(round=round, actor=cora)
    recomputed = round_charges(round=round)
    assert recomputed.charges
    for charge in recomputed.charges:
        membership = Membership.objects.get(pk=charge.membership_id)
        assert balance_of(membership=membership) == -charge.total
        stored = MemberRoundCharge.objects.get(round=round, membership=membership)
        assert (stored.goods, stored.vat, stored.markup, stored.delivery, stored.total) == (
            charge.goods, charge.vat, charge.markup, charge.delivery, charge.total
        )  # fmt: skip
