"""The aggregates written with a close and a receiving, the rebuild and the check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from coopbuy.reports.models import MemberRoundFigures, RoundFigures
from coopbuy.reports.services import reports_check, reports_rebuild
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def closed_round() -> dict[str, Any]:
    """Oats: case of 6 at 2.00, 1.80 from 2 cases, retail 2.50; delivery 6.00, free from 50.00.

    Ann asks 6, Ben 3 (+3 tolerance), Cat 3: the quantities fill 2 cases exactly, so nobody's
    tolerance is used; the 6.00 delivery is shared by value (3.00, 1.50, 1.50).
    """
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group, delivery_fee=D("6.00"), free_delivery_over=D("50.00"))
    make_product(
        supplier, name="Oats", case_size=6, unit_price=D("2.00"), retail_unit_price=D("2.50"),
        tiers=[(2, "1.80")],
    )  # fmt: skip
    people = [make_user(n) for n in ("Ann", "Ben", "Cat")]
    members = [add_member(group, p) for p in people]
    round = open_round(group, cora, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    now = timezone.now()
    for i, (person, q, t) in enumerate(zip(people, (6, 3, 3), (0, 3, 0), strict=True)):
        basket_set(round=round, user=person, product_id=oats.pk, quantity=q, tolerance=t,
                   now=now + timedelta(minutes=i))  # fmt: skip
    round_close(round=round, actor=cora)
    round.refresh_from_db()
    return {"round": round, "cora": cora, "oats": oats, "members": members, "group": group}


def test_closing_writes_the_figures_in_the_same_transaction() -> None:
    s = closed_round()
    f = RoundFigures.objects.get(round=s["round"])
    # goods 12 x 1.80 = 21.60; retail (2.50 - 1.80) x 12 = 8.40; tiers (2.00 - 1.80) x 12 = 2.40;
    # alone each of the three would pay the 6.00 fee (goods under 50.00), together they share
    # 6.00: 2.40 + 18.00 - 6.00 = 14.40.
    assert (f.goods, f.savings_retail, f.savings_alone, f.members_ordering) == (
        D("21.60"), D("8.40"), D("14.40"), 3,
    )  # fmt: skip
    assert (f.case_units, f.case_units_filled, f.case_fill) == (12, 12, D("1.000"))
    assert (f.unmet_units, f.tolerance_offered, f.tolerance_used) == (0, 3, 0)
    assert (f.demand_fill, f.lowest_fill, f.jain) == (D("1.000"), D("1.000"), D("1.000"))
    ann, ben, cat = (MemberRoundFigures.objects.get(membership=m) for m in s["members"])
    assert (ann.goods, ann.delivery, ann.savings_retail, ann.savings_alone) == (
        D("10.80"), D("3.00"), D("4.20"), D("4.20"),  # 1.20 tiers + 6.00 alone - 3.00 share
    )  # fmt: skip
    assert (ben.goods, ben.delivery, ben.savings_alone) == (D("5.40"), D("1.50"), D("5.10"))
    assert f.spend == ann.spend + ben.spend + cat.spend
    assert reports_check() == []


def test_receiving_a_shortage_rewrites_the_figures() -> None:
    s = closed_round()
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=10)  # fmt: skip
    f = RoundFigures.objects.get(round=s["round"])
    # fcfs takes the 2 missing units from the last to order (Cat): 6 + 3 + 1
    assert (f.case_units, f.case_units_filled, f.unmet_units) == (10, 10, 2)
    assert f.goods == D("18.00")
    # fills 1, 1, 1/3: lowest 0.333; Jain (7/3)^2 / (3 x (2 + 1/9)) = 0.860
    assert (f.demand_fill, f.lowest_fill, f.jain) == (D("0.833"), D("0.333"), D("0.860"))
    assert reports_check() == []


def test_a_tampered_row_is_reported_and_the_rebuild_repairs_it(capsys: Any) -> None:
    s = closed_round()
    RoundFigures.objects.filter(round=s["round"]).update(spend=D("1.00"))
    MemberRoundFigures.objects.filter(membership=s["members"][2]).delete()
    differences = reports_check()
    assert [(d.field, d.stored) for d in differences] == [("spend", D("1.00")), ("rows", "missing")]
    with pytest.raises(SystemExit) as exit:
        call_command("reports", "check")
    assert exit.value.code == 1
    assert "spend stored Decimal('1.00')" in capsys.readouterr().out
    assert reports_rebuild() == 1
    assert reports_check() == []
    call_command("reports", "check")
    assert "equal a rebuild" in capsys.readouterr().out


def test_rebuild_from_nothing_equals_what_the_close_wrote() -> None:
    s = closed_round()
    before = list(MemberRoundFigures.objects.order_by("membership_id").values_list("spend", "fill"))
    RoundFigures.objects.all().delete()
    MemberRoundFigures.objects.all().delete()
    assert len(reports_check()) == 4  # the round's row and three members' rows are missing
    call_command("reports", "rebuild", "--group", s["group"].slug)
    after = list(MemberRoundFigures.objects.order_by("membership_id").values_list("spend", "fill"))
    assert after == before
    assert reports_check() == []
