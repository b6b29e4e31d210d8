"""The subsidy follows the goods, on a phone (375 px): the coordinator records a short delivery on
the receiving page, and an employee whose oats did not all come reads, on the round's page, what
their employer paid at the close and the subsidy adjusted after the delivery."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coopbuy.ledger.selectors import balance_of
from coopbuy.rounds.models import MemberRoundCharge
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import closed_round, make_programme

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_sees_the_subsidy_adjusted_after_a_short_delivery(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    s = make_programme(3)
    fund_top_up(organisation=s.organisation, amount=Decimal("100.00"), actor=s.admin,
                idempotency_key="fund")  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("10"))  # fmt: skip
    round = closed_round(s, [5, 3, 2])  # oats at 2.00: 10 % is 1.00, 0.60 and 0.40
    round_url = f"{base}/g/{s.group.slug}/rounds/{round.pk}/"

    # Cora records that 6 of the 10 oats came: first come, first served, the second employee
    # gets 1 of their 3.
    coordinator = logged_in(new_page, base, s.coordinator, width=375)
    coordinator.goto(round_url)
    coordinator.get_by_role("link", name="Receive the delivery").click()
    coordinator.get_by_label("Units that arrived").fill("6")
    coordinator.get_by_role("button", name="Record Oats").click()
    expect(coordinator.get_by_text("Recorded: Oats.")).to_be_visible()

    employee = s.members[1]
    phone = logged_in(new_page, base, employee.user, width=375)
    phone.goto(round_url)
    panel = phone.get_by_role("region", name="Your employer's subsidy")
    this_round = panel.get_by_role("list", name="This round")
    expect(this_round).to_contain_text("Calder Mills paid £0.60 towards this round.")
    expect(this_round).to_contain_text("Subsidy adjusted after the delivery: \N{MINUS SIGN}£0.40")
    expect(this_round).to_contain_text("Your subsidy for this round: £0.20.")
    # the page fits the phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    charge = MemberRoundCharge.objects.get(round=round, membership=employee).total
    assert balance_of(membership=employee) == -charge + Decimal("0.20")
