"""Payroll deduction: consent with its wording, the export of an ended month, the run."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from coopbuy.groups.models import Membership
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Entry, Transaction
from coopbuy.ledger.selectors import balance_of
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.subsidies.models import PayrollConsent, PayrollRun
from coopbuy.subsidies.payroll import (
    consent_wording,
    export_csv,
    export_xlsx,
    parse_month,
    payroll_consent_give,
    payroll_consent_revoke,
    payroll_export,
    payroll_run_record,
)
from coopbuy.subsidies.services import SubsidyError
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, make_programme

pytestmark = pytest.mark.django_db


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _charge(m: Membership, amount: str, on: date) -> None:
    """A charge booked on a given day (as a round's would be)."""
    post(
        group=m.group, kind="adjustment", description="Round charge", booked_on=on,
        legs=[(member_account(m), -Decimal(amount)),
              (system_account(m.group, "adjustments"), Decimal(amount))],
        actor=None, idempotency_key=system_key(f"test-{m.pk}-{amount}-{on}"),
    )  # fmt: skip


def _consent(s: Setup, m: Membership, reference: str) -> PayrollConsent:
    return payroll_consent_give(programme=s.programme, membership=m, actor=m.user,
                                employee_reference=reference,
                                wording=consent_wording(s.programme), agree=True)  # fmt: skip


def test_consent_records_the_exact_wording_and_is_revocable_with_history() -> None:
    s = make_programme(2)
    m = s.members[0]
    wording = consent_wording(s.programme)
    assert "Calder Mills deducts from my salary" in wording
    with pytest.raises(SubsidyError) as refused:
        payroll_consent_give(programme=s.programme, membership=m, actor=m.user,
                             employee_reference="P100", wording=wording + " ",
                             agree=True)  # fmt: skip
    assert refused.value.field == "wording"
    with pytest.raises(SubsidyError) as refused:
        payroll_consent_give(programme=s.programme, membership=m, actor=m.user,
                             employee_reference="P100", wording=wording, agree=False)  # fmt: skip
    assert refused.value.field == "agree"
    with pytest.raises(SubsidyError) as refused:
        _consent(s, m, "=cmd|' /C calc'!A0")
    assert refused.value.field == "employee_reference"
    with pytest.raises(SubsidyError):  # someone else's membership
        payroll_consent_give(programme=s.programme, membership=m, actor=s.members[1].user,
                             employee_reference="P100", wording=wording, agree=True)  # fmt: skip
    assert PayrollConsent.objects.count() == 0
    first = _consent(s, m, "P100")
    assert (first.wording, first.employee_reference, first.revoked_at) == (wording, "P100", None)
    second = _consent(s, m, "P101")  # a new payroll number replaces the consent, history kept
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    payroll_consent_revoke(programme=s.programme, membership=m, actor=m.user)
    second.refresh_from_db()
    assert second.revoked_at is not None
    assert PayrollConsent.objects.filter(membership=m).count() == 2
    with pytest.raises(SubsidyError):
        payroll_consent_revoke(programme=s.programme, membership=m, actor=m.user)


def test_export_refuses_a_month_not_ended_and_no_consent() -> None:
    s = make_programme(1)
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(SubsidyError) as refused:
        payroll_export(programme=s.programme, month=this_month, actor=s.admin)
    assert refused.value.field == "month"
    with pytest.raises(SubsidyError) as refused:
        payroll_export(programme=s.programme, month=_last_month(), actor=s.admin)
    assert refused.value.field == "consent"
    with pytest.raises(PermissionDenied):
        payroll_export(programme=s.programme, month=_last_month(), actor=s.coordinator)
    for bad in ("2026-13", "March", "1999-01"):
        with pytest.raises(SubsidyError) as refused:
            parse_month(bad)
        assert refused.value.field == "month"


def test_export_lists_what_consenting_employees_owe_at_the_months_end() -> None:
    s = make_programme(4)
    last = _last_month()
    a, b, c, d = s.members
    for m, amount in ((a, "12.40"), (b, "30.00"), (c, "8.00"), (d, "5.00")):
        _charge(m, amount, last + timedelta(days=3))
    ledger_top_up(membership=b, amount=Decimal("10.00"), method="bank", actor=s.coordinator,
                  idempotency_key="b-paid", booked_on=last + timedelta(days=9))  # fmt: skip
    ledger_top_up(membership=c, amount=Decimal("20.00"), method="bank", actor=s.coordinator,
                  idempotency_key="c-credit", booked_on=last)  # fmt: skip
    # after the month's end: neither a new charge nor a payment changes the month's amount
    _charge(a, "99.00", timezone.localdate())
    ledger_top_up(membership=b, amount=Decimal("5.00"), method="bank", actor=s.coordinator,
                  idempotency_key="b-late")  # fmt: skip
    for m, ref in ((a, "P-001"), (b, "P-002"), (c, "P-003")):  # d never agreed
        _consent(s, m, ref)
    export = payroll_export(programme=s.programme, month=last, actor=s.admin)
    assert [(r.employee_reference, r.amount) for r in export.rows] == [
        ("P-001", Decimal("12.40")),
        ("P-002", Decimal("20.00")),
    ]  # c is in credit; d did not consent
    assert export.total == Decimal("32.40") and export.recorded is None
    period = f"{last:%Y-%m}"
    rows = list(csv.reader(io.StringIO(export_csv(export))))
    assert rows == [
        ["employee_reference", "period", "amount"],
        ["P-001", period, "12.40"],
        ["P-002", period, "20.00"],
        ["Total (2 employees)", period, "32.40"],
    ]
    sheet = load_workbook(io.BytesIO(export_xlsx(export))).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1] == ["P-001", period, 12.4] and values[-1][2] == 32.4


