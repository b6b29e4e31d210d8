"""The group report's suppliers section: a chart of how short each supplier delivered, titled
with the finding, and the table (and export) of shortages and lead times behind it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from coopbuy.reports.charts import Bar, bar_chart
from coopbuy.reports.exports import text_cell
from coopbuy.reports.findings import Chart, percent
from coopbuy.reports.suppliers import SupplierSummary


def _days(value: Decimal | None) -> str:
    return _("not received yet") if value is None else _("%(n)s days") % {"n": value}


def suppliers_title(suppliers: Sequence[SupplierSummary]) -> str:
    received = [s for s in suppliers if s.received_rounds]
    if not received:
        return _("No delivery has been received in these rounds yet")
    worst = max(received, key=lambda s: (s.short_share or Decimal(0), -s.received_rounds))
    if not worst.short_units:
        return _("Every supplier delivered everything ordered in %(n)d received rounds") % {
            "n": sum(s.received_rounds for s in received)
        }
    return _("%(name)s delivered %(share)s short: %(short)d of %(ordered)d units") % {
        "name": worst.name,
        "share": percent(worst.short_share),
        "short": worst.short_units,
        "ordered": worst.ordered_units,
    }


def suppliers_chart(suppliers: Sequence[SupplierSummary]) -> Chart | None:
    """Share of units short per supplier, over the rounds received (None: nothing ordered)."""
    if not suppliers:
        return None
    bars = [Bar(s.name, s.short_share or Decimal(0)) for s in suppliers]
    svg = bar_chart(
        heading_id="suppliers-title",
        description=_("Share of ordered units that did not arrive, per supplier, %(n)d suppliers.")
        % {"n": len(bars)},
        bars=bars,
        show=percent,
        top=Decimal(1),
    )
    rows = [
        (s.name, percent(s.short_share) if s.received_rounds else _("not received yet"))
        for s in suppliers
    ]
    return Chart(
        "suppliers",
        suppliers_title(suppliers),
        mark_safe(svg),  # `bar_chart` escapes every text it writes
        _("Units short"),
        rows,
        per="supplier",
    )


SUPPLIER_COLUMNS = (
    "supplier", "rounds_ordered", "rounds_received", "units_ordered_received_rounds",
    "units_short", "share_short", "median_lead_days", "longest_lead_days",
)  # fmt: skip


def supplier_cells(s: SupplierSummary) -> tuple[object, ...]:
    """One export row: numbers stay numbers; an empty cell where nothing was received."""
    return (
        text_cell(s.name),
        s.rounds,
        s.received_rounds,
        s.ordered_units,
        s.short_units,
        "" if s.short_share is None else s.short_share,
        "" if s.median_lead_days is None else s.median_lead_days,
        "" if s.longest_lead_days is None else s.longest_lead_days,
    )


def supplier_table_rows(suppliers: Sequence[SupplierSummary]) -> list[tuple[str, ...]]:
    """The page table's rows as text."""
    return [
        (
            s.name,
            str(s.rounds),
            str(s.received_rounds),
            f"{s.short_units} / {s.ordered_units}",
            percent(s.short_share) if s.received_rounds else _("not received yet"),
            _days(s.median_lead_days),
            _days(s.longest_lead_days),
        )
        for s in suppliers
    ]
