"""A group's months: who joined and left, and how money moved (the group report's second half).

Both are read with one grouped query each over the last 12 months (memberships by the month they
began and ended; ledger entries by the month they were booked and the kind of posting), so the
cost grows with the months shown, not with the rows behind them. A reversal counts under the
kind it reverses, so a reversed top-up nets out of that month's top-ups.

Signs follow the ledger (`coopbuy.ledger.models`): an entry is positive for a credit. Money held
in the bank and the cash box is minus their balance; what members paid in is minus the bank's
and cash box's entries of top-ups; members' charges are minus their accounts' entries of round
charges and adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.models import Account, Book, Entry, Transaction

ZERO = Decimal("0.00")
Kind = Transaction.Kind
HELD = (Account.Kind.BANK, Account.Kind.CASH)


def last_months(today: date | None = None, count: int = 12) -> list[date]:
    """The first days of the last `count` months, oldest first, this month last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass(frozen=True)
class MonthMembers:
    month: date
    joined: int
    left: int
    at_end: int  # members at the end of the month (now, for this month)


@dataclass(frozen=True)
class MonthMoney:
    month: date
    paid_in: Decimal  # top-ups into the bank or cash box
    refunded: Decimal  # paid back to members
    charged: Decimal  # members' round charges and adjustments
    to_suppliers: Decimal  # supplier payments out of the bank or cash box
    held_at_end: Decimal  # in the bank and cash box at the end of the month, per the ledger


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _count_by_month(rows: QuerySet[Membership], field: str, start: date) -> dict[date, int]:
    tz = timezone.get_current_timezone()
    counted = (
        rows.filter(**{f"{field}__date__gte": start})
        .annotate(month=TruncMonth(field, tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {_as_date(row["month"]): int(row["n"]) for row in counted}


def members_by_month(group: BuyingGroup, months: list[date]) -> list[MonthMembers]:
    start = months[0]
    rows = Membership.objects.filter(group=group)
    joined = _count_by_month(rows, "joined_at", start)
    left = _count_by_month(rows, "ended_at", start)
    at_start = rows.filter(joined_at__date__lt=start).exclude(ended_at__date__lt=start).count()
    result, members = [], at_start
    for month in months:
        members += joined.get(month, 0) - left.get(month, 0)
        result.append(MonthMembers(month, joined.get(month, 0), left.get(month, 0), members))
    return result


def money_by_month(group: BuyingGroup, months: list[date]) -> list[MonthMoney]:
    book = Book.objects.filter(group_id=group.pk).first()
    if book is None:
        return [MonthMoney(m, ZERO, ZERO, ZERO, ZERO, ZERO) for m in months]
    start = months[0]
    entries = Entry.objects.filter(transaction__book=book).annotate(
        effective=Coalesce(F("transaction__reverses__kind"), F("transaction__kind"))
    )
    held = Q(account__kind__in=HELD)
    member = Q(account__kind=Account.Kind.MEMBER)
    charges = Q(effective__in=[Kind.ROUND_CHARGE, Kind.ROUND_ADJUSTMENT])
    sums = (
        entries.filter(transaction__booked_on__gte=start)
        .annotate(month=TruncMonth("transaction__booked_on"))
        .values("month")
        .annotate(
            paid_in=Sum("amount", filter=held & Q(effective=Kind.TOP_UP)),
            refunded=Sum("amount", filter=held & Q(effective=Kind.REFUND)),
            to_suppliers=Sum("amount", filter=held & Q(effective=Kind.SUPPLIER_PAYMENT)),
            charged=Sum("amount", filter=member & charges),
            held=Sum("amount", filter=held),
        )
    )
    by_month: dict[date, dict[str, Any]] = {_as_date(row["month"]): dict(row) for row in sums}
    held_before = (
        entries.filter(held, transaction__booked_on__lt=start).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    result, running = [], -held_before
    for month in months:
        row: dict[str, Any] = by_month.get(month, {})
        running -= row.get("held") or ZERO
        result.append(
            MonthMoney(
                month,
                paid_in=-(row.get("paid_in") or ZERO),
                refunded=row.get("refunded") or ZERO,
                charged=-(row.get("charged") or ZERO),
                to_suppliers=row.get("to_suppliers") or ZERO,
                held_at_end=running,
            )
        )
    return result
