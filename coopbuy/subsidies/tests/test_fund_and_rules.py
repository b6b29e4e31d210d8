"""The organisation's book, its subsidy fund's top-ups and their undoing, and the rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coopbuy.audit.models import AuditEvent
from coopbuy.ledger.models import Account, Book, Transaction
from coopbuy.subsidies.models import SubsidyRule
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import (
    SubsidyError,
    fund_top_up,
    fund_top_up_undo,
    subsidy_rule_create,
    subsidy_rule_end,
)
from coopbuy.subsidies.tests.helpers import assert_books_clean, make_programme
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_first_top_up_opens_the_organisations_book_and_funds_it() -> None:
    s = make_programme()
    assert s.organisation.book_id is None
    posted = fund_top_up(
        organisation=s.organisation, amount=Decimal("500.00"), actor=s.admin, idempotency_key="k1"
    )
    s.organisation.refresh_from_db()
    book = Book.objects.get(organisation=s.organisation)
    assert book.kind == "organisation" and book.group_id is None
    balances = dict(Account.objects.filter(book=book).values_list("kind", "balance"))
    assert balances == {"subsidies": Decimal("500.00"), "bank": Decimal("-500.00")}
    assert fund_balance(organisation=s.organisation) == Decimal("500.00")
    assert AuditEvent.objects.filter(action="subsidies.fund_top_up").count() == 1
    # the same key again records nothing more
    again = fund_top_up(
        organisation=s.organisation, amount=Decimal("500.00"), actor=s.admin, idempotency_key="k1"
    )
    assert again.pk == posted.pk
    assert fund_balance(organisation=s.organisation) == Decimal("500.00")
    assert_books_clean()


def test_undoing_a_top_up_reverses_it_exactly_once() -> None:
    s = make_programme()
    top = fund_top_up(organisation=s.organisation, amount=Decimal("80.00"), actor=s.admin,
                      idempotency_key="a")  # fmt: skip
    fund_top_up(organisation=s.organisation, amount=Decimal("20.00"), actor=s.admin,
                idempotency_key="b")  # fmt: skip
    reversal = fund_top_up_undo(organisation=s.organisation, top_up=top, actor=s.admin)
    assert reversal.reverses_id == top.pk
    assert fund_balance(organisation=s.organisation) == Decimal("20.00")
    with pytest.raises(SubsidyError):
        fund_top_up_undo(organisation=s.organisation, top_up=top, actor=s.admin)
    assert Transaction.objects.filter(reverses=top).count() == 1
    assert_books_clean()


def test_a_top_up_already_paid_out_cannot_be_undone() -> None:
    s = make_programme()
    top = fund_top_up(organisation=s.organisation, amount=Decimal("10.00"), actor=s.admin,
                      idempotency_key="a")  # fmt: skip
    # Paid out: the fund holds less than the top-up (a reversal of an earlier top-up's worth).
    other = fund_top_up(organisation=s.organisation, amount=Decimal("5.00"), actor=s.admin,
                        idempotency_key="b")  # fmt: skip
    fund_top_up_undo(organisation=s.organisation, top_up=other, actor=s.admin)
    from coopbuy.subsidies.tests.helpers import closed_round

    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal(100))  # fmt: skip
    closed_round(s, [3])  # wants 6.00 of goods: the fund pays 6.00 of its 10.00
    with pytest.raises(SubsidyError, match=r"holds only 4\.00"):
        fund_top_up_undo(organisation=s.organisation, top_up=top, actor=s.admin)
    assert fund_balance(organisation=s.organisation) == Decimal("4.00")
    assert_books_clean()


def test_only_the_organisations_admins_top_up_and_bad_amounts_name_the_field() -> None:
    s = make_programme()
    with pytest.raises(PermissionDenied):
        fund_top_up(organisation=s.organisation, amount=Decimal("5.00"), actor=make_user(),
                    idempotency_key="x")  # fmt: skip
    for bad in (Decimal("0.00"), Decimal("-1.00"), Decimal("1.001")):
        with pytest.raises(SubsidyError) as refused:
            fund_top_up(organisation=s.organisation, amount=bad, actor=s.admin, idempotency_key="y")
        assert refused.value.field == "amount"
    assert Transaction.objects.count() == 0


@pytest.mark.parametrize(
    ("percent", "cap", "field"),
    [("100.01", None, "percent"), ("0", None, "percent"), ("-5", None, "percent"),
     ("10", "-0.01", "monthly_cap"), ("10.001", None, "percent")],
)  # fmt: skip
def test_rules_above_100_percent_or_below_zero_are_refused(
    percent: str, cap: str | None, field: str
) -> None:
    s = make_programme()
    with pytest.raises(SubsidyError) as refused:
        subsidy_rule_create(
            programme=s.programme, actor=s.admin, kind="goods_percent", percent=Decimal(percent),
            monthly_cap=None if cap is None else Decimal(cap),
        )  # fmt: skip
    assert refused.value.field == field
    assert SubsidyRule.objects.count() == 0


def test_rules_are_made_and_ended_by_the_admins() -> None:
    s = make_programme()
    rule = subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                               percent=Decimal("100"), monthly_cap=Decimal("0"))  # fmt: skip
    assert rule.percent == Decimal("100") and rule.monthly_cap == Decimal("0.00")
    delivery = subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery",
                                   percent=Decimal("50"))  # fmt: skip
    assert delivery.percent is None
    with pytest.raises(PermissionDenied):
        subsidy_rule_end(rule=rule, actor=s.coordinator)
    ended = subsidy_rule_end(rule=rule, actor=s.admin)
    assert ended.ended_at is not None
