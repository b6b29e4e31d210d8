"""The employer's dashboard of a programme: aggregates only, each floored at 5 people.

Every figure goes through `coopbuy.core.privacy`: a figure resting on fewer than 5 people is not
shown. Totals add up only the rounds that are shown, so no total minus the shown rounds gives a
hidden one; the split of enrolments by how people joined hides a second part when one hidden part
could be subtracted. Nothing here names a person or reads one person's basket, allocation or
balance: rounds come from the reports' per-round figures (`RoundFigures`), the subsidy from the
organisation's own book (its `subsidies` account), enrolments as counts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from coopbuy.core.privacy import Floored, floored, floored_parts
from coopbuy.csvcells import csv_row
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import entries_of_account, format_money
from coopbuy.organisations.models import Programme
from coopbuy.programmes.models import Enrolment, PickupPoint
from coopbuy.reports.exports import table_xlsx, text_cell
from coopbuy.reports.selectors import group_rounds

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RoundRow:
    name: str
    closed_at: datetime
    ordering: Floored[int]
    spend: Floored[Decimal]
    savings_retail: Floored[Decimal]
    savings_alone: Floored[Decimal]


@dataclass(frozen=True)
class Dashboard:
    programme: Programme
    currency: str
    enrolled: Floored[int]
    by_via: list[tuple[str, Floored[int]]]
    rounds: list[RoundRow]
    rounds_hidden: int
    total_spend: Floored[Decimal]
    total_savings_retail: Floored[Decimal]
    total_savings_alone: Floored[Decimal]
    subsidy_spent: Floored[Decimal] | None  # None: the organisation keeps no subsidy fund
    subsidy_left: Floored[Decimal] | None
    pickup_points: list[PickupPoint]


def enrolled_count(programme: Programme) -> dict[str, int]:
    """People enrolled and still in the programme's group, by how they joined (one query)."""
    active = Membership.objects.active().filter(group=programme.group).values("user_id")
    rows = (
        Enrolment.objects.filter(programme=programme, ended_at__isnull=True, user_id__in=active)
        .values("via")
        .annotate(n=Count("id"))
    )
    counts = {via: 0 for via in Enrolment.Via.values}
    counts.update({r["via"]: r["n"] for r in rows})
    return counts


def subsidy_figures(programme: Programme) -> tuple[Decimal, Decimal] | None:
    """(spent, left) of the organisation's subsidy fund, or None if it keeps none.

    The fund is the `subsidies` account of the organisation's book: money put in is a credit,
    a subsidy paid out a debit (the ledger's sign: positive = credit). Spent is what was paid out
    less what came back: reversals, and a subsidy made smaller after a short delivery (a
    transfer back into the fund); left is the account's balance.
    """
    book_id = programme.organisation.book_id
    account = (
        None
        if book_id is None
        else Account.objects.filter(book_id=book_id, kind=Account.Kind.SUBSIDIES).first()
    )
    if account is None:
        return None
    sums = entries_of_account(account=account).aggregate(
        paid=Sum("amount", filter=Q(amount__lt=0)),
        returned=Sum(
            "amount",
            filter=Q(amount__gt=0)
            & (
                Q(transaction__reverses__isnull=False)
                | Q(transaction__kind=Transaction.Kind.TRANSFER)
            ),
        ),
    )
    spent = -(sums["paid"] or ZERO) - (sums["returned"] or ZERO)
    return spent.quantize(Decimal("0.01")), account.balance


def dashboard_of(programme: Programme) -> Dashboard:
    counts = enrolled_count(programme)
    total_people = sum(counts.values())
    parts = floored_parts(list(counts.values()))
    by_via = [
        (str(Enrolment.Via(via).label), cell) for via, cell in zip(counts, parts, strict=True)
    ]
    rows, hidden = [], 0
    spend = retail = alone = ZERO
    people_in_shown = 0
    figures = list(group_rounds(group=programme.group))
    for f in figures:
        n = f.members_ordering
        row = RoundRow(
            f.name,
            f.closed_at,
            floored(n, people=n),
            floored(f.spend, people=n),
            floored(f.savings_retail, people=n),
            floored(f.savings_alone, people=n),
        )
        rows.append(row)
        if row.ordering.shown:
            spend, retail, alone = (
                spend + f.spend,
                retail + f.savings_retail,
                alone + f.savings_alone,
            )
            people_in_shown = max(people_in_shown, n)
        else:
            hidden += 1
    basis = people_in_shown if figures else total_people
    subsidy = subsidy_figures(programme)
    return Dashboard(
        programme=programme,
        currency=programme.group.currency,
        enrolled=floored(total_people, people=total_people),
        by_via=by_via,
        rounds=rows,
        rounds_hidden=hidden,
        total_spend=floored(spend, people=basis),
        total_savings_retail=floored(retail, people=basis),
        total_savings_alone=floored(alone, people=basis),
        subsidy_spent=None if subsidy is None else floored(subsidy[0], people=total_people),
        subsidy_left=None if subsidy is None else floored(subsidy[1], people=total_people),
        pickup_points=list(PickupPoint.objects.filter(programme=programme, ended_at__isnull=True)),
    )


def cell_text(cell: Floored[int] | Floored[Decimal] | None, currency: str = "") -> str:
    """What a page or the CSV says for a cell: the figure, or "fewer than 5"."""
    if cell is None:
        return _("no subsidy fund")
    if cell.value is None:
        return _("fewer than %(floor)s") % {"floor": cell.floor}
    if isinstance(cell.value, Decimal):
        return format_money(cell.value, currency) if currency else f"{cell.value:.2f}"
    return str(cell.value)


def dashboard_rows(board: Dashboard) -> list[tuple[str, str, str]]:
    """(section, figure, value) rows: the CSV export and the API's cells, aggregates only."""
    money = board.currency
    rows = [
        (_("Participation"), _("People enrolled"), cell_text(board.enrolled)),
        *[(_("Participation"), label, cell_text(cell)) for label, cell in board.by_via],
    ]
    for r in board.rounds:
        when = f"{r.name} ({r.closed_at:%Y-%m-%d})"
        rows += [
            (when, _("People ordering"), cell_text(r.ordering)),
            (when, _("Orders' value"), cell_text(r.spend, money)),
            (when, _("Saved against retail"), cell_text(r.savings_retail, money)),
            (when, _("Saved against buying alone"), cell_text(r.savings_alone, money)),
        ]
    rows += [
        (_("Totals"), _("Orders' value"), cell_text(board.total_spend, money)),
        (_("Totals"), _("Saved against retail"), cell_text(board.total_savings_retail, money)),
        (_("Totals"), _("Saved against buying alone"), cell_text(board.total_savings_alone, money)),
        (_("Subsidy"), _("Spent"), cell_text(board.subsidy_spent, money)),
        (_("Subsidy"), _("Left"), cell_text(board.subsidy_left, money)),
    ]
    rows += [(_("Pickup points"), p.name, ", ".join(p.day_names)) for p in board.pickup_points]
    return rows


def dashboard_csv(board: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Figure"), _("Value")])
    for row in dashboard_rows(board):
        writer.writerow(csv_row(row))
    return out.getvalue()


def dashboard_xlsx(board: Dashboard) -> bytes:
    """The CSV's rows as a one-sheet workbook (text cells guarded against formulas)."""
    rows = [[text_cell(str(cell)) for cell in row] for row in dashboard_rows(board)]
    return table_xlsx(_("Dashboard"), [_("Section"), _("Figure"), _("Value")], rows)
