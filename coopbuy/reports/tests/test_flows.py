"""A group's months: joining and leaving, and money in and out, against hand-counted figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.models import Membership
from coopbuy.ledger.keys import user_key
from coopbuy.ledger.treasury import ledger_refund, ledger_reverse, ledger_top_up
from coopbuy.reports.flows import last_months, members_by_month, money_by_month
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db
D = Decimal


def _months_ago(months: list[date], n: int) -> date:
    return months[-1 - n]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def test_the_months_are_the_last_twelve_oldest_first() -> None:
    assert last_months(date(2026, 3, 17)) == [date(2025, m, 1) for m in range(4, 13)] + [
        date(2026, m, 1) for m in (1, 2, 3)
    ]


def test_members_joining_and_leaving_are_counted_by_month() -> None:
    months = last_months()
    cora = make_user("Cora")
    group = make_group(cora)
    Membership.objects.filter(group=group).update(joined_at=timezone.now() - timedelta(days=500))
    ann, cat = add_member(group), add_member(group)
    Membership.objects.filter(pk=ann.pk).update(joined_at=_at(_months_ago(months, 3)))
    Membership.objects.filter(pk=cat.pk).update(
        joined_at=_at(_months_ago(months, 2)),
        ended_at=_at(_months_ago(months, 1)),
        end_reason="left",
    )
    add_member(group)  # Bob joins now

    rows = members_by_month(group, months)

    assert [(r.joined, r.left, r.at_end) for r in rows[-4:]] == [
        (1, 0, 2), (1, 0, 3), (0, 1, 2), (1, 0, 3),
    ]  # fmt: skip
    assert [r.at_end for r in rows[:-4]] == [1] * 8


def test_money_in_and_out_by_month_with_a_reversal_netted_out() -> None:
    months = last_months()
    cora = make_user("Cora")
    group = make_group(cora)
    treasurer = add_member(group, role="treasurer").user
    ann, bob = add_member(group), add_member(group)

    def key(name: str) -> str:
        return user_key(owner="test", key=name)

    two_months_ago = _months_ago(months, 2) + timedelta(days=3)
    ledger_top_up(membership=ann, amount=D("50.00"), method="bank", actor=treasurer,
                  idempotency_key=key("ann"), booked_on=two_months_ago)  # fmt: skip
    bobs = ledger_top_up(membership=bob, amount=D("20.00"), method="bank", actor=treasurer,
                         idempotency_key=key("bob"))  # fmt: skip
    ledger_reverse(original=bobs, actor=treasurer, idempotency_key=key("undo"))
    ledger_refund(membership=ann, amount=D("5.00"), method="bank", actor=treasurer,
                  idempotency_key=key("refund"))  # fmt: skip
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=1, unit_price=D("3.00"))
    round = open_round(group, cora, [supplier])
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=ann.user, product_id=oats.pk, quantity=1, tolerance=0)
    round_close(round=round, actor=cora)

    rows = money_by_month(group, months)

    now, last, before = rows[-1], rows[-2], rows[-3]
    assert (before.paid_in, before.held_at_end) == (D("50.00"), D("50.00"))
    assert (last.paid_in, last.charged, last.held_at_end) == (D("0.00"), D("0.00"), D("50.00"))
    assert now.paid_in == D("0.00")  # Bob's £20 and its reversal
    assert (now.refunded, now.charged, now.held_at_end) == (D("5.00"), D("3.00"), D("45.00"))
    assert now.to_suppliers == D("0.00")


def test_the_report_shows_the_months_and_money_only_to_money_roles() -> None:
    cora = make_user("Cora")
    group = make_group(cora)
    treasurer = add_member(group, role="treasurer").user
    ann = add_member(group)
    ledger_top_up(membership=ann, amount=D("12.50"), method="bank", actor=treasurer,
                  idempotency_key=user_key(owner="t", key="k"))  # fmt: skip
    url = reverse("reports:group", args=[group.slug])

    def page(user: object) -> str:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        return client.get(url).content.decode()

    plain = page(ann.user)
    assert "3 members now: 3 joined and 0 left in the last 12 months" in plain
    assert "Joining and leaving, month by month" in plain
    assert "Money, month by month" not in plain and "£12.50" not in plain
    money = page(treasurer)
    assert "Money, month by month" in money and "£12.50" in money
