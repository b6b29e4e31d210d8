"""The subsidy follows the goods: worked out again at receiving, only the difference posted."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.ledger.models import Account, Entry, Transaction, Transfer
from coopbuy.ledger.selectors import balance_of, monthly_statement
from coopbuy.ledger.services import member_account
from coopbuy.programmes.dashboard import subsidy_figures
from coopbuy.rounds import adapters
from coopbuy.rounds.billing import round_reference
from coopbuy.rounds.models import MemberRoundCharge, Round, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.subsidies.closing import round_subsidy_reverse
from coopbuy.subsidies.models import RoundSubsidy, SubsidyAdjustment, SubsidyLine
from coopbuy.subsidies.panels import round_lines
from coopbuy.subsidies.payroll import (
    consent_wording,
    payroll_consent_give,
    payroll_export,
    payroll_run_record,
)
from coopbuy.subsidies.receiving import subsidy_receive_step
from coopbuy.subsidies.selectors import employer_statement, fund_balance, paid_this_month
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create, subsidy_rule_end
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, closed_round, make_programme
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db

D = Decimal


def fund(s: Setup, amount: str, key: str = "") -> None:
    fund_top_up(organisation=s.organisation, amount=D(amount), actor=s.admin,
                idempotency_key=key or f"fund-{amount}")  # fmt: skip


def ten_percent(s: Setup, cap: str | None = None, when_dry: str = "partial") -> None:
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=D("10"), monthly_cap=None if cap is None else D(cap),
                        when_dry=when_dry)  # fmt: skip


def receive(s: Setup, round: Round, units: int, price: str | None = None) -> None:
    oats = RoundProduct.objects.get(round=round)
    round_receive_product(round=round, actor=s.coordinator, product_id=oats.pk,
                          units_received=units,
                          invoice_unit_price=None if price is None else D(price))  # fmt: skip


def subsidy_of(s: Setup, round: Round) -> dict[int, Decimal]:
    """Each member's subsidy in the round as it stands (close and adjustments), zeros left out."""
    out: dict[int, Decimal] = {}
    for line in SubsidyLine.objects.filter(subsidy__round=round, subsidy__reversed_at__isnull=True):
        out[line.membership_id] = out.get(line.membership_id, D(0)) + line.amount
    return {m.pk: out[m.pk] for m in s.members if out.get(m.pk)}


def goods(round: Round) -> dict[int, Decimal]:
    return {
        c.membership_id: c.total - c.delivery for c in MemberRoundCharge.objects.filter(round=round)
    }


def between(s: Setup) -> tuple[Decimal, Decimal]:
    """What the organisation owes the group, as each book has it (org's credit, group's debit)."""
    return (
        Account.objects.get(book__organisation=s.organisation, kind="between").balance,
        Account.objects.get(book__group=s.group, kind="between").balance,
    )