def test_the_recorded_run_reconciles_with_the_ledger_to_the_penny() -> None:
    s = make_programme(3)
    last = _last_month()
    a, b, c = s.members
    _charge(a, "12.40", last + timedelta(days=2))
    _charge(b, "7.35", last + timedelta(days=20))
    _charge(c, "50.00", last + timedelta(days=20))
    _consent(s, a, "P-001")
    _consent(s, b, "P-002")
    before = {m.pk: balance_of(membership=m) for m in s.members}
    with pytest.raises(PermissionDenied):
        payroll_run_record(programme=s.programme, month=last, actor=s.coordinator)
    run = payroll_run_record(programme=s.programme, month=last, actor=s.admin)
    assert run.total == Decimal("19.75") and run.transfer is not None
    assert run.transfer.amount == Decimal("19.75")
    # each consenting employee's account credited with exactly their line; c untouched
    assert balance_of(membership=a) - before[a.pk] == Decimal("12.40")
    assert balance_of(membership=b) - before[b.pk] == Decimal("7.35")
    assert balance_of(membership=c) == before[c.pk]
    # the export after the run is the run's lines, and matches the ledger's member credits
    export = payroll_export(programme=s.programme, month=last, actor=s.admin)
    assert export.recorded == run
    credits = dict(
        Entry.objects.filter(
            transaction__source_kind="transfer", transaction__source_id=run.transfer.pk,
            account__membership__isnull=False,
        ).values_list("account__membership_id", "amount")
    )  # fmt: skip
    assert credits == {r.membership_id: r.amount for r in export.rows}
    assert sum(credits.values()) == export.total == run.transfer.amount
    postings = Transaction.objects.filter(source_kind="transfer", source_id=run.transfer.pk)
    assert postings.count() == 2
    # recording again adds nothing
    count = Transaction.objects.count()
    assert payroll_run_record(programme=s.programme, month=last, actor=s.admin) == run
    assert Transaction.objects.count() == count
    assert PayrollRun.objects.count() == 1
    assert_books_clean()
