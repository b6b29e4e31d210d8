"""The charts of the report pages: each one's finding (its title), its SVG and its numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from coopbuy.core.savings import ratio3
from coopbuy.ledger.selectors import format_money
from coopbuy.reports.charts import Bar, bar_chart
from coopbuy.reports.flows import MonthMembers
from coopbuy.reports.models import MemberRoundFigures, RoundFigures


@dataclass(frozen=True)
class Chart:
    id: str
    title: str  # the finding, as a sentence
    svg: SafeString
    column: str  # the table's value column heading
    rows: list[tuple[str, str]]  # (label, value shown) per bar, for the table beside the chart
    per: str = "round"  # what each bar is: "round", "month" or "group"

    @property
    def table_rows(self) -> SafeString:
        """The table's body rows, escaped (built here: a 100-round page renders 500 of them)."""
        return rows_html('<tr><th scope="row">{}</th><td>{}</td></tr>', self.rows)


def rows_html(template: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """`template` filled with each row's values, every value escaped (Django's `format_html_join`
    without its lazy-string checks, which cost a 100-round page a third of its time)."""
    html = "".join(template.format(*(escape(str(v)) for v in row)) for row in rows)
    return mark_safe(html)  # every value escaped above; the template is ours


def percent(value: Decimal | None) -> str:
    return _("none") if value is None else f"{value * 100:.0f} %"


def _chart(
    id: str,
    title: str,
    column: str,
    bars: Sequence[Bar],
    show: Callable[[Decimal], str],
    top: Decimal | None = None,
) -> Chart:
    description = _("%(what)s per round, %(n)d rounds, oldest first.") % {
        "what": column,
        "n": len(bars),
    }
    svg = bar_chart(
        heading_id=f"{id}-title", description=description, bars=bars, show=show, top=top
    )
    # `bar_chart` escapes every text it writes
    return Chart(id, title, mark_safe(svg), column, [(b.label, show(b.value)) for b in bars])


def _label(row: RoundFigures | MemberRoundFigures, name: str) -> str:
    return f"{row.closed_at:%d %b} {name}"


def group_charts(rows: Sequence[RoundFigures], currency: str) -> list[Chart]:
    """Spend, savings, case fill, fairness and participation over the given rounds."""
    if not rows:
        return []

    def money(v: Decimal) -> str:
        return format_money(v, currency)

    labels = [_label(r, r.name) for r in rows]
    spend = sum((r.spend for r in rows), Decimal(0))
    retail = sum((r.savings_retail for r in rows), Decimal(0))
    alone = sum((r.savings_alone for r in rows), Decimal(0))
    case_units = sum(r.case_units for r in rows)
    filled = sum(r.case_units_filled for r in rows)
    fill = ratio3(Fraction(filled, case_units)) if case_units else None
    n = len(rows)
    lowest = min(rows, key=lambda r: (r.lowest_fill, r.closed_at))
    average_members = Decimal(sum(r.members_ordering for r in rows)) / n
    return [
        _chart(
            "spend",
            _("Members spent %(spend)s in %(n)d rounds") % {"spend": money(spend), "n": n},
            _("Spend"),
            [Bar(lb, r.spend) for lb, r in zip(labels, rows, strict=True)],
            money,
        ),
        _chart(
            "savings",
            _("Buying together saved %(retail)s against retail and %(alone)s against buying alone")
            % {"retail": money(retail), "alone": money(alone)},
            _("Saved against buying alone"),
            [Bar(lb, r.savings_alone) for lb, r in zip(labels, rows, strict=True)],
            money,
        ),
        _chart(
            "fill",
            _("Cases were %(fill)s full over these rounds") % {"fill": percent(fill)}
            if fill is not None
            else _("No cases were ordered in these rounds"),
            _("Case fill"),
            [Bar(lb, r.case_fill or Decimal(0)) for lb, r in zip(labels, rows, strict=True)],
            percent,
            top=Decimal(1),
        ),
        _chart(
            "fairness",
            _("The member served least got %(low)s of what they asked (%(round)s)")
            % {"low": percent(lowest.lowest_fill), "round": lowest.name},
            _("Lowest member fill"),
            [Bar(lb, r.lowest_fill) for lb, r in zip(labels, rows, strict=True)],
            percent,
            top=Decimal(1),
        ),
        _chart(
            "participation",
            _("On average %(n)s members ordered per round") % {"n": f"{average_members:.1f}"},
            _("Members ordering"),
            [Bar(lb, Decimal(r.members_ordering)) for lb, r in zip(labels, rows, strict=True)],
            lambda v: f"{v:.0f}",
        ),
    ]


def member_chart(rows: Sequence[MemberRoundFigures], currency: str) -> Chart | None:
    if not rows:
        return None

    def money(v: Decimal) -> str:
        return format_money(v, currency)

    alone = sum((r.savings_alone for r in rows), Decimal(0))
    retail = sum((r.savings_retail for r in rows), Decimal(0))
    return _chart(
        "my-savings",
        _("You saved %(alone)s against buying alone and %(retail)s against retail in %(n)d rounds")
        % {"alone": money(alone), "retail": money(retail), "n": len(rows)},
        _("Saved against buying alone"),
        [Bar(_label(r, r.round.name), r.savings_alone) for r in rows],
        money,
    )


def saving_sentence(figures: MemberRoundFigures, currency: str) -> str:
    """ "You saved £X this round": against retail and against buying alone, said plainly."""
    retail = format_money(figures.savings_retail, currency)
    alone = format_money(abs(figures.savings_alone), currency)
    if figures.savings_alone >= 0:
        text = _(
            "You saved %(alone)s this round against buying alone, and %(retail)s against retail "
            "prices."
        )
    else:
        text = _(
            "Buying alone would have cost you %(alone)s less this round; you saved %(retail)s "
            "against retail prices."
        )
    return text % {"alone": alone, "retail": retail}


def rounds_table_rows(rows: Sequence[RoundFigures]) -> SafeString:
    """The body of the group page's table of every figure per round, escaped."""
    none = _("no cases")
    return rows_html(
        '<tr><th scope="row">{} {}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                f"{r.closed_at:%d %b %Y}",
                r.name,
                r.members_ordering,
                format_money(r.spend, r.currency),
                format_money(r.savings_retail, r.currency),
                format_money(r.savings_alone, r.currency),
                none if r.case_fill is None else percent(r.case_fill),
                r.unmet_units,
                r.tolerance_used,
                r.tolerance_offered,
                percent(r.lowest_fill),
                r.jain,
            )
            for r in rows
        ),
    )


