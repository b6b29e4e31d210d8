"""Reads: what a rule has left for a member this month, and the employer's monthly statement.

The statement is aggregates only (per month: per round the total and how many people, as they
stand after any adjustment at receiving, in the month of the round's close; top-ups):
no individual's amount ever appears on it, and no figure about fewer than `SMALL_COUNT_FLOOR`
people (`coopbuy.core.privacy.floored`): such a round shows "fewer than 5" instead.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from coopbuy.core.money import quantize
from coopbuy.core.privacy import Floored, floored
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.subsidies.models import RoundSubsidy, SubsidyLine, SubsidyRule

ZERO = Decimal("0.00")
TxKind = Transaction.Kind


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def friends_and_family(programme: Programme) -> set[int]:
    """The memberships in the programme's group of those enrolled as friends and family.

    Read through the programme's `enrolments` (the `programmes` area sits above this one, so its
    model is not imported): everyone else charged in the group counts as an employee.
    """
    users = programme.enrolments.filter(via="friends_family").values("user_id")
    return set(
        Membership.objects.filter(group_id=programme.group_id, user_id__in=users).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class MemberRoundSubsidy:
    """What a programme paid one member towards one round: at close, each change after the
    delivery (in order, with the day it was booked), and what they hold now."""

    organisation: str
    paid_at_close: Decimal
    changes: list[tuple[date, Decimal]]
    now: Decimal
    undone: bool


def member_round_subsidy(*, round_id: int, membership: Membership) -> MemberRoundSubsidy | None:
    """The member's subsidy in the round (None: the round has none for them)."""
    subsidy = (
        RoundSubsidy.objects.filter(round_id=round_id, programme__group_id=membership.group_id)
        .select_related("programme__organisation")
        .first()
    )
    if subsidy is None:
        return None
    mine = SubsidyLine.objects.filter(subsidy=subsidy, membership=membership)
    paid = mine.filter(adjustment__isnull=True).aggregate(s=Sum("amount"))["s"]
    by_adjustment = (
        mine.filter(adjustment__isnull=False)
        .values("adjustment_id", "adjustment__created_at")
        .annotate(s=Sum("amount"))
        .order_by("adjustment_id")
    )
    changes = [
        (timezone.localdate(row["adjustment__created_at"]), quantize(row["s"]))
        for row in by_adjustment
        if quantize(row["s"])
    ]
    if paid is None and not changes:
        return None
    at_close = quantize(paid) if paid is not None else ZERO
    return MemberRoundSubsidy(
        organisation=subsidy.programme.organisation.name,
        paid_at_close=at_close,
        changes=changes,
        now=quantize(at_close + sum((c for _day, c in changes), ZERO)),
        undone=subsidy.reversed_at is not None,
    )


def active_rules(*, programme: Programme, day: date | None = None) -> list[SubsidyRule]:
    day = day or timezone.localdate()
    return list(
        SubsidyRule.objects.filter(
            programme=programme, active_from__lte=day, ended_at__isnull=True
        ).order_by("pk")
    )


def paid_this_month(*, rule: SubsidyRule, membership: Membership, month: date) -> Decimal:
    """What the rule paid the member in the month (subsidies undone do not count)."""
    paid = SubsidyLine.objects.filter(
        rule=rule, membership=membership, subsidy__month=month, subsidy__reversed_at__isnull=True
    ).aggregate(s=Sum("amount"))["s"]
    return quantize(paid) if paid is not None else ZERO


def left_this_month(
    *, rule: SubsidyRule, membership: Membership, day: date | None = None
) -> Decimal | None:
    """How much more the rule's monthly cap allows the member this month (None: no cap)."""
    if rule.monthly_cap is None:
        return None
    month = month_start(day or timezone.localdate())
    return max(
        rule.monthly_cap - paid_this_month(rule=rule, membership=membership, month=month), ZERO
    )


def fund_balance(*, organisation: Organisation, on: date | None = None) -> Decimal:
    """What the subsidy fund holds (at the end of the day `on`, or now)."""
    if organisation.book_id is None:
        return ZERO
    entries = Entry.objects.filter(
        account__book_id=organisation.book_id, account__kind=Account.Kind.SUBSIDIES
    )
    if on is not None:
        entries = entries.filter(transaction__booked_on__lte=on)
    total = entries.aggregate(s=Sum("amount"))["s"]
    return quantize(total) if total is not None else ZERO


