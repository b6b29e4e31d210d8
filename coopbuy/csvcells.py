"""Cells for CSV files that a spreadsheet opens as data, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some
versions, a tab or carriage return before one) as a formula: a bank reference chosen by whoever sent
the transfer, or a product name typed by a supplier, could so run `=HYPERLINK(...)` or worse on the
accountant's machine. Every CSV coopbuy writes goes through `csv_cell`: text that starts like a
formula gets a leading `'` (shown as text, the quote hidden); numbers (`int`, `Decimal`, `float`)
are written as they are, so a column the export defines as numeric keeps `-3.50` a number. Imports
take the quote off again with `unguard`.

No Django: the CLI and every area use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula ("'=..." for "=...")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """The inverse of `guard`, applied to every cell read from CSV."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_cell(value: object) -> object:
    """A value ready for `csv.writer`: numbers as they are, anything else as guarded text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal | float):
        return value
    return guard(str(value))


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]
