"""The organisation admins' pages: fund, rules, statement (floored), payroll; others: not found."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coopbuy.ledger.keys import system_key
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.subsidies import payroll
from coopbuy.subsidies.models import PayrollRun, SubsidyRule
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import assert_books_clean, closed_round, make_programme

pytestmark = pytest.mark.django_db


def test_the_fund_page_tops_up_and_shows_errors_on_the_form(client: Any) -> None:
    s = make_programme(1)
    client.force_login(s.admin)
    url = reverse("subsidies:fund", args=[s.organisation.slug])
    page = client.get(url)
    assert page.status_code == 200
    key = page.context["form"]["key"].initial
    bad = client.post(url, {"amount": "0.00", "reference": "", "key": key})
    assert bad.status_code == 200 and bad.context["form"].errors["amount"]
    assert fund_balance(organisation=s.organisation) == Decimal("0.00")
    done = client.post(url, {"amount": "250.00", "reference": "BACS 7", "key": key})
    assert done.status_code == 302
    again = client.post(url, {"amount": "250.00", "reference": "BACS 7", "key": key})
    assert again.status_code == 302  # the same form sent twice: one top-up
    s.organisation.refresh_from_db()
    assert fund_balance(organisation=s.organisation) == Decimal("250.00")
    assert '<strong id="fund-balance">£250.00</strong>' in client.get(url).content.decode()
    detail = client.get(reverse("organisations:detail", args=[s.organisation.slug]))
    assert f'href="{url}"' in detail.content.decode()
    assert_books_clean()


def test_rules_are_added_with_errors_on_the_form_and_ended(client: Any) -> None:
    s = make_programme(1)
    client.force_login(s.admin)
    url = reverse("subsidies:rules", args=[s.organisation.slug, s.programme.pk])
    bad = client.post(url, {"kind": "goods_percent", "percent": "150", "when_dry": "partial"})
    assert bad.status_code == 200 and "100" in str(bad.context["form"].errors["percent"])
    assert not SubsidyRule.objects.exists()
    made = client.post(url, {"kind": "goods_percent", "percent": "10", "monthly_cap": "20.00",
                             "when_dry": "partial"})  # fmt: skip
    assert made.status_code == 302
    rule = SubsidyRule.objects.get()
    assert (rule.percent, rule.monthly_cap) == (Decimal("10.00"), Decimal("20.00"))
    assert "Calder Mills pays 10 % of your goods, up to £20.00 a month" in (
        client.get(url).content.decode()
    )
    end = reverse("subsidies:rule_end", args=[s.organisation.slug, s.programme.pk, rule.pk])
    assert client.post(end).status_code == 302
    rule.refresh_from_db()
    assert rule.ended_at is not None


def test_the_statement_page_hides_a_round_for_four_people(client: Any) -> None:
    s = make_programme(5)
    fund_top_up(organisation=s.organisation, amount=Decimal("100.00"), actor=s.admin,
                idempotency_key="fund-100")  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("10"))  # fmt: skip
    five = closed_round(s, [5, 5, 5, 5, 5], delivery_fee="0.00")
    four = closed_round(s, [5, 5, 5, 5], delivery_fee="0.00")
    client.force_login(s.admin)
    text = client.get(reverse("subsidies:statement", args=[s.organisation.slug])).content.decode()
    assert f"#{five.pk}</th>\n<td>5</td><td>£5.00</td>" in text
    assert f'#{four.pk}</th>\n<td colspan="2">fewer than 5</td>' in text
    assert "Subsidies in the rounds shown: <strong>£5.00</strong>" in text
    assert "1 round for fewer than 5 people, in no total" in text
    assert "£4.00" not in text and "£9.00" not in text and "£91.00" not in text


def test_the_payroll_page_downloads_and_records_the_run(client: Any) -> None:
    s = make_programme(2)
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    for m, amount in zip(s.members, ("12.40", "8.00"), strict=True):
        post(
            group=s.group, kind="adjustment", description="Round charge",
            booked_on=last + timedelta(days=4),
            legs=[(member_account(m), -Decimal(amount)),
                  (system_account(s.group, "adjustments"), Decimal(amount))],
            actor=None, idempotency_key=system_key(f"page-test-{m.pk}"),
        )  # fmt: skip
    payroll.payroll_consent_give(programme=s.programme, membership=s.members[0],
                                 actor=s.members[0].user, employee_reference="P-001",
                                 wording=payroll.consent_wording(s.programme),
                                 agree=True)  # fmt: skip
    client.force_login(s.admin)
    url = reverse("subsidies:payroll", args=[s.organisation.slug, s.programme.pk])
    period = f"{last:%Y-%m}"
    text = client.get(url).content.decode()  # last month by default
    assert "1 employee, £12.40 in all." in text and "P-001" not in text
    early = client.get(url, {"month": f"{timezone.localdate():%Y-%m}"})
    assert "has not ended yet" in str(early.context["form"].errors["month"])
    assert "month" in client.get(url, {"month": "March"}).context["form"].errors
    file = reverse(
        "subsidies:payroll_file", args=[s.organisation.slug, s.programme.pk, period, "csv"]
    )
    rows = list(csv.reader(io.StringIO(client.get(file).content.decode())))
    assert rows[1:] == [["P-001", period, "12.40"], ["Total (1 employees)", period, "12.40"]]
    xlsx = client.get(file.replace(".csv", ".xlsx"))
    assert xlsx.content[:2] == b"PK"
    assert client.get(file.replace(".csv", ".pdf")).status_code == 404
    run = reverse("subsidies:payroll_run", args=[s.organisation.slug, s.programme.pk, period])
    assert client.post(run).status_code == 302
    assert PayrollRun.objects.filter(programme=s.programme).count() == 1
    assert "recorded</span>" in client.get(url, {"month": period}).content.decode()
    assert_books_clean()


def test_anyone_but_the_organisations_admins_gets_not_found(client: Any) -> None:
    s = make_programme(1)
    client.force_login(s.members[0].user)
    org = s.organisation.slug
    for url in (
        reverse("subsidies:fund", args=[org]),
        reverse("subsidies:statement", args=[org]),
        reverse("subsidies:rules", args=[org, s.programme.pk]),
        reverse("subsidies:payroll", args=[org, s.programme.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("subsidies:fund", args=[org]), {"amount": "5.00"}).status_code == 404
    assert fund_balance(organisation=s.organisation) == Decimal("0.00")
