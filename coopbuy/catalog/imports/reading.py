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
from datetime import date, datetime, time

from django.utils.translation import gettext as _

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


FORMULA_STARTS = ("=", "+", "-", "@")


def guard(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula ("'=..." for "=...")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """The inverse of `guard`, applied to every cell read from CSV."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees (12.0 is "12", True is "yes")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _read_workbook(content: bytes) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise UnreadableFile(_("The spreadsheet has no sheets."), field="file")
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except Exception as error:  # calamine raises its own errors and ValueError for bad files
        raise UnreadableFile(
            _("This spreadsheet cannot be read (%(problem)s). Save it as XLSX, ODS or CSV again.")
            % {"problem": str(error)[:120]},
            field="file",
        ) from error
    kind = "ods" if b"opendocument" in content[:200] else "xlsx"
    if content.startswith(OLE2_MAGIC):
        kind = "xls"
    return Sheet(kind=kind, rows=[[cell_text(v) for v in row] for row in values])


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
    try:
        rows = [
            [unguard(cell.strip()) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV file is malformed: %(problem)s.") % {"problem": error}, field="file"
        ) from error
    return Sheet(kind="csv", rows=rows, notes=notes)
