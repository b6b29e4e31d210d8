"""How big a workbook really is, found out from its XML before any reader allocates for it.

A spreadsheet reader sizes its grid from what the file says: an XLSX's `<dimension ref=…>` and the
positions of its cells (`r="XFD1048576"`), an ODS's `number-rows-repeated` and
`number-columns-repeated`. A file of a few hundred bytes can so ask for hundreds of gigabytes.
This module streams the ZIP's XML through expat (no tree kept, never more than `MAX_XML_BYTES`
in all, whatever the ZIP's directory claims) and works out the grid the reader would build;
`check_workbook` refuses a grid past the caps below. The reading itself then happens in a child
process with a memory limit (`workbook_child`), so that a file this check does not understand
still cannot take the server down.

Pure Python (zipfile and expat), no Django: the exceptions carry numbers, the caller words them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers.expat import ExpatError, ParserCreate

MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_CELLS = 1_000_000
MAX_XML_BYTES = 100 * 1024 * 1024  # all of a workbook's XML, uncompressed
MAX_ZIP_ENTRIES = 2_000
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

SPREADSHEETML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# What a damaged ZIP makes zipfile raise (a bad header, a bad deflate stream, a bad CRC, a
# method it does not know, a name it cannot decode).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class WorkbookTooLarge(Exception):
    """The grid a reader would build is past the caps (`declared`: the file says so itself)."""

    def __init__(self, *, rows: int, columns: int, declared: bool) -> None:
        super().__init__(f"{rows} rows x {columns} columns")
        self.rows, self.columns, self.declared = rows, columns, declared


class WorkbookMalformed(Exception):
    """The ZIP or its XML cannot be read (or is bigger uncompressed than we read)."""


@dataclass
class Grid:
    rows: int = 0
    columns: int = 0

    def take(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    def check(self, *, declared: bool = False) -> None:
        if (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        ):
            raise WorkbookTooLarge(rows=self.rows, columns=self.columns, declared=declared)


def check_workbook(content: bytes) -> None:
    """Refuse a ZIP workbook (XLSX, ODS) whose grid is past the caps; anything else passes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
    except ZIP_ERRORS as error:
        raise WorkbookMalformed(f"not a readable ZIP file: {error}") from error
    if len(names) > MAX_ZIP_ENTRIES:
        raise WorkbookMalformed("the file holds too many parts")
    budget = [MAX_XML_BYTES]
    try:
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _parse(archive, name, budget, _XlsxSheet())
            elif name == "content.xml":
                _parse(archive, name, budget, _OdsContent())
    except ZIP_ERRORS as error:
        raise WorkbookMalformed(f"a part cannot be unpacked: {error}") from error
    except ExpatError as error:
        raise WorkbookMalformed(f"its XML is malformed: {error}") from error


class _Handler:
    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _parse(archive: zipfile.ZipFile, name: str, budget: list[int], handler: _Handler) -> None:
    """Stream one XML part through `handler`: expat, no tree, at most `budget` bytes in all."""
    parser = ParserCreate(namespace_separator="}")
    parser.StartElementHandler = lambda tag, attributes: handler.start(
        "{" + tag, {("{" + key if "}" in key else key): value for key, value in attributes.items()}
    )
    parser.EndElementHandler = lambda tag: handler.end("{" + tag)
    parser.CharacterDataHandler = handler.text
    with archive.open(name) as stream:
        while chunk := stream.read(64 * 1024):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise WorkbookMalformed("its content is too large once unpacked")
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _position(reference: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of a reference like "XFD1048576"; None for one we cannot read."""
    found = CELL_REF.match(reference.strip())
    if not found:
        return None
    return int(found.group(2)), _column_number(found.group(1))


class _XlsxSheet(_Handler):
    """A worksheet's declared dimension and the position of every cell it lists."""

    def __init__(self) -> None:
        self.grid, self.row, self.column = Grid(), 0, 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == SPREADSHEETML + "dimension":
            declared = Grid()
            for corner in attributes.get("ref", "").split(":"):
                position = _position(corner)
                if position:
                    declared.take(*position)
            declared.check(declared=True)
        elif tag == SPREADSHEETML + "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() and len(number) <= 7 else self.row + 1
            self.column = 0
        elif tag == SPREADSHEETML + "c":
            position = _position(attributes.get("r", ""))
            self.row, self.column = position if position else (self.row, self.column + 1)
            self.grid.take(self.row, self.column)
            self.grid.check()


def _repeat(attributes: dict[str, str], name: str, limit: int) -> int:
    text = attributes.get(TABLE + name, "1")
    if not text.isdigit() or len(text) > 9:
        return limit + 1  # not a count we understand: as big as it gets
    return max(1, int(text))


class _OdsContent(_Handler):
    """Each table's grid as the reader builds it: up to its last cell holding something.

    Empty repeated rows and cells at the end of a table cost nothing (LibreOffice writes a million
    of them in every file); a cell with a value after them, or repeated many times, does.
    """

    CELLS = (TABLE + "table-cell", TABLE + "covered-table-cell")

    def __init__(self) -> None:
        self.grid, self.row, self.row_repeat, self.column = Grid(), 0, 1, 0
        self.in_cell, self.cell_has_value, self.cell_repeat = False, False, 1

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == TABLE + "table":
            self.grid, self.row = Grid(), 0
        elif tag == TABLE + "table-row":
            self.row_repeat = _repeat(attributes, "number-rows-repeated", EXCEL_MAX_ROWS)
            self.column = 0
        elif tag in self.CELLS:
            self.in_cell = True
            self.cell_repeat = _repeat(attributes, "number-columns-repeated", EXCEL_MAX_COLUMNS)
            self.cell_has_value = OFFICE + "value-type" in attributes
        elif self.in_cell:
            self.cell_has_value = True  # a paragraph, an annotation: something the reader keeps

    def text(self, data: str) -> None:
        if self.in_cell and data.strip():
            self.cell_has_value = True

    def end(self, tag: str) -> None:
        if tag in self.CELLS:
            self.in_cell = False
            self.column += self.cell_repeat
            if self.cell_has_value:
                self.grid.take(self.row + self.row_repeat, self.column)
                self.grid.check()
        elif tag == TABLE + "table-row":
            self.row += self.row_repeat
