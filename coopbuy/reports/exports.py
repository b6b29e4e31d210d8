"""CSV exports of the report tables: the same numbers the pages chart.

Text cells a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are
prefixed with an apostrophe; numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from coopbuy.reports.models import MemberRoundFigures, RoundFigures

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ROUND_COLUMNS = (
    "closed_at", "round", "currency", "members_ordering", "spend", "goods", "savings_retail",
    "savings_alone", "case_units", "case_units_filled", "case_fill", "requested_units",
    "received_units", "unmet_units", "tolerance_offered", "tolerance_used", "demand_fill",
    "lowest_fill", "jain",
)  # fmt: skip
MEMBER_COLUMNS = (
    "closed_at", "round", "spend", "goods", "delivery", "savings_retail", "savings_alone",
    "requested_units", "received_units", "tolerance_offered", "tolerance_used", "fill",
)  # fmt: skip


def text_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def rounds_csv(rows: Iterable[RoundFigures]) -> str:
    return _csv(
        ROUND_COLUMNS,
        (
            [r.closed_at.date().isoformat(), text_cell(r.name)]
            + ["" if getattr(r, c) is None else getattr(r, c) for c in ROUND_COLUMNS[2:]]
            for r in rows
        ),
    )


def member_csv(rows: Iterable[MemberRoundFigures]) -> str:
    return _csv(
        MEMBER_COLUMNS,
        (
            [r.closed_at.date().isoformat(), text_cell(r.round.name)]
            + ["" if getattr(r, c) is None else getattr(r, c) for c in MEMBER_COLUMNS[2:]]
            for r in rows
        ),
    )