def top_ups(*, organisation: Organisation) -> list[Transaction]:
    """The fund's top-ups, newest first, each with `reversed_by` if undone."""
    if organisation.book_id is None:
        return []
    return list(
        Transaction.objects.filter(book_id=organisation.book_id, kind=TxKind.TOP_UP)
        .select_related("reversed_by")
        .order_by("-booked_on", "-pk")
    )


def final_figures(subsidies: list[RoundSubsidy]) -> dict[int, tuple[Decimal, int]]:
    """Each round subsidy's (total, people) as it stands: the close's lines and every adjustment
    after receiving added up; people: the members who hold more than zero of it."""
    per_member: dict[int, dict[int, Decimal]] = {s.pk: {} for s in subsidies}
    rows = (
        SubsidyLine.objects.filter(subsidy__in=subsidies)
        .values_list("subsidy_id", "membership_id")
        .annotate(paid=Sum("amount"))
    )
    for subsidy, member, paid in rows:
        per_member[subsidy][member] = quantize(paid)  # SQLite adds decimals as floats
    return {
        pk: (quantize(sum(held.values(), ZERO)), sum(1 for v in held.values() if v > 0))
        for pk, held in per_member.items()
    }


@dataclass(frozen=True)
class RoundRow:
    """One round's subsidy: its total and head count, both hidden under the small-count floor."""

    round_id: int
    label: str
    people: Floored[int]
    total: Floored[Decimal]
    undone: bool


@dataclass(frozen=True)
class MonthRow:
    """A month of the statement. `subsidies` sums only the rounds shown (not undone): the rounds
    hidden under the floor are counted (`hidden_rounds`), never added to any total. No month-end
    balance either: with the top-ups it would give the month's true total by subtraction."""

    month: date
    rounds: list[RoundRow]
    subsidies: Decimal  # the shown rounds' totals, rounds undone excluded
    hidden_rounds: int  # rounds whose subsidy went to fewer than SMALL_COUNT_FLOOR people
    top_ups: Decimal  # put in during the month, net of top-ups undone


def employer_statement(*, organisation: Organisation, months: int = 12) -> list[MonthRow]:
    """The last `months` months with any fund movement, newest first (aggregates only, floored)."""
    if organisation.book_id is None:
        return []
    fund_entries = Entry.objects.filter(
        account__book_id=organisation.book_id, account__kind=Account.Kind.SUBSIDIES
    )
    seen = sorted(
        {month_start(d) for d in fund_entries.values_list("transaction__booked_on", flat=True)}
        | set(
            RoundSubsidy.objects.filter(programme__organisation=organisation).values_list(
                "month", flat=True
            )
        ),
        reverse=True,
    )[:months]
    rows = []
    for month in seen:
        added = fund_entries.filter(
            Q(transaction__kind=TxKind.TOP_UP)
            | Q(transaction__kind=TxKind.REVERSAL, transaction__reverses__kind=TxKind.TOP_UP),
            transaction__booked_on__gte=month,
            transaction__booked_on__lte=month_end(month),
        ).aggregate(s=Sum("amount"))["s"]
        subsidies = list(
            RoundSubsidy.objects.filter(programme__organisation=organisation, month=month)
            .select_related("round")
            .order_by("round__closed_at", "pk")
        )
        final = final_figures(subsidies)  # adjusted after receiving, as the ledger has it
        rounds = [
            RoundRow(
                s.round_id,
                f"{s.round.name} · #{s.round_id}",
                floored(final[s.pk][1], people=final[s.pk][1]),
                floored(final[s.pk][0], people=final[s.pk][1]),
                s.reversed_at is not None,
            )
            for s in subsidies
        ]
        shown = [r.total.value for r in rounds if r.total.value is not None and not r.undone]
        rows.append(
            MonthRow(
                month=month,
                rounds=rounds,
                subsidies=quantize(sum(shown, ZERO)),
                hidden_rounds=sum(1 for r in rounds if not r.total.shown),
                top_ups=quantize(added or ZERO),
            )
        )
    return rows
