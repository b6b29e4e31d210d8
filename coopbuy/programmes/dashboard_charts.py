"""The employer dashboard's charts: orders and savings per round, from the floored figures only.

A round with fewer than 5 people ordering has no figure, so it has no bar either (a bar of zero
would read as "nothing was ordered"); the chart's description says how many were left out.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopbuy.ledger.selectors import format_money
from coopbuy.programmes.dashboard import Dashboard
from coopbuy.reports.charts import Bar, bar_chart
from coopbuy.reports.findings import Chart


def _chart(board: Dashboard, id: str, title: str, column: str, bars: list[Bar]) -> Chart:
    def money(value: Decimal) -> str:
        return format_money(value, board.currency)

    description = ngettext(
        "%(what)s per round, %(n)d round shown, oldest first.",
        "%(what)s per round, %(n)d rounds shown, oldest first.",
        len(bars),
    ) % {"what": column, "n": len(bars)}
    if board.rounds_hidden:
        description += " " + ngettext(
            "%(n)d round with fewer than 5 people ordering is left out.",
            "%(n)d rounds with fewer than 5 people ordering are left out.",
            board.rounds_hidden,
        ) % {"n": board.rounds_hidden}
    svg = bar_chart(heading_id=f"{id}-title", description=description, bars=bars, show=money)
    # `bar_chart` escapes every text it writes
    return Chart(id, title, mark_safe(svg), column, [(b.label, money(b.value)) for b in bars])


def dashboard_charts(board: Dashboard) -> list[Chart]:
    """Orders' value and the saving against buying alone, per round shown (none: no chart)."""
    shown = [r for r in board.rounds if r.ordering.shown]
    if not shown:
        return []
    labels = [f"{r.closed_at:%d %b} {r.name}" for r in shown]
    spend = board.total_spend.value or Decimal(0)
    alone = board.total_savings_alone.value or Decimal(0)
    money = board.currency
    return [
        _chart(
            board,
            "programme-spend",
            ngettext(
                "People in the programme ordered %(spend)s in %(n)d round",
                "People in the programme ordered %(spend)s in %(n)d rounds",
                len(shown),
            )
            % {"spend": format_money(spend, money), "n": len(shown)},
            _("Orders' value"),
            [
                Bar(label, r.spend.value or Decimal(0))
                for label, r in zip(labels, shown, strict=True)
            ],
        ),
        _chart(
            board,
            "programme-savings",
            _("Buying together saved them %(alone)s against buying alone")
            % {"alone": format_money(alone, money)},
            _("Saved against buying alone"),
            [
                Bar(label, r.savings_alone.value or Decimal(0))
                for label, r in zip(labels, shown, strict=True)
            ],
        ),
    ]