def test_a_short_delivery_shrinks_the_subsidy_to_the_rule_on_what_arrived() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    # oats at 2.00: 5, 3 and 2 units -> goods 10.00, 6.00, 4.00; 10 %: 1.00, 0.60, 0.40
    round = closed_round(s, [5, 3, 2])
    a, b, c = s.members
    assert subsidy_of(s, round) == {a.pk: D("1.00"), b.pk: D("0.60"), c.pk: D("0.40")}
    charged = {m.pk: balance_of(membership=m) for m in s.members}
    # 6 of the 10 oats arrive: first come, first served, so a keeps 5, b gets 1, c none
    receive(s, round, 6)
    assert goods(round) == {a.pk: D("10.00"), b.pk: D("2.00"), c.pk: D("0.00")}
    assert subsidy_of(s, round) == {a.pk: D("1.00"), b.pk: D("0.20")}
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.total == D("-0.80") and adjustment.group_posting is not None
    # only the difference is posted: b's and c's accounts are debited 0.40 each besides the
    # receiving's own correction of their charges (4.00 and 4.00 goods, delivery shares moved)
    entries = dict(
        adjustment.group_posting.entries.filter(account__membership__isnull=False).values_list(
            "account__membership_id", "amount"
        )
    )
    assert entries == {b.pk: D("-0.40"), c.pk: D("-0.40")}
    # the money went back from the group's book to the organisation's fund
    assert adjustment.transfer is not None
    transfer = Transfer.objects.get(pk=adjustment.transfer.pk)
    assert (transfer.from_book.group, transfer.to_book.organisation, transfer.amount) == (
        s.group, s.organisation, D("0.80"),
    )  # fmt: skip
    assert fund_balance(organisation=s.organisation) == D("100.00") - D("2.00") + D("0.80")
    assert between(s) == (D("1.20"), D("-1.20"))
    # the programme's dashboard: spent is what the fund paid less what came back
    assert subsidy_figures(s.programme) == (D("1.20"), D("98.80"))
    # every member's balance: what they are charged now less the subsidy they keep
    for m in s.members:
        charge = MemberRoundCharge.objects.get(round=round, membership=m).total
        assert balance_of(membership=m) == -charge + subsidy_of(s, round).get(m.pk, D(0))
    assert balance_of(membership=b) != charged[b.pk]
    # the close's rows are untouched; the statement shows the final figure
    subsidy = RoundSubsidy.objects.get(round=round)
    assert subsidy.total == D("2.00")
    assert_books_clean()


def test_the_employer_statement_shows_the_subsidy_as_it_stands_after_receiving() -> None:
    s = make_programme(6)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2, 1, 1, 1])  # 10 % of 26.00 over six people
    [row] = employer_statement(organisation=s.organisation)[0].rounds
    assert (row.total.value, row.people.value) == (D("2.60"), 6)
    receive(s, round, 12)  # the last one gets none: 10 % of 24.00 over five
    [row] = employer_statement(organisation=s.organisation)[0].rounds
    assert (row.total.value, row.people.value) == (D("2.40"), 5)
    assert employer_statement(organisation=s.organisation)[0].subsidies == D("2.40")
    receive(s, round, 11)  # four people now: below the floor, hidden and not summed
    [month] = employer_statement(organisation=s.organisation)
    assert month.rounds[0].total.value is None and month.hidden_rounds == 1
    assert month.subsidies == D("0.00")


def test_receiving_again_adds_nothing_and_a_retried_session_is_a_no_op() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2])
    receive(s, round, 6)
    count = (Transaction.objects.count(), SubsidyLine.objects.count())
    receive(s, round, 6)  # the same delivery recorded again: nothing changes
    assert (Transaction.objects.count(), SubsidyLine.objects.count()) == count
    # a session run again with its key (as a retry would) returns its first adjustment
    first = SubsidyAdjustment.objects.get()
    charges = adapters.charges_for_round(round)
    subsidy_receive_step(round=round, charges=charges, actor=s.coordinator, key=first.key)
    assert SubsidyAdjustment.objects.count() == 1
    assert (Transaction.objects.count(), SubsidyLine.objects.count()) == count
    assert_books_clean()


def test_the_freed_cap_is_not_given_to_rounds_already_closed_but_a_later_close_finds_it() -> None:
    s = make_programme(2)
    fund(s, "100.00")
    ten_percent(s, cap="1.00")
    a, b = s.members
    first = closed_round(s, [8, 1])  # a wants 1.60: the cap binds at 1.00; b 0.20
    second = closed_round(s, [5, 1])  # a: no room left this month; b 0.20
    assert subsidy_of(s, first) == {a.pk: D("1.00"), b.pk: D("0.20")}
    assert subsidy_of(s, second) == {b.pk: D("0.20")}
    receive(s, first, 4)  # a gets 4 of 8 (b's 1 too: first come, first served): 10 % of 8.00
    assert goods(first) == {a.pk: D("8.00"), b.pk: D("0.00")}
    assert subsidy_of(s, first) == {a.pk: D("0.80")}
    assert subsidy_of(s, second) == {b.pk: D("0.20")}  # the 0.20 freed is not given to it
    rule = s.programme.subsidy_rules.get()
    month = RoundSubsidy.objects.get(round=first).month
    assert paid_this_month(rule=rule, membership=a, month=month) == D("0.80")
    third = closed_round(s, [5, 0])  # closed later in the month: a has 0.20 of room again
    assert subsidy_of(s, third) == {a.pk: D("0.20")}
    assert paid_this_month(rule=rule, membership=a, month=month) == D("1.00")
    assert_books_clean()


