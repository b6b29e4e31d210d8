"""Whom a subsidy rule covers: employees only by default, or friends and family too; the close
step, the ordering panel and the member's statement agree, to the penny."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.ledger.selectors import balance_of, monthly_statement
from coopbuy.ledger.services import member_account
from coopbuy.programmes.models import Enrolment
from coopbuy.subsidies.models import RoundSubsidy, SubsidyLine, SubsidyRule
from coopbuy.subsidies.panels import subsidy_lines
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import SubsidyError, fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, closed_round, make_programme
from coopbuy.subsidies.tests.test_api import _paths, call, client_for

pytestmark = pytest.mark.django_db
D = Decimal


def _family_programme(fund: str) -> Setup:
    """Three members: 0 enrolled by code (an employee), 1 with no enrolment (counted as an
    employee: e.g. in the group before the programme), 2 enrolled as friends and family."""
    s = make_programme(3)
    s.programme.allows_friends_and_family = True
    s.programme.save(update_fields=["allows_friends_and_family"])
    Enrolment.objects.create(programme=s.programme, user=s.members[0].user, via="code")
    Enrolment.objects.create(programme=s.programme, user=s.members[2].user, via="friends_family")
    fund_top_up(organisation=s.organisation, amount=D(fund), actor=s.admin, idempotency_key="f")
    return s


def test_an_employees_rule_passes_over_friends_and_family_and_an_everyone_rule_does_not() -> None:
    s = _family_programme("500.00")
    ten = subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                              percent=D("10"), monthly_cap=D("20.00"))  # fmt: skip
    assert ten.covers == "employees"  # the default
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery", covers="everyone")
    # goods 10.00, 6.00, 4.00; delivery 3.00 shared 1.50, 0.90, 0.60
    round = closed_round(s, [5, 3, 2])
    assert [balance_of(membership=m) for m in s.members] == [
        D("-11.50") + D("1.00") + D("1.50"),
        D("-6.90") + D("0.60") + D("0.90"),
        D("-4.60") + D("0.60"),  # the friend: the delivery share only
    ]
    subsidy = RoundSubsidy.objects.get(round=round)
    assert (subsidy.total, subsidy.members) == (D("4.60"), 3)
    assert not SubsidyLine.objects.filter(rule=ten, membership=s.members[2]).exists()
    assert fund_balance(organisation=s.organisation) == D("495.40")
    # the friend's statement (their bill's payments) shows what was paid for them, no more
    day = subsidy.group_posting.booked_on
    rows = monthly_statement(account=member_account(s.members[2]), year=day.year,
                             month=day.month).rows  # fmt: skip
    assert rows[-1].amount == D("0.60")
    assert_books_clean()


def test_a_dry_fund_is_shared_among_those_each_rule_covers() -> None:
    s = _family_programme("2.00")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=D("10"))  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery", covers="everyone")
    round = closed_round(s, [5, 3, 2])
    # rule 1 (employees): 1.00 + 0.60 = 1.60 fits; rule 2 shares the 0.40 left 150:90:60
    lines = {(line.rule.kind, line.membership_id): line.amount
             for line in SubsidyLine.objects.filter(subsidy__round=round)}  # fmt: skip
    m0, m1, m2 = (m.pk for m in s.members)
    assert lines == {
        ("goods_percent", m0): D("1.00"), ("goods_percent", m1): D("0.60"),
        ("delivery", m0): D("0.20"), ("delivery", m1): D("0.12"), ("delivery", m2): D("0.08"),
    }  # fmt: skip
    assert fund_balance(organisation=s.organisation) == D("0.00")
    assert RoundSubsidy.objects.get(round=round).total == D("2.00")
    assert_books_clean()


def test_the_ordering_panel_tells_friends_and_family_what_applies_to_them() -> None:
    s = _family_programme("100.00")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=D("10"))  # fmt: skip
    assert subsidy_lines(membership=s.members[0]) == ["Calder Mills pays 10 % of your goods."]
    assert subsidy_lines(membership=s.members[2]) == [
        "Calder Mills's subsidy is for its employees: friends and family pay the full price."
    ]
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery", covers="everyone")
    assert subsidy_lines(membership=s.members[2]) == [
        "Calder Mills pays your share of the delivery fee."
    ]
    assert len(subsidy_lines(membership=s.members[1])) == 2


def test_whom_a_rule_covers_is_checked_and_a_bad_value_saves_nothing() -> None:
    s = _family_programme("10.00")
    with pytest.raises(SubsidyError) as caught:
        subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery",
                            covers="friends")  # fmt: skip
    assert caught.value.field == "covers" and not SubsidyRule.objects.exists()
    admin = client_for(s.admin)
    _org, programme = _paths(s)
    bad = call(admin, "POST", f"{programme}/subsidy-rules", {"kind": "delivery", "covers": "all"})
    assert bad.status_code == 422 and "covers" in bad.content.decode()
    made = call(admin, "POST", f"{programme}/subsidy-rules",
                {"kind": "delivery", "covers": "everyone"})  # fmt: skip
    assert made.status_code == 201 and made.json()["covers"] == "everyone"
    assert SubsidyRule.objects.get().covers == "everyone"


def test_the_rules_page_asks_whom_a_rule_covers(client: Client) -> None:
    s = _family_programme("10.00")
    client.force_login(s.admin)
    url = reverse("subsidies:rules", args=[s.organisation.slug, s.programme.pk])
    page = client.get(url).content.decode()
    assert "Friends and family may join this programme" in page and 'name="covers"' in page
    bad = client.post(url, {"kind": "delivery", "when_dry": "partial", "covers": "all"})
    assert "covers" in bad.context["form"].errors and not SubsidyRule.objects.exists()
    client.post(url, {"kind": "delivery", "when_dry": "partial", "covers": "everyone"})
    page = client.get(url).content.decode()
    assert "covers employees, friends and family" in page
