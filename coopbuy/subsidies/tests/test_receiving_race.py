"""A receiving that frees room under a cap, and another round's close in the same month, at once.

PostgreSQL only (SQLite serialises writers on the database file). Both lock the organisation's
subsidy fund before they read what the month paid, so whichever goes second sees the other's
lines: the cap is never exceeded, nothing deadlocks and every book balances, in either order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, connections
from django.utils import timezone

from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.subsidies.models import SubsidyLine
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import assert_books_clean, closed_round, make_programme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

D = Decimal
TRIES = 4


def race(*jobs: Callable[[], object]) -> list[str]:
    """Run the jobs at once from one barrier, each on its own connection; the errors raised."""
    errors: list[str] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(10)
            job()
        except Exception as error:  # reported by the test, with its try
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a thread is still waiting after 60 s"
    return errors


def test_a_receiving_and_a_close_in_one_month_never_pass_the_cap_in_either_order() -> None:
    s = make_programme(TRIES)  # one member a try: the cap is per member and month
    fund_top_up(organisation=s.organisation, amount=D("100.00"), actor=s.admin,
                idempotency_key="fund")  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=D("10"), monthly_cap=D("1.00"))  # fmt: skip
    spent = D("0.00")
    for attempt in range(TRIES):
        a = s.members[attempt]
        first = closed_round(s, [0] * attempt + [8])  # wants 1.60: the cap binds at 1.00
        supplier = make_supplier(s.group, name=f"Later {attempt}", delivery_fee=D("0.00"))
        make_product(supplier, name="Rice", case_size=1, unit_price=D("2.00"))
        second = open_round(s.group, s.coordinator, [supplier], policy="fcfs")
        rice = RoundProduct.objects.get(round=second)
        basket_set(round=second, user=a.user, product_id=rice.pk, quantity=5, tolerance=0,
                   now=timezone.now() + timedelta(seconds=1))  # fmt: skip
        oats = RoundProduct.objects.get(round=first)
        errors = race(
            # a now wants 0.80 in the first round: 0.20 of room freed
            partial(round_receive_product, round=first, actor=s.coordinator,
                    product_id=oats.pk, units_received=4),
            partial(round_close, round=second, actor=s.coordinator),  # a wants 1.00 here
        )  # fmt: skip
        assert errors == [], f"try {attempt}"
        paid = {
            round_id: sum(
                (x.amount for x in SubsidyLine.objects.filter(subsidy__round_id=round_id)), D(0)
            )
            for round_id in (first.pk, second.pk)
        }
        # the receiving first: the close finds the 0.20 freed; the close first: it finds none
        assert paid[first.pk] == D("0.80")
        assert paid[second.pk] in (D("0.00"), D("0.20"))
        spent += sum(paid.values())
        assert fund_balance(organisation=s.organisation) == D("100.00") - spent
        assert_books_clean()