def test_a_dearer_invoice_cannot_take_a_member_past_the_cap_other_rounds_used() -> None:
    s = make_programme(2)
    fund(s, "100.00")
    ten_percent(s, cap="1.00")
    a, b = s.members
    first = closed_round(s, [3, 1])  # a 0.60, b 0.20
    second = closed_round(s, [5, 1])  # a 0.40 (the cap's room), b 0.20
    assert subsidy_of(s, second) == {a.pk: D("0.40"), b.pk: D("0.20")}
    receive(s, first, 4, price="4.00")  # all arrived at 4.00: a's goods 12.00 want 1.20
    assert goods(first) == {a.pk: D("12.00"), b.pk: D("4.00")}
    # a: the room is the cap less what the second round paid (0.40): 0.60, no change; b: 0.40
    assert subsidy_of(s, first) == {a.pk: D("0.60"), b.pk: D("0.40")}
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.total == D("0.20")  # grew: from the fund to the group
    assert adjustment.transfer is not None
    assert adjustment.transfer.from_book.organisation == s.organisation
    assert adjustment.transfer.to_book.group == s.group
    assert fund_balance(organisation=s.organisation) == D("100.00") - D("1.40") - D("0.20")
    assert_books_clean()


def test_a_dry_fund_at_close_is_shared_again_on_what_arrived_and_the_rest_goes_back() -> None:
    s = make_programme(2)
    fund(s, "1.50")
    ten_percent(s)
    a, b = s.members
    round = closed_round(s, [5, 5])  # each wants 1.00; the fund holds 1.50: 0.75 each
    assert subsidy_of(s, round) == {a.pk: D("0.75"), b.pk: D("0.75")}
    assert fund_balance(organisation=s.organisation) == D("0.00")
    receive(s, round, 6)  # a 5, b 1: they want 1.00 and 0.20, which the close's 1.50 covers
    assert subsidy_of(s, round) == {a.pk: D("1.00"), b.pk: D("0.20")}
    assert SubsidyAdjustment.objects.get().total == D("-0.30")
    assert fund_balance(organisation=s.organisation) == D("0.30")
    assert_books_clean()


def test_a_top_up_after_a_dry_close_does_not_raise_the_subsidy_after_a_short_delivery() -> None:
    s = make_programme(2)
    fund(s, "1.00")
    ten_percent(s)
    a, b = s.members
    round = closed_round(s, [5, 5])  # each wants 1.00; the fund holds 1.00: 0.50 each
    fund(s, "100.00")
    receive(s, round, 6)  # they want 1.00 and 0.20 (1.20): the close's 1.00 shared pro rata
    # 1.00 x 100/120 = 0.833.. and 1.00 x 20/120 = 0.166..: floors 0.83 and 0.16, the penny
    # left to the larger fraction (b's)
    assert subsidy_of(s, round) == {a.pk: D("0.83"), b.pk: D("0.17")}
    adjustment = SubsidyAdjustment.objects.get()
    # nothing moves between the books: only between the two members, in the group's book
    assert adjustment.total == D("0.00") and adjustment.transfer is None
    assert adjustment.organisation_posting is None and adjustment.group_posting is not None
    entries = dict(adjustment.group_posting.entries.values_list("account__membership_id", "amount"))
    assert entries == {a.pk: D("0.33"), b.pk: D("-0.33")}
    assert fund_balance(organisation=s.organisation) == D("100.00")
    assert_books_clean()


