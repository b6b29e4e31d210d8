"""CSV and XLSX exports of the report tables: the same numbers the pages chart.

Text cells a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are
prefixed with an apostrophe; numbers are written as they are (numbers in the XLSX, not text).
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


def _xlsx(title: str, header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is asked for

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _round_rows(rows: Iterable[RoundFigures]) -> Iterable[list[object]]:
    for r in rows:
        yield [r.closed_at.date().isoformat(), text_cell(r.name)] + [
            "" if getattr(r, c) is None else getattr(r, c) for c in ROUND_COLUMNS[2:]
        ]


def _member_rows(rows: Iterable[MemberRoundFigures]) -> Iterable[list[object]]:
    for r in rows:
        yield [r.closed_at.date().isoformat(), text_cell(r.round.name)] + [
            "" if getattr(r, c) is None else getattr(r, c) for c in MEMBER_COLUMNS[2:]
        ]


def table_xlsx(title: str, header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    """Any report table as a one-sheet workbook (text cells already through `text_cell`)."""
    return _xlsx(title, header, rows)


def rounds_xlsx(rows: Iterable[RoundFigures]) -> bytes:
    return _xlsx("Rounds", ROUND_COLUMNS, _round_rows(rows))


def member_xlsx(rows: Iterable[MemberRoundFigures]) -> bytes:
    return _xlsx("My savings", MEMBER_COLUMNS, _member_rows(rows))


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def table_csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """Any report table as CSV (text cells already through `text_cell`)."""
    return _csv(header, rows)


def rounds_csv(rows: Iterable[RoundFigures]) -> str:
    return _csv(ROUND_COLUMNS, _round_rows(rows))


def member_csv(rows: Iterable[MemberRoundFigures]) -> str:
    return _csv(MEMBER_COLUMNS, _member_rows(rows))
