"""Members are told once per receiving session: one digest email after the coordinator finishes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds.models import Allocation, MemberRoundCharge
from coopbuy.rounds.receiving import receiving_news, round_receive_product, round_receiving_done
from coopbuy.rounds.tests.test_receiving import _closed_round

pytestmark = pytest.mark.django_db


def _news() -> dict[str, str]:
    found: dict[str, str] = {}
    for m in OutboxMessage.objects.filter(subject__contains="what arrived, and your bill"):
        assert m.to[0] not in found, "one email per member per receiving session"
        found[m.to[0]] = m.body
    return found


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def test_a_shortage_tells_each_member_whose_bill_changed_once_and_nobody_else() -> None:
    s = _closed_round("fcfs")  # Ann 6, Ben 3 (+2 tolerance), Cat 3: two cases of 6
    totals = dict(MemberRoundCharge.objects.values_list("membership__user__email", "total"))
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=10)  # fmt: skip
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=9)  # fmt: skip
    assert _news() == {}  # nothing is sent per receiving line
    assert len(receiving_news(s["round"])) == 2
    told = round_receiving_done(round=s["round"], actor=s["cora"])
    news = _news()
    now = dict(MemberRoundCharge.objects.values_list("membership__user__email", "total"))
    changed = {email for email in now if now[email] != totals[email]}
    assert changed and set(news) == changed and told == len(changed)
    for email in changed:
        assert f"now {_money(now[email])} (it was {_money(totals[email])})" in news[email], news[
            email
        ]
    cat = s["people"][2].email
    assert "Oats: you get 0 (before: 3)." in news[cat]
    assert "delivered 9 of the 12 units ordered, so you get 0 of the 3 you asked for." in news[cat]
    assert receiving_news(s["round"]) == []
    round_receiving_done(round=s["round"], actor=s["cora"])  # nothing new: nobody mailed again
    assert len(_news()) == len(changed)


def test_a_delivery_as_ordered_sends_nothing() -> None:
    s = _closed_round("fcfs")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12)  # fmt: skip
    assert round_receiving_done(round=s["round"], actor=s["cora"]) == 0
    assert _news() == {}


def test_a_new_price_is_explained_to_those_who_got_the_product() -> None:
    s = _closed_round("proportional")
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12, invoice_unit_price=Decimal("2.50"))  # fmt: skip
    round_receiving_done(round=s["round"], actor=s["cora"])
    news = _news()
    assert len(news) == 3
    assert all(
        "Oats: the price is now £2.50 a unit (it was £2.00)." in body for body in news.values()
    ), news


def test_a_member_short_at_closing_keeps_the_closings_reason_after_a_delivery() -> None:
    s = _closed_round("fcfs")
    short_at_close = {
        a.membership_id: a.explanation
        for a in Allocation.objects.filter(product=s["oats"])
        if a.units < a.requested
    }
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=12)  # fmt: skip
    for a in Allocation.objects.filter(product=s["oats"], membership_id__in=short_at_close):
        assert a.explanation == short_at_close[a.membership_id]
        assert "delivered" not in a.explanation


def test_the_receive_page_offers_to_tell_the_members() -> None:
    s = _closed_round("fcfs")
    client = Client()
    client.force_login(s["cora"])
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=9)  # fmt: skip
    page = client.get(reverse("rounds:receive", args=[s["round"].group.slug, s["round"].pk]))
    assert "1 delivery record is not yet told to the members." in page.content.decode()
    done = client.post(
        reverse("rounds:receive_done", args=[s["round"].group.slug, s["round"].pk]), follow=True
    )
    assert "members were told what arrived" in done.content.decode()
    assert _news()
