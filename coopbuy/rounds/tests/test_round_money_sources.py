"""A round's postings are found by the round's id: renaming a closed round moves no money."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Account, Invoice, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.sources import SourceKind
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.billing import round_settle
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _closed_round_of_ann_and_ben() -> tuple[Round, dict[str, Any], RoundProduct]:
    """Ann and Ben each order 3 of a case of 6 at 2.00; the round closes."""
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    ann, ben = make_user("Ann"), make_user("Ben")
    members: dict[str, Any] = {
        "Ann": add_member(group, ann),
        "Ben": add_member(group, ben),
        "cora": cora,
    }
    round = open_round(group, cora, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    now = timezone.now()
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=3, tolerance=0, now=now)
    basket_set(round=round, user=ben, product_id=oats.pk, quantity=3, tolerance=0,
               now=now + timedelta(minutes=1))  # fmt: skip
    round_close(round=round, actor=cora)
    return round, members, oats


def _balances(round: Round, members: dict[str, Any]) -> list[Decimal]:
    supplier = Account.objects.get(group=round.group, kind=Account.Kind.SUPPLIER)
    return [
        balance_of(membership=members["Ann"]),
        balance_of(membership=members["Ben"]),
        supplier.balance,
    ]


def test_renaming_a_closed_round_then_receiving_as_ordered_moves_no_money() -> None:
    round, members, oats = _closed_round_of_ann_and_ben()
    assert _balances(round, members) == [Decimal("-6.00"), Decimal("-6.00"), Decimal("12.00")]
    charge = Transaction.objects.get(group=round.group, kind=Transaction.Kind.ROUND_CHARGE)
    assert (charge.source_kind, charge.source_id) == (SourceKind.ROUND, round.pk)
    assert charge.idempotency_key == f"sys:round-{round.pk}-close"
    Round.objects.filter(pk=round.pk).update(name="Renamed by the admin")
    round_receive_product(
        round=round,
        actor=members["cora"],
        product_id=oats.pk,
        units_received=6,
    )
    assert _balances(round, members) == [Decimal("-6.00"), Decimal("-6.00"), Decimal("12.00")]
    assert check_group(round.group).problems == []
    # Settling issues each member one invoice for the round, named by its id.
    assert round_settle(round=round, actor=members["cora"]) == 2
    invoices = Invoice.objects.filter(group=round.group)
    assert {(i.source_kind, i.source_id) for i in invoices} == {(SourceKind.ROUND, round.pk)}


def test_a_top_up_under_the_key_a_close_derives_does_not_stop_the_close_charging() -> None:
    """The `round-N-close` attack: a key from outside cannot take the system's key."""
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    ann = add_member(group, make_user("Ann"))
    round = open_round(group, cora, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=ann.user, product_id=oats.pk, quantity=6, tolerance=0)
    treasurer = add_member(group, role="treasurer").user
    from coopbuy.ledger.keys import user_key

    ledger_top_up(
        membership=ann, amount=Decimal("50.00"), method="bank", actor=treasurer,
        idempotency_key=user_key(owner=f"user:{treasurer.pk}", key=f"round-{round.pk}-close"),
    )  # fmt: skip
    round_close(round=round, actor=cora)
    assert balance_of(membership=ann) == Decimal("38.00")
    assert Transaction.objects.filter(kind=Transaction.Kind.ROUND_CHARGE).count() == 1
