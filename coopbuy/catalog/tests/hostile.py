"""Spreadsheets made to hurt a reader, built byte by byte (copies kept in data/hostile/).

Each is tiny on disk and asks a naive reader for gigabytes: `xlsx_far_cell` lists a cell at
XFD1048576 (python-calamine 0.9 then asks for 512 GiB), `xlsx_huge_dimension` declares that size in
its `<dimension>` record, `ods_repeated_rows` repeats an empty row a million times before a cell
with a value (32 GiB).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "hostile"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
        'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
    'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-'
    f'path="/" manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry manifest:full-path='
    '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:'
    'tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:'
    '1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table>'
    "</office:spreadsheet></office:body></office:document-content>"
)
A_CELL = '<table:table-cell office:value-type="string"><text:p>sku</text:p></table:table-cell>'


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            if name != "mimetype":
                info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def xlsx(*, dimension: str, cells: str) -> bytes:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData>'
        "</worksheet>"
    )
    return _zip({**XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet})


def ods(rows: str) -> bytes:
    return _zip(
        {
            "mimetype": ODS_MIMETYPE,
            "META-INF/manifest.xml": ODS_MANIFEST,
            "content.xml": ODS_CONTENT.format(rows=rows),
        }
    )


def _inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_far_cell() -> bytes:
    return xlsx(
        dimension="A1",
        cells=f'<row r="1">{_inline("A1", "sku")}</row>'
        f'<row r="1048576">{_inline("XFD1048576", "x")}</row>',
    )


def xlsx_huge_dimension() -> bytes:
    return xlsx(dimension="A1:XFD1048576", cells=f'<row r="1">{_inline("A1", "sku")}</row>')


def ods_repeated_rows() -> bytes:
    return ods(
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell/>'
        "</table:table-row>"
        f'<table:table-row><table:table-cell table:number-columns-repeated="1023"/>{A_CELL}'
        "</table:table-row>"
    )


def ods_repeated_values() -> bytes:
    return ods(f'<table:table-row table:number-rows-repeated="1048576">{A_CELL}</table:table-row>')


HOSTILE = {
    "far-cell.xlsx": xlsx_far_cell,
    "huge-dimension.xlsx": xlsx_huge_dimension,
    "repeated-rows.ods": ods_repeated_rows,
    "repeated-values.ods": ods_repeated_values,
}


def write_corpus() -> None:
    """Rewrite data/hostile/ from the builders above (`python -m coopbuy.catalog.tests.hostile`)."""
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, build in HOSTILE.items():
        (CORPUS / name).write_bytes(build())


if __name__ == "__main__":
    write_corpus()
