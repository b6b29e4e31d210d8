"""The federation report's charts: what pooling saved per round and what each group spent, each
titled by its finding, drawn by `reports.charts.bar_chart`, with its numbers for the table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopbuy.ledger.selectors import format_money
from coopbuy.pooled.report import GroupPoolFigures, PoolFigures
from coopbuy.reports.charts import Bar, bar_chart
from coopbuy.reports.findings import Chart


def saving_finding(rounds: Sequence[PoolFigures], currency: str) -> str:
    """ "Pooling saved £12.30 over the last 6 rounds" (or what it cost, when negative)."""
    total = sum((r.pooling_saving for r in rounds), Decimal(0))
    values = {"amount": format_money(abs(total), currency), "n": len(rounds)}
    if total < 0:
        return (
            ngettext(
                "Pooling cost %(amount)s more than ordering alone in the last round",
                "Pooling cost %(amount)s more than ordering alone over the last %(n)d rounds",
                len(rounds),
            )
            % values
        )
    return (
        ngettext(
            "Pooling saved %(amount)s in the last round",
            "Pooling saved %(amount)s over the last %(n)d rounds",
            len(rounds),
        )
        % values
    )


def spend_finding(groups: Sequence[GroupPoolFigures], currency: str) -> str:
    """ "The groups spent £300.00 in pooled rounds; Group A the most (£150.00)"."""
    total = sum((g.spend for g in groups), Decimal(0))
    top = max(groups, key=lambda g: (g.spend, g.name))
    return _("The groups spent %(total)s in pooled rounds; %(group)s the most (%(top)s)") % {
        "total": format_money(total, currency),
        "group": top.name,
        "top": format_money(top.spend, currency),
    }


def _chart(id: str, title: str, column: str, bars: list[Bar], per: str, currency: str) -> Chart:
    def money(v: Decimal) -> str:
        return format_money(v, currency)

    what = (
        _("%(what)s per round, %(n)d rounds, oldest first.")
        if per == "round"
        else _("%(what)s per group, %(n)d groups, by name.")
    )
    svg = bar_chart(
        heading_id=f"{id}-title",
        description=what % {"what": column, "n": len(bars)},
        bars=bars,
        show=money,
    )
    # `bar_chart` escapes every text it writes
    return Chart(id, title, mark_safe(svg), column, [(b.label, money(b.value)) for b in bars], per)


def report_charts(
    rounds: Sequence[PoolFigures], groups: Sequence[GroupPoolFigures], currency: str
) -> list[Chart]:
    """The saving per round (oldest first) and the spend per group; none before a round closed."""
    if not rounds or not groups:
        return []
    oldest_first = list(reversed(rounds))
    return [
        _chart(
            "pool-saving",
            saving_finding(rounds, currency),
            _("Saved by pooling"),
            [Bar(f"{r.closed_at:%d %b} {r.name}", r.pooling_saving) for r in oldest_first],
            "round",
            currency,
        ),
        _chart(
            "group-spend",
            spend_finding(groups, currency),
            _("Spend"),
            [Bar(g.name, g.spend) for g in groups],
            "group",
            currency,
        ),
    ]
