"""Reads of the ledger, each scoped to one group (and, for members, to their own account)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coopbuy.core import ledger as core
from coopbuy.core.display import display_money
from coopbuy.core.money import from_minor, to_minor
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.models import (
    Account,
    Entry,
    Hold,
    Invoice,
    LedgerSettings,
    StatementLine,
    SupplierInvoice,
    Transaction,
)

ZERO = Decimal("0.00")


def format_money(amount: Decimal, currency: str) -> str:
    """£12.40, -£3.00: the way members read amounts (`core.display`, in the active language)."""
    return display_money(amount, currency, get_language() or "en")


def ledger_settings_of(*, group: BuyingGroup) -> LedgerSettings:
    """The group's rules (the defaults, unsaved, until a treasurer changes them)."""
    found = LedgerSettings.objects.filter(group=group).first()
    return found or LedgerSettings(
        group=group, credit_limit=ZERO, invoice_prefix=group.slug[:3].upper() or "INV"
    )


def account_of(*, membership: Membership) -> Account | None:
    return Account.objects.filter(membership=membership).first()


def balance_of(*, membership: Membership) -> Decimal:
    account = account_of(membership=membership)
    return account.balance if account is not None else ZERO


def held_of(*, membership: Membership) -> Decimal:
    """The money set aside on the member's account by active holds (e.g. campaign pledges)."""
    account = account_of(membership=membership)
    if account is None:
        return ZERO
    return held_on(account=account)


def held_on(*, account: Account) -> Decimal:
    total = Hold.objects.filter(account=account, released_at__isnull=True).aggregate(
        total=Sum("amount")
    )["total"]
    return total if total is not None else ZERO


@dataclass(frozen=True)
class Spending:
    """A member's balance and the group's ordering rule, read together (`spending_of`)."""

    prepayment_required: bool
    credit_limit: Decimal
    balance: Decimal
    currency: str
    held: Decimal = ZERO  # set aside by active holds (campaign pledges): promised already

    @property
    def available(self) -> Decimal | None:
        """What the member may order in all; None when the group sets no limit."""
        rule = core.CreditRule(self.prepayment_required, to_minor(self.credit_limit))
        available = core.available_to_spend(to_minor(self.balance - self.held), rule)
        return None if available is None else from_minor(available)

    def left(self, committed: Decimal) -> Decimal | None:
        """What the member may still add when `committed` is already in open baskets."""
        available = self.available
        return None if available is None else available - committed

    def explanation(self, committed: Decimal = ZERO) -> str:
        """One sentence for the ordering page: how much, and why (the figure is `left`)."""
        return _spending_sentence(self, committed)


def spending_of(*, membership: Membership) -> Spending:
    """The member's balance and the group's rule in one query (the group row is always there)."""
    balance = Subquery(
        Account.objects.filter(membership_id=membership.pk, kind=Account.Kind.MEMBER)
        .order_by("pk")
        .values("balance")[:1]
    )
    held = Subquery(
        Hold.objects.filter(
            account__membership_id=membership.pk,
            account__kind=Account.Kind.MEMBER,
            released_at__isnull=True,
        )
        .order_by()
        .values("account__membership_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    row = (
        BuyingGroup.objects.filter(pk=membership.group_id)
        .annotate(balance=balance, held=held)
        .values_list(
            "ledger_settings__prepayment_required",
            "ledger_settings__credit_limit",
            "balance",
            "currency",
            "held",
        )
        .first()
    )
    prepayment, credit, money, currency, promised = row or (False, ZERO, ZERO, "GBP", ZERO)
    return Spending(bool(prepayment), credit or ZERO, money or ZERO, currency, promised or ZERO)


def available_to_spend(*, membership: Membership) -> Decimal | None:
    """What the member may still order under the group's rule; None when the group sets no limit.

    Active holds (pledges waiting for a campaign to tip) are taken off: the money is promised.
    """
    return spending_of(membership=membership).available


def spending_explanation(*, membership: Membership, committed: Decimal = ZERO) -> str:
    """One sentence for the ordering page: how much, and why.

    `committed` is what the member's open basket already takes (not charged until the round
    closes); what they can still order is what is left after it.
    """
    return spending_of(membership=membership).explanation(committed)


def _spending_sentence(spending: Spending, committed: Decimal) -> str:
    currency = spending.currency
    values = {
        "balance": format_money(spending.balance, currency),
        "credit": format_money(spending.credit_limit, currency),
    }
    available = spending.available
    if available is None:
        return (
            _(
                "Your balance is %(balance)s. The group does not ask for prepayment: you pay for "
                "what you receive after the round."
            )
            % values
        )
    values["available"] = format_money(max(ZERO, available - committed), currency)
    values["basket"] = format_money(committed, currency)
    if committed and spending.credit_limit:
        return (
            _(
                "You can still order %(available)s: your balance is %(balance)s, the group lets "
                "members run %(credit)s of credit, and your basket takes %(basket)s."
            )
            % values
        )
    if committed:
        return (
            _(
                "You can still order %(available)s: your balance is %(balance)s, the group asks "
                "members to pay before they order, and your basket takes %(basket)s."
            )
            % values
        )
    if spending.credit_limit:
        return (
            _(
                "You can still order %(available)s: your balance is %(balance)s and the group lets "
                "members run %(credit)s of credit."
            )
            % values
        )
    return (
        _(
            "You can still order %(available)s: your balance is %(balance)s and the group asks "
            "members to pay before they order."
        )
        % values
    )


def entries_of_account(*, account: Account) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(account=account)
        .select_related("transaction", "transaction__reversed_by")
        .order_by("-transaction__booked_on", "-transaction_id")
    )


