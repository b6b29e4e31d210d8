"""Payroll deduction: an employee's consent, the monthly export for the employer, the run.

**Consent.** An employee (a member of the programme's group) agrees to exactly the wording
`consent_wording(programme)` shows them; the row keeps that wording, the date and the payroll
number they typed. Revoking it records the date; a new consent is a new row, so the history stays.

**What is deducted.** For a month that has ended, each employee whose consent is in force when
the export is made (given before it and not revoked) is listed with what they owe on their member
account at the end of the month's last day: minus the balance of the entries booked up to then,
when that is below zero (a member in credit, or at zero, owes nothing and is left out). Money
they paid in after the month's end does not change it: the export is about the month.

**The run.** Recording the month's run (once per programme and month) moves the total from the
organisation's book to the group's as one `Transfer`, both postings naming it:

    organisation's book  bank                              credit total (the money paid out)
                         payroll deductions (adjustments)  debit  total (recovered from salaries)
    group's book         bank                              debit  total (the money arrives)
                         each employee's member account    credit what was deducted

After a run, the month's export reads the run's own lines, so the file the employer keeps and the
ledger agree to the penny. The export is the only place an employer sees an individual's amount,
and only for the employees who consented.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.money import quantize
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import membership_of
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import book_of, member_accounts, post, system_account
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.transfers import transfer_open
from coopbuy.organisations.models import Programme
from coopbuy.reports.exports import text_cell
from coopbuy.subsidies.books import organisation_account, organisation_book
from coopbuy.subsidies.models import PayrollConsent, PayrollLine, PayrollRun
from coopbuy.subsidies.permissions import require_organisation_admin
from coopbuy.subsidies.selectors import month_end, month_start
from coopbuy.subsidies.services import SubsidyError

Kind = Account.Kind
TxKind = Transaction.Kind
ZERO = Decimal("0.00")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,39}$")
COLUMNS = ("employee_reference", "period", "amount")


def consent_wording(programme: Programme) -> str:
    """The exact words an employee agrees to (stored with each consent)."""
    return _(
        "I agree that %(org)s deducts from my salary, each month, what I owe %(group)s on my "
        "coopbuy account at the end of the previous month, and pays it to %(group)s for me. "
        "%(org)s will see my payroll number and that amount, nothing else of my orders. I can "
        "withdraw this at any time; deductions already made stay made."
    ) % {"org": programme.organisation.name, "group": programme.group.name}


def consent_of(*, membership: Membership) -> PayrollConsent | None:
    return PayrollConsent.objects.filter(membership=membership, revoked_at__isnull=True).first()


def _own_membership(programme: Programme, actor: User, membership: Membership) -> None:
    if membership.group_id != programme.group_id or membership.user_id != actor.pk:
        raise SubsidyError(_("Only the employee can agree to payroll deduction for themselves."))
    if membership_of(group=programme.group, user=actor) is None:
        raise SubsidyError(_("Only members of the programme's group can pay from their salary."))


@transaction.atomic
def payroll_consent_give(
    *,
    programme: Programme,
    membership: Membership,
    actor: User,
    employee_reference: str,
    wording: str,
    agree: bool,
) -> PayrollConsent:
    """The employee agrees to `wording`, which must be exactly what was shown to them.

    A consent already in force is revoked and replaced (e.g. a new payroll number).
    """
    _own_membership(programme, actor, membership)
    if programme.ended_at is not None:
        raise SubsidyError(_("This programme has ended: no new consent is taken."))
    if not agree:
        raise SubsidyError(_("Tick the box to agree."), field="agree")
    if wording != consent_wording(programme):
        raise SubsidyError(
            _("The wording has changed since the page was shown: read it again."), field="wording"
        )
    reference = employee_reference.strip()
    if not REFERENCE.match(reference):
        raise SubsidyError(
            _("Give your payroll number: letters and digits, up to 40."),
            field="employee_reference",
        )
    now = timezone.now()
    PayrollConsent.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=now
    )
    consent = PayrollConsent.objects.create(
        programme=programme,
        membership=membership,
        employee_reference=reference,
        wording=wording,
        given_at=now,
    )
    audit_record(
        action="subsidies.payroll_consent_given",
        summary=_("%(who)s agreed to pay %(group)s from their salary")
        % {"who": actor.name, "group": programme.group.name},
        actor=actor,
        group=programme.group,
        subject=actor,
        data={"consent": consent.pk},
    )
    return consent


@transaction.atomic
def payroll_consent_revoke(
    *, programme: Programme, membership: Membership, actor: User
) -> PayrollConsent:
    """Withdraw the consent in force; refused when there is none."""
    _own_membership(programme, actor, membership)
    consent = (
        PayrollConsent.objects.select_for_update(no_key=True)
        .filter(membership=membership, revoked_at__isnull=True)
        .first()
    )
    if consent is None:
        raise SubsidyError(_("You have not agreed to payroll deduction."))
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit_record(
        action="subsidies.payroll_consent_revoked",
        summary=_("%(who)s withdrew their payroll deduction consent") % {"who": actor.name},
        actor=actor,
        group=programme.group,
        subject=actor,
        data={"consent": consent.pk},
    )
    return consent


# The export --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayrollRow:
    membership_id: int
    consent_id: int
    employee_reference: str
    amount: Decimal


@dataclass(frozen=True)
class PayrollExport:
    programme: Programme
    month: date
    rows: list[PayrollRow]
    recorded: PayrollRun | None  # the run these rows come from; None: a preview

    @property
    def period(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)


def parse_month(text: str) -> date:
    """ "2026-03" -> 1 March 2026, or a `SubsidyError` on `month`."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise SubsidyError(_("Give the month as YYYY-MM, e.g. 2026-03."), field="month")
    return date(int(match[1]), int(match[2]), 1)


