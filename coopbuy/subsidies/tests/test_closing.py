"""A programme's subsidy at round close: postings in both books, caps, a dry fund, the undo."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coopbuy.core.charges import MemberCharge
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import balance_of, monthly_statement
from coopbuy.ledger.services import member_account
from coopbuy.rounds.billing import round_reference
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import MemberRoundCharge
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.subsidies.closing import round_subsidy_apply, round_subsidy_reverse
from coopbuy.subsidies.models import RoundSubsidy
from coopbuy.subsidies.panels import subsidy_lines
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import SubsidyError, fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, closed_round, make_programme
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _fund(s: Setup, amount: str) -> None:
    fund_top_up(organisation=s.organisation, amount=Decimal(amount), actor=s.admin,
                idempotency_key=f"fund-{amount}")  # fmt: skip


def _ten_percent_capped(s: Setup, cap: str = "20.00", when_dry: str = "partial") -> None:
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("10"), monthly_cap=Decimal(cap),
                        when_dry=when_dry)  # fmt: skip


def test_close_posts_the_subsidy_in_both_books_and_credits_each_member() -> None:
    s = make_programme(3)
    _fund(s, "500.00")
    _ten_percent_capped(s)
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery")
    # goods 2.00 a unit; delivery 3.00 shared by value: 5, 3 and 2 units of 10 -> 1.50, 0.90, 0.60
    round = closed_round(s, [5, 3, 2])
    subsidy = RoundSubsidy.objects.get(round=round)
    # 10 % of 10.00, 6.00, 4.00 plus each delivery share
    assert [balance_of(membership=m) for m in s.members] == [
        Decimal("-11.50") + Decimal("1.00") + Decimal("1.50"),
        Decimal("-6.90") + Decimal("0.60") + Decimal("0.90"),
        Decimal("-4.60") + Decimal("0.40") + Decimal("0.60"),
    ]
    assert subsidy.total == Decimal("5.00") and subsidy.members == 3
    assert fund_balance(organisation=s.organisation) == Decimal("495.00")
    s.organisation.refresh_from_db()
    between_org = Account.objects.get(book__organisation=s.organisation, kind="between")
    between_group = Account.objects.get(book__group=s.group, kind="between")
    assert between_org.balance == Decimal("5.00")  # the organisation owes the group 5.00
    assert between_group.balance == Decimal("-5.00")  # the group is owed 5.00 by it
    group_posting = subsidy.group_posting
    assert (group_posting.source_kind, group_posting.source_id) == ("round", round.pk)
    assert subsidy.organisation_posting.source_kind == "transfer"
    assert subsidy.organisation_posting.source_id == subsidy.transfer.pk
    assert subsidy.transfer.amount == Decimal("5.00")
    # the member's statement lists it as its own line
    account = member_account(s.members[0])
    day = subsidy.group_posting.booked_on
    rows = monthly_statement(account=account, year=day.year, month=day.month).rows
    assert [(r.description, r.amount) for r in rows][-1] == (
        f"Calder Mills pays towards {round_reference(round)}",
        Decimal("2.50"),
    )
    # a second close adds nothing
    count = Transaction.objects.count()
    round_close(round=round, actor=s.coordinator)
    again = round_subsidy_apply(
        round=round, programme=s.programme, actor=None,
        charges={c.membership_id: MemberCharge(str(c.membership_id), 100, 0, 0, 0, 0)
                 for c in MemberRoundCharge.objects.filter(round=round)},
    )  # fmt: skip
    assert again is not None and again.pk == subsidy.pk
    assert Transaction.objects.count() == count
    assert_books_clean()


def test_the_monthly_cap_spans_rounds_and_an_undo_gives_it_back() -> None:
    s = make_programme(1)
    _fund(s, "500.00")
    _ten_percent_capped(s, cap="2.00")
    first = closed_round(s, [7], delivery_fee="0.00")  # 10 % of 14.00 = 1.40
    assert balance_of(membership=s.members[0]) == Decimal("-14.00") + Decimal("1.40")
    assert subsidy_lines(membership=s.members[0]) == [
        "Calder Mills pays 10 % of your goods, up to £2.00 a month: £0.60 left this month."
    ]
    second = closed_round(s, [10], delivery_fee="0.00")  # wants 2.00, only 0.60 left
    assert RoundSubsidy.objects.get(round=second).total == Decimal("0.60")
    third = closed_round(s, [10], delivery_fee="0.00")  # the cap is spent: nothing
    assert not RoundSubsidy.objects.filter(round=third).exists()
    before = balance_of(membership=s.members[0])
    round_subsidy_reverse(subsidy=RoundSubsidy.objects.get(round=first), actor=s.admin)
    assert balance_of(membership=s.members[0]) == before - Decimal("1.40")
    assert fund_balance(organisation=s.organisation) == Decimal("499.40")
    assert subsidy_lines(membership=s.members[0])[0].endswith("£1.40 left this month.")
    fourth = closed_round(s, [10], delivery_fee="0.00")
    assert RoundSubsidy.objects.get(round=fourth).total == Decimal("1.40")
    with pytest.raises(SubsidyError):
        round_subsidy_reverse(subsidy=RoundSubsidy.objects.get(round=first), actor=s.admin)
    assert_books_clean()


def test_only_admins_or_the_groups_treasurers_undo_a_subsidy() -> None:
    s = make_programme(1)
    _fund(s, "50.00")
    _ten_percent_capped(s)
    round = closed_round(s, [5], delivery_fee="0.00")
    subsidy = RoundSubsidy.objects.get(round=round)
    for outsider in (make_user(), s.members[0].user):
        with pytest.raises(PermissionDenied):
            round_subsidy_reverse(subsidy=subsidy, actor=outsider)
    round_subsidy_reverse(subsidy=subsidy, actor=s.coordinator)  # a money role of the group
    assert balance_of(membership=s.members[0]) == Decimal("-10.00")
    assert fund_balance(organisation=s.organisation) == Decimal("50.00")
    assert_books_clean()


def test_a_dry_fund_is_shared_pro_rata_or_pays_nothing() -> None:
    s = make_programme(3)
    _fund(s, "1.01")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("100"))  # fmt: skip
    closed_round(s, [1, 1, 2], delivery_fee="0.00")  # wants 2.00, 2.00, 4.00 of 1.01
    # 1.01 x 2/8 = 0.2525, 0.2525, 0.505 -> 0.25, 0.25, 0.50 and the last penny to 0.505
    assert [balance_of(membership=m) for m in s.members] == [
        Decimal("-1.75"), Decimal("-1.75"), Decimal("-3.49"),
    ]  # fmt: skip
    assert fund_balance(organisation=s.organisation) == Decimal("0.00")
    assert subsidy_lines(membership=s.members[0])[-1].startswith("The subsidy fund is empty")
    assert_books_clean()


def test_pay_nothing_when_the_fund_cannot_cover_the_round() -> None:
    s = make_programme(2)
    _fund(s, "3.00")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("100"), when_dry="nothing")  # fmt: skip
    round = closed_round(s, [1, 1], delivery_fee="0.00")  # wants 4.00 of 3.00
    assert not RoundSubsidy.objects.filter(round=round).exists()
    assert fund_balance(organisation=s.organisation) == Decimal("3.00")
    assert_books_clean()


def test_a_group_without_a_programme_or_rules_is_not_subsidised() -> None:
    s = make_programme(1)
    _fund(s, "50.00")
    round = closed_round(s, [2])
    assert not RoundSubsidy.objects.filter(round=round).exists()
    assert subsidy_lines(membership=s.members[0]) == []


def test_the_ordering_page_shows_the_subsidy_panel(client: Any) -> None:
    s = make_programme(1)
    _fund(s, "50.00")
    _ten_percent_capped(s)
    supplier = make_supplier(s.group)
    make_product(supplier)
    round = open_round(s.group, s.coordinator, [supplier])
    client.force_login(s.members[0].user)
    page = client.get(reverse("rounds:order", args=[s.group.slug, round.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<h2 id="subsidy-heading">Your employer\'s subsidy</h2>' in text
    assert (
        "Calder Mills pays 10 % of your goods, up to £20.00 a month: £20.00 left this month."
    ) in text
