"""Receiving: shortages and extras re-allocated by the round's policy, prices and substitutes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coopbuy.audit.models import AuditEvent
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import Allocation, MemberRoundCharge, ReceivingRecord, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _closed_round(policy: str) -> dict[str, Any]:
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group, delivery_fee=Decimal("3.00"))
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    people = [make_user(n) for n in ("Ann", "Ben", "Cat")]
    for p in people:
        add_member(group, p)
    round = open_round(group, cora, [supplier], policy=policy)
    oats = RoundProduct.objects.get(round=round)
    now = timezone.now()
    for i, (person, q, t) in enumerate(zip(people, (6, 3, 3), (0, 2, 0), strict=True)):
        basket_set(round=round, user=person, product_id=oats.pk, quantity=q, tolerance=t,
                   now=now + timedelta(minutes=i))  # fmt: skip
    round_close(round=round, actor=cora)
    return {"round": round, "cora": cora, "oats": oats, "people": people}


def _units(oats: RoundProduct) -> dict[str, int]:
    return dict(
        Allocation.objects.filter(product=oats).values_list(
            "membership__user__display_name", "units"
        )
    )


def test_proportional_shortage_is_shared_by_largest_remainder() -> None:
    s = _closed_round("proportional")
    assert _units(s["oats"]) == {"Ann": 6, "Ben": 3, "Cat": 3}
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=7)  # fmt: skip
    # exact shares 3.5, 1.75, 1.75: floors 3, 1, 1; the two units left go to the largest
    # remainders (0.75, 0.75 before 0.5)
    assert _units(s["oats"]) == {"Ann": 3, "Ben": 2, "Cat": 2}
    record = ReceivingRecord.objects.get()
    assert (record.kind, record.units_ordered, record.recorded_by) == ("short", 12, s["cora"])
    assert AuditEvent.objects.filter(action="round.received").count() == 1


def test_extra_units_go_to_tolerance_and_the_rest_is_leftover() -> None:
    s = _closed_round("fcfs")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=15)  # fmt: skip
    assert _units(s["oats"]) == {"Ann": 6, "Ben": 5, "Cat": 3}
    assert ReceivingRecord.objects.get().leftover_units == 1


def test_invoice_price_and_substitute_change_the_bills_exactly() -> None:
    s = _closed_round("fcfs")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12, invoice_unit_price=Decimal("1.90"),
                          substitute_name="Jumbo oats")  # fmt: skip
    oats = RoundProduct.objects.get(pk=s["oats"].pk)
    assert (oats.applied_unit_price, oats.substitute_name) == (Decimal("1.90"), "Jumbo oats")
    ann = MemberRoundCharge.objects.get(membership__user__display_name="Ann")
    assert ann.goods == Decimal("11.40")
    charges = MemberRoundCharge.objects.all()
    assert sum(c.delivery for c in charges) == Decimal("3.00")
    assert all(c.total == c.goods + c.deposit + c.vat + c.markup + c.delivery for c in charges)
    assert ReceivingRecord.objects.get().kind == "substituted"


def test_bad_figures_change_nothing() -> None:
    s = _closed_round("fcfs")
    with pytest.raises(RoundError):
        round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                              units_received=-1)  # fmt: skip
    assert _units(s["oats"]) == {"Ann": 6, "Ben": 3, "Cat": 3}
    assert not ReceivingRecord.objects.exists()
