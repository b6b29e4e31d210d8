"""Members whose bill a delivery changes are told by email: what they get now and the new total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds.models import MemberRoundCharge
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.tests.test_receiving import _closed_round

pytestmark = pytest.mark.django_db


def _news() -> dict[str, str]:
    return {
        m.to[0]: m.body
        for m in OutboxMessage.objects.filter(subject__contains="the delivery changed your bill")
    }


def test_a_shortage_tells_each_member_whose_bill_changed_and_nobody_else() -> None:
    s = _closed_round("fcfs")  # Ann 6, Ben 3 (+2 tolerance), Cat 3: two cases of 6
    totals = dict(MemberRoundCharge.objects.values_list("membership__user__email", "total"))
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=9)  # fmt: skip
    news = _news()
    now = dict(MemberRoundCharge.objects.values_list("membership__user__email", "total"))
    changed = {email for email in now if now[email] != totals[email]}
    assert changed and set(news) == changed
    for email in changed:
        assert f"now {now[email]} GBP (it was {totals[email]})" in news[email]
    cat = s["people"][2].email
    assert "Oats: you get 0 (before: 3)." in news[cat]
    assert "delivered 9 of the 12 units" in news[cat]


def test_a_delivery_as_ordered_sends_nothing() -> None:
    s = _closed_round("fcfs")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12)  # fmt: skip
    assert _news() == {}


def test_a_new_price_is_explained_to_those_who_got_the_product() -> None:
    s = _closed_round("proportional")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12, invoice_unit_price=Decimal("2.50"))  # fmt: skip
    news = _news()
    assert len(news) == 3
    assert all("Oats: the price is now 2.50 a unit." in body for body in news.values())
