"""Ending a programme: a confirmation; no new enrolments; its subsidy rules stop (rounds closed
before keep their postings); the last month's payroll still exports and runs; the fund's balance
shown and returnable by a posting; history kept; audited; members told through the outbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.audit.models import AuditEvent
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.organisations.models import Programme
from coopbuy.outbox.models import OutboxMessage
from coopbuy.programmes import enrolment, services
from coopbuy.programmes.models import JoinCode
from coopbuy.subsidies import payroll
from coopbuy.subsidies.models import RoundSubsidy, SubsidyRule
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.services import (
    SubsidyError,
    fund_return,
    fund_top_up,
    subsidy_rule_create,
)
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, closed_round, make_programme
from coopbuy.subsidies.tests.test_api import _paths, call, client_for
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


def _running(fund: str = "100.00") -> Setup:
    s = make_programme(2)
    JoinCode.objects.create(programme=s.programme, code="CALDER-123")
    fund_top_up(organisation=s.organisation, amount=D(fund), actor=s.admin, idempotency_key="f")
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=D("10"))  # fmt: skip
    return s


def test_ending_needs_a_confirmation_and_changes_nothing_without_it() -> None:
    s = _running()
    with pytest.raises(services.ProgrammeError) as caught:
        services.programme_end(programme=s.programme, actor=s.admin, confirm=False)
    assert caught.value.field == "confirm"
    s.programme.refresh_from_db()
    assert s.programme.ended_at is None and not OutboxMessage.objects.exists()
    assert SubsidyRule.objects.get().ended_at is None


def test_after_the_end_no_subsidy_no_enrolment_and_the_history_stays() -> None:
    s = _running()
    before = closed_round(s, [5, 3])  # 10 % of 10.00 and 6.00
    assert RoundSubsidy.objects.get(round=before).total == D("1.60")
    services.programme_end(programme=s.programme, actor=s.admin, confirm=True)
    s.programme.refresh_from_db()
    assert s.programme.ended_at is not None
    assert SubsidyRule.objects.get().ended_at == s.programme.ended_at
    # members told by email, through the outbox, one each; the action audited
    ended = OutboxMessage.objects.filter(subject__contains="has ended the programme Staff food")
    expected = [*(m.user.email for m in s.members), s.coordinator.email]
    assert sorted(to for m in ended for to in m.to) == sorted(expected)
    assert AuditEvent.objects.filter(action="programmes.ended").count() == 1
    # a round closed after the end: charged, not subsidised; the earlier one keeps its postings
    after = closed_round(s, [5, 3])
    assert not RoundSubsidy.objects.filter(round=after).exists()
    assert RoundSubsidy.objects.get(round=before).reversed_at is None
    assert [balance_of(membership=m) for m in s.members] == [
        D("-11.88") + D("1.00") - D("11.88"),  # 10.00 goods + 1.88 delivery share, twice
        D("-7.12") + D("0.60") - D("7.12"),
    ]
    assert fund_balance(organisation=s.organisation) == D("98.40")
    # no new enrolment, no change
    with pytest.raises(enrolment.EnrolmentError, match="ended"):
        enrolment.enrolment_by_code(programme=s.programme, user=make_user(), code="CALDER-123")
    with pytest.raises(services.ProgrammeError, match="ended"):
        services.programme_update(programme=s.programme, actor=s.admin, name="X",
                                  allows_friends_and_family=True)  # fmt: skip
    with pytest.raises(SubsidyError, match="ended"):
        subsidy_rule_create(programme=s.programme, actor=s.admin, kind="delivery")
    with pytest.raises(services.ProgrammeError, match="already ended"):
        services.programme_end(programme=s.programme, actor=s.admin, confirm=True)
    assert Programme.objects.filter(pk=s.programme.pk).exists()
    assert_books_clean()


def test_the_last_months_payroll_still_exports_and_runs_after_the_end() -> None:
    s = _running()
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    member = s.members[0]
    post(
        group=s.group, kind="adjustment", description="Round charge",
        booked_on=last + timedelta(days=3),
        legs=[(member_account(member), D("-12.40")),
              (system_account(s.group, "adjustments"), D("12.40"))],
        actor=None, idempotency_key=system_key("end-test-charge"),
    )  # fmt: skip
    payroll.payroll_consent_give(
        programme=s.programme, membership=member, actor=member.user, employee_reference="P-7",
        wording=payroll.consent_wording(s.programme), agree=True,
    )  # fmt: skip
    services.programme_end(programme=s.programme, actor=s.admin, confirm=True)
    s.programme.refresh_from_db()
    export = payroll.payroll_export(programme=s.programme, month=last, actor=s.admin)
    assert [(r.employee_reference, r.amount) for r in export.rows] == [("P-7", D("12.40"))]
    run = payroll.payroll_run_record(programme=s.programme, month=last, actor=s.admin)
    assert run.total == D("12.40") and balance_of(membership=member) == D("0.00")
    # no new consent after the end; the employee can still read and withdraw theirs
    with pytest.raises(SubsidyError, match="ended"):
        payroll.payroll_consent_give(
            programme=s.programme, membership=s.members[1], actor=s.members[1].user,
            employee_reference="P-8", wording=payroll.consent_wording(s.programme), agree=True,
        )  # fmt: skip
    employee = client_for(member.user)
    url = f"/api/v1/groups/{s.group.slug}/payroll-consent"
    assert employee.get(url).json()["current"]["employee_reference"] == "P-7"
    assert employee.delete(url).json()["current"] is None
    assert_books_clean()


def test_the_funds_balance_can_be_taken_back_by_a_posting() -> None:
    s = _running("50.00")
    services.programme_end(programme=s.programme, actor=s.admin, confirm=True)
    before = Transaction.objects.count()
    with pytest.raises(SubsidyError) as caught:
        fund_return(organisation=s.organisation, amount=D("50.01"), actor=s.admin,
                    idempotency_key="r0")  # fmt: skip
    assert caught.value.field == "amount" and Transaction.objects.count() == before
    with pytest.raises(SubsidyError) as caught:
        fund_return(organisation=s.organisation, amount=D("0"), actor=s.admin,
                    idempotency_key="r0")  # fmt: skip
    assert caught.value.field == "amount"
    fund_return(organisation=s.organisation, amount=D("30.00"), actor=s.admin,
                idempotency_key="r1")  # fmt: skip
    fund_return(
        organisation=s.organisation, amount=D("30.00"), actor=s.admin, idempotency_key="r1"
    )  # fmt: skip  (the same key: once)
    assert fund_balance(organisation=s.organisation) == D("20.00")
    admin = client_for(s.admin)
    org, _programme = _paths(s)
    back = call(admin, "POST", f"{org}/fund/returns", {"amount": "20.00"})
    assert back.status_code == 201 and back.json()["balance"] == "0.00"
    too_much = call(admin, "POST", f"{org}/fund/returns", {"amount": "0.01"})
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "amount"
    assert_books_clean()


def test_the_pages_confirm_first_and_the_api_needs_confirm_true() -> None:
    s = _running("42.00")
    client = Client()
    client.force_login(s.admin)
    url = reverse("programmes:end", args=[s.organisation.slug, s.programme.pk])
    page = client.get(url).content.decode()
    assert "Your subsidy fund holds" in page and "£42.00" in page
    assert "Payroll for the last month can still be exported" in page
    refused = client.post(url, {})
    assert refused.status_code == 200 and "confirm" in refused.context["form"].errors
    s.programme.refresh_from_db()
    assert s.programme.ended_at is None
    admin = client_for(s.admin)
    _org, programme = _paths(s)
    bad = call(admin, "POST", f"{programme}/end", {"confirm": False})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "confirm"
    assert client.post(url, {"confirm": "on"}).status_code == 302
    s.programme.refresh_from_db()
    assert s.programme.ended_at is not None
    manage = client.get(reverse("programmes:manage", args=[s.organisation.slug, s.programme.pk]))
    assert "This programme has ended" in manage.content.decode()
    again = call(admin, "POST", f"{programme}/end", {"confirm": True})
    assert again.status_code == 409
    fund_page = client.get(reverse("subsidies:fund", args=[s.organisation.slug]))
    assert "Take money back from the fund" in fund_page.content.decode()
    response = client.post(
        reverse("subsidies:fund", args=[s.organisation.slug]),
        {"back-give_back": "1", "back-amount": "42.00", "back-key": "k" * 32},
    )
    assert response.status_code == 302
    assert fund_balance(organisation=s.organisation) == D("0.00")