def transactions_of_group(
    *,
    group: BuyingGroup,
    kind: str | None = None,
    account_id: int | None = None,
    booked_from: date | None = None,
    booked_to: date | None = None,
) -> QuerySet[Transaction]:
    """The group's transactions, newest first; optionally of one kind, touching one account, or
    booked within the dates given (both included)."""
    rows = Transaction.objects.filter(group=group)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if account_id is not None:
        rows = rows.filter(pk__in=Entry.objects.filter(account_id=account_id).values("transaction"))
    if booked_from is not None:
        rows = rows.filter(booked_on__gte=booked_from)
    if booked_to is not None:
        rows = rows.filter(booked_on__lte=booked_to)
    return (
        rows.select_related("created_by", "reversed_by")
        .prefetch_related("entries__account")
        .order_by("-booked_on", "-pk")
    )


def accounts_of_group(*, group: BuyingGroup) -> QuerySet[Account]:
    return Account.objects.filter(group=group).exclude(kind=Account.Kind.MEMBER).order_by("kind")


def members_with_balances(*, group: BuyingGroup) -> QuerySet[Membership]:
    """Every member with `balance` and `account_id` (no account yet: 0.00 and None)."""
    accounts = Account.objects.filter(membership=OuterRef("pk"))
    return (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .annotate(
            balance=Coalesce(
                Subquery(accounts.values("balance")[:1]),
                ZERO,
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            account_id=Subquery(accounts.values("pk")[:1]),
        )
        .order_by("user__display_name", "user__email")
    )


def invoices_of_account(*, account: Account) -> QuerySet[Invoice]:
    return Invoice.objects.filter(account=account).order_by("-issued_at", "-pk")


def supplier_invoices_of_group(*, group: BuyingGroup) -> QuerySet[SupplierInvoice]:
    return SupplierInvoice.objects.filter(group=group).select_related("account")


def lines_to_review(*, group: BuyingGroup) -> QuerySet[StatementLine]:
    return (
        StatementLine.objects.filter(
            group=group,
            status__in=[StatementLine.Status.MATCHED, StatementLine.Status.UNMATCHED],
        )
        .select_related("account")
        .order_by("status", "date", "pk")
    )


@dataclass(frozen=True)
class StatementRow:
    booked_on: date
    transaction_id: int
    description: str
    amount: Decimal
    running: Decimal


@dataclass(frozen=True)
class MonthlyStatement:
    account: Account
    year: int
    month: int
    opening: Decimal
    rows: list[StatementRow]
    closing: Decimal

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def monthly_statement(*, account: Account, year: int, month: int) -> MonthlyStatement:
    """Opening balance, the month's entries with a running balance, closing balance."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    entries = Entry.objects.filter(account=account)
    opening = entries.filter(transaction__booked_on__lt=first).aggregate(s=Sum("amount"))["s"]
    running = opening if opening is not None else ZERO
    opening_balance = running
    rows = []
    month_entries = (
        entries.filter(transaction__booked_on__gte=first, transaction__booked_on__lte=last)
        .select_related("transaction")
        .order_by("transaction__booked_on", "transaction_id", "pk")
    )
    for entry in month_entries:
        running += entry.amount
        rows.append(
            StatementRow(
                booked_on=entry.transaction.booked_on,
                transaction_id=entry.transaction_id,
                description=entry.transaction.description,
                amount=entry.amount,
                running=running,
            )
        )
    return MonthlyStatement(account, year, month, opening_balance, rows, running)


def statement_months(*, account: Account) -> list[date]:
    """The months with entries, newest first, for the statement list."""
    dates = Entry.objects.filter(account=account).dates(
        "transaction__booked_on", "month", order="DESC"
    )
    return list(dates)


UNUSUAL_FACTOR = 50
UNUSUAL_WITHOUT_HISTORY = Decimal("1000.00")


def unusual_top_up_threshold(*, group: BuyingGroup) -> tuple[Decimal, Decimal | None]:
    """From what amount a top-up is unusual enough to ask once more, and the usual one.

    50 times the median of the group's last 200 top-ups (from 3 of them on); before that, a fixed
    1000.00 in the group's currency.
    """
    amounts = sorted(
        Entry.objects.filter(
            transaction__group=group,
            transaction__kind=Transaction.Kind.TOP_UP,
            account__kind=Account.Kind.MEMBER,
            amount__gt=0,
        )
        .order_by("-transaction_id")
        .values_list("amount", flat=True)[:200]
    )
    if len(amounts) < 3:
        return UNUSUAL_WITHOUT_HISTORY, None
    middle = len(amounts) // 2
    median = amounts[middle] if len(amounts) % 2 else (amounts[middle - 1] + amounts[middle]) / 2
    return median * UNUSUAL_FACTOR, median