def member_table_rows(rows: Sequence[MemberRoundFigures], slug: str, currency: str) -> SafeString:
    """The body of "My savings" table: each round linked to its page, escaped."""
    return rows_html(
        '<tr><th scope="row"><a href="{}">{} {}</a></th><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}{}</td></tr>",
        (
            (
                reverse("rounds:detail", args=[slug, r.round_id]),
                f"{r.closed_at:%d %b %Y}",
                r.round.name,
                format_money(r.spend, currency),
                format_money(r.savings_retail, currency),
                format_money(r.savings_alone, currency),
                r.requested_units,
                r.received_units,
                _(" (+%(n)d from tolerance)") % {"n": r.tolerance_used} if r.tolerance_used else "",
            )
            for r in rows
        ),
    )


def members_chart(months: Sequence[MonthMembers]) -> Chart:
    """Members at the end of each month; the title says where the group stands and how it moved."""
    joined = sum(m.joined for m in months)
    left = sum(m.left for m in months)
    title = _(
        "%(now)d members now: %(joined)d joined and %(left)d left in the last %(n)d months"
    ) % {"now": months[-1].at_end, "joined": joined, "left": left, "n": len(months)}
    bars = [Bar(f"{m.month:%b %Y}", Decimal(m.at_end)) for m in months]
    svg = bar_chart(
        heading_id="members-title",
        description=_("Members at the end of each month, %(n)d months, oldest first.")
        % {"n": len(months)},
        bars=bars,
        show=lambda v: f"{v:.0f}",
    )
    rows = [(b.label, f"{b.value:.0f}") for b in bars]
    return Chart("members", title, mark_safe(svg), _("Members"), rows, per="month")