def test_a_fund_that_paid_nothing_at_close_pays_nothing_at_receiving() -> None:
    s = make_programme(2)
    fund(s, "1.00")
    ten_percent(s, when_dry="nothing")
    round = closed_round(s, [5, 5])  # wants 2.00, holds 1.00: this rule pays nobody
    assert not RoundSubsidy.objects.filter(round=round).exists()
    receive(s, round, 6)  # now it would fit (1.20): but the close decided
    assert not SubsidyAdjustment.objects.exists()
    assert fund_balance(organisation=s.organisation) == D("1.00")
    assert_books_clean()


def test_undoing_after_an_adjustment_brings_every_book_back_exactly() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2])
    receive(s, round, 6)
    subsidy = RoundSubsidy.objects.get(round=round)
    round_subsidy_reverse(subsidy=subsidy, actor=s.admin, reason="wrong programme")
    assert fund_balance(organisation=s.organisation) == D("100.00")
    assert between(s) == (D("0.00"), D("0.00"))
    for m in s.members:
        charge = MemberRoundCharge.objects.get(round=round, membership=m).total
        assert balance_of(membership=m) == -charge
    assert subsidy_figures(s.programme) == (D("0.00"), D("100.00"))
    reversals = Transaction.objects.filter(kind="reversal")
    assert reversals.count() == 4  # the close's two postings and the adjustment's two
    # a later receiving adds nothing to a subsidy undone
    receive(s, round, 5)
    assert SubsidyAdjustment.objects.count() == 1
    assert fund_balance(organisation=s.organisation) == D("100.00")
    assert_books_clean()
    out = StringIO()
    call_command("ledger", "check", stdout=out)  # `coopbuy ledger check`: every book
    assert "2 books checked, 0 problems in 0 books" in out.getvalue()
    assert "(Calder Mills): ok" in out.getvalue()


def test_the_member_sees_the_adjusted_subsidy_on_the_round_page_and_statement() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2])
    receive(s, round, 6)
    b = s.members[1]
    assert round_lines(round=round, membership=b) == [
        "Calder Mills paid £0.60 towards this round.",
        "Subsidy adjusted after the delivery: \N{MINUS SIGN}£0.40",
        "Your subsidy for this round: £0.20.",
    ]
    assert round_lines(round=round, membership=s.members[0]) == [
        "Calder Mills paid £1.00 towards this round."
    ]
    client = Client()
    client.force_login(b.user)
    page = client.get(reverse("rounds:detail", args=[s.group.slug, round.pk])).content.decode()
    assert "Subsidy adjusted after the delivery: \N{MINUS SIGN}£0.40" in page
    day = SubsidyAdjustment.objects.get().group_posting
    assert day is not None
    rows = monthly_statement(
        account=member_account(b), year=day.booked_on.year, month=day.booked_on.month
    ).rows
    assert (
        f"Calder Mills's subsidy for {round_reference(round)} adjusted after the delivery",
        D("-0.40"),
    ) in [(r.description, r.amount) for r in rows]


def test_the_payroll_export_reconciles_with_the_ledger_after_an_adjustment() -> None:
    s = make_programme(3)
    a, b, _c = s.members
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    mid = datetime.combine(last.replace(day=15), time(12), timezone.get_current_timezone())
    # The round closes and is received in the middle of last month (Django's clock set there:
    # the payroll exports only a month that has ended).
    with patch("django.utils.timezone.now", return_value=mid):
        fund(s, "100.00")
        ten_percent(s)
        round = closed_round(s, [5, 3, 2])
        receive(s, round, 6)
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.group_posting is not None
    assert adjustment.group_posting.booked_on == mid.date()
    for m, reference in ((a, "P-001"), (b, "P-002")):
        payroll_consent_give(programme=s.programme, membership=m, actor=m.user,
                             employee_reference=reference, wording=consent_wording(s.programme),
                             agree=True)  # fmt: skip
    export = payroll_export(programme=s.programme, month=last, actor=s.admin)
    # what each consenting employee owes at the month's end: their charge now less the subsidy
    # as it stands after the delivery (a: 10.00 goods + 2.50 delivery - 1.00; b: 2.00 + 0.50 -
    # 0.20); c did not consent
    final = subsidy_of(s, round)
    expected = {
        m.pk: MemberRoundCharge.objects.get(round=round, membership=m).total - final[m.pk]
        for m in (a, b)
    }
    assert {r.membership_id: r.amount for r in export.rows} == expected
    assert expected == {a.pk: D("11.50"), b.pk: D("2.30")}
    run = payroll_run_record(programme=s.programme, month=last, actor=s.admin)
    assert run.transfer is not None and run.transfer.amount == D("13.80")
    assert balance_of(membership=a) == D("0.00") and balance_of(membership=b) == D("0.00")
    credits = dict(
        Entry.objects.filter(
            transaction__source_kind="transfer", transaction__source_id=run.transfer.pk,
            account__membership__isnull=False,
        ).values_list("account__membership_id", "amount")
    )  # fmt: skip
    assert credits == expected
    assert_books_clean()


