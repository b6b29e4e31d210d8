"""Hypothesis strategies for hostile files: cells, CSV text, workbook XML, bank statements."""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

from coopbuy.catalog.imports.formats import COLUMNS, FOODSOFT_HEADERS
from coopbuy.catalog.tests import hostile

# Cells a price list or a statement may hold, and the ones made to hurt.
nasty_cells = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1,50",
        "1.234,56",
        "1,234.56",
        "12.00-",
        "1e999999",
        "NaN",
        "inf",
        "9" * 40,
        "0." + "0" * 30 + "1",
        "=cmd|' /C calc'!A0",
        "+1",
        "@SUM(A1)",
        "'=1",
        "\ud800",
        "\x00",
        "\r",
        "\t=1",
        '"',
        '""',
        "é€£",
        "€ 3,50",
        "£1",
        "3:2.90;10:2.75",
        "4:",
        ":",
        ";;",
        "x" * 300,
        "yes",
        "no",
        "1/2",
        "31/02/2026",
        "2026-03-31",
        "CB-ABC-0001",
    ]
)
cells = st.one_of(
    nasty_cells,
    st.text(max_size=12),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@st.composite
def catalogue_csv(draw: st.DrawFn) -> bytes:
    """A header of coopbuy's (and unknown) columns, then rows of any cells."""
    header = draw(
        st.lists(st.sampled_from([*COLUMNS, "junk", "", "SKU ", "Unit_Price"]), max_size=12)
    )
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    text = csv_text([header, *rows], delimiter)
    return (
        text.encode(encoding, errors="replace")
        if encoding != "utf-16"
        else text.encode("utf-16", errors="surrogatepass")
    )


@st.composite
def foodsoft_csv(draw: st.DrawFn) -> bytes:
    rows = draw(st.lists(st.lists(cells, min_size=10, max_size=19), min_size=1, max_size=6))
    return csv_text([list(FOODSOFT_HEADERS), *rows], ";").encode("utf-8", errors="surrogatepass")


references = st.one_of(
    st.sampled_from(["A1", "XFD1048576", "$A$1", "ZZZZ1", "A0", "A99999999", "", "1A", "A1:B2"]),
    st.builds(
        lambda column, row: f"{column}{row}",
        st.text(alphabet="ABCXYZ", min_size=1, max_size=3),
        st.integers(min_value=0, max_value=10**9),
    ),
)


@st.composite
def xlsx_workbook(draw: st.DrawFn) -> bytes:
    """A tiny XLSX whose dimension and cell positions are anything at all."""
    dimension = draw(
        st.one_of(references, st.builds(lambda a, b: f"{a}:{b}", references, references))
    )
    cells_xml = "".join(
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for row, ref, text in draw(
            st.lists(
                st.tuples(
                    st.one_of(
                        st.integers(min_value=-1, max_value=2_000_000).map(str), st.just("x")
                    ),
                    references,
                    st.sampled_from(["sku", "name", "1", "&amp;", ""]),
                ),
                max_size=5,
            )
        )
    )
    return hostile.xlsx(dimension=dimension, cells=cells_xml)


repeat = st.one_of(
    st.integers(min_value=0, max_value=2_000_000).map(str), st.sampled_from(["-1", "x", "1e9", ""])
)


@st.composite
def ods_workbook(draw: st.DrawFn) -> bytes:
    """A tiny ODS whose repeated-row and repeated-column counts are anything at all."""
    rows = []
    for rows_repeated, columns_repeated, text in draw(
        st.lists(st.tuples(repeat, repeat, st.sampled_from(["", "sku", "2.50"])), max_size=4)
    ):
        value = (
            f'office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
            if text
            else "/>"
        )
        cell = f'<table:table-cell table:number-columns-repeated="{columns_repeated}" {value}'
        rows.append(
            f'<table:table-row table:number-rows-repeated="{rows_repeated}">{cell}'
            "</table:table-row>"
        )
    return hostile.ods("".join(rows))


def corrupted(content: bytes) -> st.SearchStrategy[bytes]:
    """`content` truncated, or with a few bytes changed."""
    flips = st.lists(
        st.tuples(st.integers(0, len(content) - 1), st.integers(0, 255)), min_size=1, max_size=4
    )

    def flip(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(content)
        for index, value in changes:
            data[index] = value
        return bytes(data)

    return st.one_of(st.integers(0, len(content)).map(lambda n: content[:n]), flips.map(flip))


@st.composite
def bank_statement(draw: st.DrawFn) -> tuple[bytes, dict[str, int | None], str, str]:
    """A statement file, a column mapping, a date format and a decimal separator."""
    width = draw(st.integers(min_value=1, max_value=6))
    header = draw(st.lists(cells, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cells, max_size=width + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    content = csv_text([header, *rows], delimiter).encode(
        draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), errors="replace"
    )
    column = st.one_of(st.none(), st.integers(min_value=-1, max_value=width + 1))
    mapping = {
        name: draw(column) for name in ("date", "amount", "reference", "counterparty", "bank_id")
    }
    date_format = draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%B", "nonsense"]))
    separator = draw(st.sampled_from(["auto", ".", ",", ";"]))
    return content, mapping, date_format, separator
