from decimal import Decimal

import pytest

from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import assert_books_clean, closed_round, make_programme

pytestmark = pytest.mark.django_db


def test_measure() -> None:
    s = make_programme(40)
    fund_top_up(
        organisation=s.organisation, amount=Decimal("1000.00"), actor=s.admin, idempotency_key="f"
    )
    subsidy_rule_create(
        programme=s.programme,
        actor=s.admin,
        kind="goods_percent",
        percent=Decimal("10"),
        monthly_cap=Decimal("5.00"),
    )
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery")
    round = closed_round(s, [3] * 40)
    oats = RoundProduct.objects.get(round=round)
    for units in (100, 60, 30):
        round_receive_product(
            round=round, actor=s.coordinator, product_id=oats.pk, units_received=units
        )
    assert_books_clean()
