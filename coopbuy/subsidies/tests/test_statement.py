"""The employer's monthly statement: aggregates only, and nothing about fewer than 5 people."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from coopbuy.subsidies.closing import round_subsidy_reverse
from coopbuy.subsidies.models import RoundSubsidy
from coopbuy.subsidies.selectors import employer_statement
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, closed_round, make_programme
from coopbuy.subsidies.tests.test_api import call, client_for

pytestmark = pytest.mark.django_db


def _ten_percent(s: Setup) -> None:
    fund_top_up(organisation=s.organisation, amount=Decimal("100.00"), actor=s.admin,
                idempotency_key="fund-100")  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("10"))  # fmt: skip


def test_a_round_for_five_people_is_shown_and_one_for_four_is_not() -> None:
    s = make_programme(5)
    _ten_percent(s)
    # 5 units of 2.00 each, 10 %: 1.00 a person
    five = closed_round(s, [5, 5, 5, 5, 5], delivery_fee="0.00")
    four = closed_round(s, [5, 5, 5, 5], delivery_fee="0.00")
    assert RoundSubsidy.objects.get(round=four).total == Decimal("4.00")
    [month] = employer_statement(organisation=s.organisation)
    shown, hidden = month.rounds
    assert (shown.round_id, shown.people.value, shown.total.value) == (five.pk, 5, Decimal("5.00"))
    assert (hidden.round_id, hidden.people.value, hidden.total.value) == (four.pk, None, None)
    # the month's total sums only what is shown: 9.00 - 5.00 would give the hidden 4.00 away
    assert (month.subsidies, month.hidden_rounds, month.top_ups) == (
        Decimal("5.00"), 1, Decimal("100.00"),
    )  # fmt: skip
    assert_books_clean()


def test_the_api_statement_hides_the_small_round_everywhere() -> None:
    s = make_programme(5)
    _ten_percent(s)
    closed_round(s, [5, 5, 5, 5, 5], delivery_fee="0.00")
    four = closed_round(s, [5, 5, 5, 5], delivery_fee="0.00")
    response = call(
        client_for(s.admin), "GET", f"/organisations/{s.organisation.slug}/subsidy-statement"
    )
    assert response.status_code == 200, response.content
    [month] = response.json()
    assert (month["subsidies"], month["hidden_rounds"], month["top_ups"]) == ("5.00", 1, "100.00")
    assert "fund_balance" not in month
    small = next(r for r in month["rounds"] if r["round_id"] == four.pk)
    assert (small["people"], small["total"], small["note"]) == (None, None, "fewer than 5")
    text = json.dumps(response.json())
    assert "4.00" not in text and "9.00" not in text and "91.00" not in text


def test_a_round_undone_leaves_the_month_total() -> None:
    s = make_programme(5)
    _ten_percent(s)
    round = closed_round(s, [5, 3, 5, 5, 5], delivery_fee="0.00")
    [month] = employer_statement(organisation=s.organisation)
    assert (month.subsidies, month.rounds[0].people.value) == (Decimal("4.60"), 5)
    round_subsidy_reverse(subsidy=RoundSubsidy.objects.get(round=round), actor=s.admin)
    [month] = employer_statement(organisation=s.organisation)
    assert (month.subsidies, month.rounds[0].total.value, month.rounds[0].undone) == (
        Decimal("0.00"), Decimal("4.60"), True,
    )  # fmt: skip
    assert_books_clean()