def _require_ended(month: date) -> None:
    if month_end(month) >= timezone.localdate():
        raise SubsidyError(
            _("%(month)s has not ended yet: export it from the 1st of the next month.")
            % {"month": f"{month:%B %Y}"},
            field="month",
        )


def owed_at_month_end(*, membership_ids: list[int], month: date) -> dict[int, Decimal]:
    """What each member owes (minus their balance, when below zero) at the month's last day."""
    rows = (
        Entry.objects.filter(
            account__membership_id__in=membership_ids,
            transaction__booked_on__lte=month_end(month),
        )
        .values_list("account__membership_id")
        .annotate(balance=Sum("amount"))
    )
    return {m: quantize(-balance) for m, balance in rows if m is not None and balance < 0}


def payroll_export(*, programme: Programme, month: date, actor: User) -> PayrollExport:
    """The month's deductions (the recorded run's, or a preview); admins only, ended months only."""
    require_organisation_admin(organisation=programme.organisation, user=actor)
    month = month_start(month)
    _require_ended(month)
    run = PayrollRun.objects.filter(programme=programme, month=month).first()
    if run is not None:
        lines = run.lines.order_by("employee_reference", "pk")
        rows = [
            PayrollRow(line.membership_id, line.consent_id, line.employee_reference, line.amount)
            for line in lines
        ]
        return PayrollExport(programme, month, rows, run)
    consents = list(
        PayrollConsent.objects.filter(
            programme=programme,
            revoked_at__isnull=True,
            membership__group_id=programme.group_id,
            membership__ended_at__isnull=True,
        ).order_by("employee_reference", "pk")
    )
    if not consents:
        raise SubsidyError(
            _("No employee has agreed to payroll deduction: there is nothing to export."),
            field="consent",
        )
    owed = owed_at_month_end(membership_ids=[c.membership_id for c in consents], month=month)
    rows = [
        PayrollRow(c.membership_id, c.pk, c.employee_reference, owed[c.membership_id])
        for c in consents
        if owed.get(c.membership_id, ZERO) > 0
    ]
    return PayrollExport(programme, month, rows, None)


def export_csv(export: PayrollExport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in export.rows:
        writer.writerow([text_cell(row.employee_reference), export.period, row.amount])
    writer.writerow([_("Total (%(n)d employees)") % {"n": len(export.rows)}, export.period,
                     export.total])  # fmt: skip
    return out.getvalue()


def export_xlsx(export: PayrollExport) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is asked for

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Payroll %(period)s") % {"period": export.period})
    sheet.append(list(COLUMNS))
    for row in export.rows:
        sheet.append([text_cell(row.employee_reference), export.period, row.amount])
    sheet.append([_("Total (%(n)d employees)") % {"n": len(export.rows)}, export.period,
                  export.total])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The run -----------------------------------------------------------------------------------------


@transaction.atomic
def payroll_run_record(*, programme: Programme, month: date, actor: User) -> PayrollRun:
    """Record the month's deductions as paid: one transfer into the employees' accounts; once."""
    export = payroll_export(programme=programme, month=month, actor=actor)
    if export.recorded is not None:
        return export.recorded
    if not export.rows:
        raise SubsidyError(
            _("Nobody who agreed owed anything at the end of %(month)s.")
            % {"month": f"{export.month:%B %Y}"},
            field="month",
        )
    total = export.total
    try:
        with transaction.atomic():
            run = PayrollRun.objects.create(
                programme=programme, month=export.month, total=total, created_by=actor
            )
    except IntegrityError:  # recorded meanwhile by another admin
        return PayrollRun.objects.get(programme=programme, month=export.month)
    book = organisation_book(programme.organisation)
    group_book = book_of(programme.group)
    description = _("Payroll deductions for %(period)s") % {"period": export.period}
    transfer = transfer_open(
        from_book=book, to_book=group_book, amount=total, description=description,
        actor=actor,
    )  # fmt: skip
    source = Source(SourceKind.TRANSFER, transfer.pk)
    key = system_key(f"payroll-run-{run.pk}")
    post(
        group=None,
        book=book,
        kind=TxKind.TRANSFER,
        description=_("%(what)s paid to %(group)s")
        % {"what": description, "group": group_book.name},
        legs=[
            (organisation_account(book, Kind.BANK), total),
            (organisation_account(book, Kind.ADJUSTMENTS), -total),
        ],
        actor=actor,
        idempotency_key=key,
        source=source,
    )
    accounts = member_accounts(
        Membership.objects.filter(pk__in=[r.membership_id for r in export.rows]).select_related(
            "user", "group"
        )
    )
    post(
        group=programme.group,
        kind=TxKind.TRANSFER,
        description=_("%(what)s, paid by %(org)s from your salary")
        % {"what": description, "org": programme.organisation.name},
        legs=[(system_account(programme.group, Kind.BANK), -total)]
        + [(accounts[r.membership_id], r.amount) for r in export.rows],
        actor=actor,
        idempotency_key=key,
        source=source,
    )
    run.transfer = transfer
    run.save(update_fields=["transfer"])
    PayrollLine.objects.bulk_create(
        PayrollLine(run=run, consent_id=r.consent_id, membership_id=r.membership_id,
                    employee_reference=r.employee_reference, amount=r.amount)
        for r in export.rows
    )  # fmt: skip
    audit_record(
        action="subsidies.payroll_run",
        summary=_("%(actor)s recorded %(org)s's payroll deductions for %(period)s: %(total)s")
        % {"actor": actor.name, "org": programme.organisation.name, "period": export.period,
           "total": total},
        actor=actor,
        group=programme.group,
        data={"run": run.pk, "transfer": transfer.pk, "total": str(total),
              "people": len(export.rows)},
    )  # fmt: skip
    return run
