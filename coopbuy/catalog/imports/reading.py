"""Turning an uploaded file into rows of text cells, whatever it came as.

The kind of file is recognised by its content, not its name: a ZIP (XLSX, ODS) or OLE2 (XLS)
file is read with python-calamine (its first sheet); anything else is text, read as CSV.

CSV encoding, decided for people who export from Excel, LibreOffice or Foodsoft:
- UTF-8, with or without a byte-order mark, is read as it is; so is UTF-16 with a byte-order mark
  (what Excel's "Unicode text" saves).
- A file that is not valid UTF-8 is read as Windows-1252 (Excel's Western European code page; it
  includes Latin-1, and Foodsoft's ISO-8859-15 exports differ from it only in rare letters and the
  € sign). The preview then says so, so that accented letters and £ signs can be checked before
  anything is saved.
- A file with NUL bytes (UTF-16 without a mark, binary data) or with bytes that Windows-1252 does
  not define is refused with a message asking for UTF-8.
The delimiter (`,`, `;` or tab) is the one that occurs most often in the first line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from coopbuy.catalog.imports import bounds, workbook_child
from coopbuy.csvcells import unguard
from coopbuy.errors import UserFacingError

MAX_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = (",", ";", "\t")


class UnreadableFile(UserFacingError):
    """The file as a whole cannot be read: nothing in it is looked at."""


@dataclass
class Sheet:
    """The cells of a file as text, row by row (row 1 is the file's first line)."""

    kind: str
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def read_sheet(content: bytes) -> Sheet:
    if not content.strip():
        raise UnreadableFile(_("The file is empty."), field="file")
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("The file is larger than %(mb)s MB: split it or remove unused sheets.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    if content.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        return _read_workbook(content)
    return _read_csv(content)


def _read_workbook(content: bytes) -> Sheet:
    """The first sheet, read by a child process under a memory limit once its size is checked."""
    kind = "ods" if b"opendocument" in content[:200] else "xlsx"
    if content.startswith(OLE2_MAGIC):
        kind = "xls"
    else:
        _check_size(content)
    result = workbook_child.read_in_child(content)
    if result.failure is not None:
        raise UnreadableFile(
            _(
                "This spreadsheet needs more memory or time than an import may use (%(problem)s). "
                "Delete empty rows and columns and unused sheets, or save it as CSV."
            )
            % {"problem": FAILURES.get(result.failure, result.failure)},
            field="file",
        )
    if result.error == workbook_child.NO_SHEETS:
        raise UnreadableFile(_("The spreadsheet has no sheets."), field="file")
    if result.error is not None or result.rows is None:
        raise UnreadableFile(
            _("This spreadsheet cannot be read (%(problem)s). Save it as XLSX, ODS or CSV again.")
            % {"problem": (result.error or "")[:120]},
            field="file",
        )
    return Sheet(kind=kind, rows=result.rows)


FAILURES = {"memory": "memory", "time": "time", "crash": "the reader stopped"}


def _check_size(content: bytes) -> None:
    try:
        bounds.check_workbook(content)
    except bounds.WorkbookTooLarge as error:
        claim = (
            _("The spreadsheet says its sheet is %(rows)s rows by %(columns)s columns")
            if error.declared
            else _("The spreadsheet's cells reach row %(rows)s and column %(columns)s")
        )
        raise UnreadableFile(
            (
                claim
                + _(
                    ": an import reads at most %(max_rows)s rows, %(max_columns)s columns "
                    "and %(max_cells)s cells. Delete empty rows and columns (or cells far below "
                    "and to the right of the list), or save it as CSV."
                )
            )
            % {
                "rows": error.rows,
                "columns": error.columns,
                "max_rows": bounds.MAX_ROWS,
                "max_columns": bounds.MAX_COLUMNS,
                "max_cells": bounds.MAX_CELLS,
            },
            field="file",
        ) from None
    except bounds.WorkbookMalformed as error:
        raise UnreadableFile(
            _("This spreadsheet cannot be read (%(problem)s). Save it as XLSX, ODS or CSV again.")
            % {"problem": str(error)[:120]},
            field="file",
        ) from None


def _decode(content: bytes) -> tuple[str, list[str]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    if b"\x00" in content:
        raise UnreadableFile(
            _(
                "This is not a text file we can read (it contains NUL bytes, as UTF-16 files "
                "without a byte-order mark do). Save it as “CSV UTF-8”, XLSX or ODS."
            ),
            field="file",
        )
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "The file's characters are neither UTF-8 nor Windows-1252 (Western European). "
                "Save it as “CSV UTF-8”, XLSX or ODS."
            ),
            field="file",
        ) from None
    return text, [
        _(
            "The file is not UTF-8: it was read as Windows-1252 (Western European). Check that "
            "accented letters and £ signs look right below."
        )
    ]


def _read_csv(content: bytes) -> Sheet:
    text, notes = _decode(content)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:4096]):
        raise UnreadableFile(
            _("This does not look like a CSV file. Upload a CSV, XLSX or ODS file."), field="file"
        )
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first_line.count)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if len(rows) >= bounds.MAX_ROWS or len(row) > bounds.MAX_COLUMNS:
                raise UnreadableFile(
                    _(
                        "The file has more than %(rows)s rows or %(columns)s columns in a row: "
                        "an import reads at most that many. Split it into several files."
                    )
                    % {"rows": bounds.MAX_ROWS, "columns": bounds.MAX_COLUMNS},
                    field="file",
                )
            rows.append([unguard(cell.strip()) for cell in row])
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV file is malformed: %(problem)s.") % {"problem": error}, field="file"
        ) from error
    return Sheet(kind="csv", rows=rows, notes=notes)