def test_a_rule_ended_after_the_close_still_follows_its_rounds_goods() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2])
    subsidy_rule_end(rule=s.programme.subsidy_rules.get(), actor=s.admin)
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery")  # after the close
    receive(s, round, 6)
    a, b, _c = s.members
    # the 10 % rule on what arrived; the delivery rule, created after the close, pays nothing
    assert subsidy_of(s, round) == {a.pk: D("1.00"), b.pk: D("0.20")}
    assert SubsidyAdjustment.objects.get().total == D("-0.80")
    assert_books_clean()


def test_a_member_reads_their_adjusted_subsidy_through_the_api() -> None:
    s = make_programme(3)
    fund(s, "100.00")
    ten_percent(s)
    round = closed_round(s, [5, 3, 2])
    receive(s, round, 6)
    b, c = s.members[1], s.members[2]
    url = f"/api/v1/groups/{s.group.slug}/rounds/{round.pk}/subsidy"
    secret = token_create(user=b.user, name="api", scope="read")[1]
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(url)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    booked = SubsidyAdjustment.objects.get().created_at
    assert body == {
        "organisation": "Calder Mills",
        "paid_at_close": "0.60",
        "adjustments": [{"booked_on": str(timezone.localdate(booked)), "amount": "-0.40"}],
        "subsidy": "0.20",
        "undone": False,
    }
    # c got nothing in the end; an outsider is refused (the group is public: 403, not 404)
    secret = token_create(user=c.user, name="api", scope="read")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(url).json()["subsidy"] == "0.00"
    outsider = token_create(user=make_user("Olly"), name="api", scope="read")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {outsider}").get(url).status_code == 403
    # after the undo: nothing held
    round_subsidy_reverse(subsidy=RoundSubsidy.objects.get(round=round), actor=s.admin)
    secret = token_create(user=b.user, name="api2", scope="read")[1]
    after = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(url).json()
    assert (after["subsidy"], after["undone"]) == ("0.00", True)


def test_several_receiving_sessions_keep_every_sum_exact_on_either_database() -> None:
    """Three sessions of one product over forty members: on SQLite the sums of signed decimals
    came back as floats (4.4e-16 for a zero) and the third session was refused."""
    s = make_programme(40)
    fund(s, "1000.00")
    ten_percent(s, cap="5.00")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery")
    round = closed_round(s, [3] * 40)
    for units in (100, 60, 30):
        receive(s, round, units)
    assert SubsidyAdjustment.objects.count() == 3
    charges = {c.membership_id: c for c in MemberRoundCharge.objects.filter(round=round)}
    # what each member holds is the two rules on their charge now: 10 % of goods and delivery
    for m in s.members:
        c = charges[m.pk]
        goods = c.total - c.delivery
        want = (goods / 10).quantize(D("0.01")) + c.delivery
        assert subsidy_of(s, round).get(m.pk, D("0.00")) == want, m.pk
        assert balance_of(membership=m) == -c.total + want
    assert_books_clean()
