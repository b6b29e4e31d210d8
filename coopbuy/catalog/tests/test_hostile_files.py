"""Spreadsheets made to exhaust memory: refused with a clear message, and the server lives on.

The files are built in `hostile.py` (copies in data/hostile/, also read by the fuzz tests). Each
would make python-calamine ask for tens or hundreds of gigabytes and abort the process: the size
check refuses them before any reader runs, and the child process's memory limit stops what the check
might miss.
"""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coopbuy.catalog.imports import bounds, workbook_child
from coopbuy.catalog.imports.reading import UnreadableFile, read_sheet
from coopbuy.catalog.models import CatalogImport, Product
from coopbuy.catalog.tests import hostile
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import csv_bytes, ods_bytes, xlsx_bytes


@pytest.mark.parametrize("name", sorted(hostile.HOSTILE))
def test_the_corpus_is_what_the_builders_make(name: str) -> None:
    assert (hostile.CORPUS / name).read_bytes() == hostile.HOSTILE[name]()
    assert len(hostile.HOSTILE[name]()) < 1600  # a few hundred bytes each


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("far-cell.xlsx", "cells reach row 1048576 and column 16384"),
        ("huge-dimension.xlsx", "says its sheet is 1048576 rows by 16384 columns"),
        ("repeated-rows.ods", "cells reach row 1048576 and column 1024"),
        ("repeated-values.ods", "cells reach row 1048576 and column 1"),
    ],
)
def test_a_hostile_workbook_is_refused_by_its_size_before_it_is_read(
    name: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reader(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reader must not run")

    monkeypatch.setattr(workbook_child, "read_in_child", no_reader)
    with pytest.raises(UnreadableFile, match=problem) as refused:
        read_sheet((hostile.CORPUS / name).read_bytes())
    assert "at most 100000 rows, 256 columns and 1000000 cells" in refused.value.message


@pytest.mark.parametrize("name", ["far-cell.xlsx", "repeated-rows.ods"])
def test_the_child_process_survives_what_the_size_check_would_let_through(name: str) -> None:
    """Without the check, calamine aborts on these: the child does, the parent reports it."""
    parent = os.getpid()
    result = workbook_child.read_in_child(
        (hostile.CORPUS / name).read_bytes(), memory_limit=512 * 1024 * 1024
    )
    assert result.failure == "memory" and result.rows is None
    assert os.getpid() == parent


def test_a_reader_failure_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "check_workbook", lambda content: None)
    with pytest.raises(UnreadableFile, match="needs more memory or time than an import may use"):
        read_sheet(hostile.xlsx_far_cell())


def test_a_slow_reader_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    result = workbook_child.read_in_child(xlsx_bytes([["sku"]]), timeout=0.001)
    assert result.failure == "time"


def test_an_ordinary_workbook_is_read_in_the_child() -> None:
    header: list[object] = ["sku", "name", "case_size", "unit_price"]
    rows: list[list[object]] = [header, ["OAT", "Oats", 6, 2.15]]
    for content in (xlsx_bytes(rows), ods_bytes(rows)):
        assert read_sheet(content).rows == [header, ["OAT", "Oats", "6", "2.15"]]


def test_libreoffice_s_million_empty_trailing_rows_cost_nothing() -> None:
    """Every LibreOffice file ends its sheet with a repeated empty row: not a reason to refuse."""
    content = hostile.ods(
        f"<table:table-row>{hostile.A_CELL}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    assert read_sheet(content).rows == [["sku"]]


def test_a_workbook_that_unpacks_past_the_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bounds, "MAX_XML_BYTES", 2000)
    cells = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 200))
    with pytest.raises(UnreadableFile, match="too large once unpacked"):
        read_sheet(hostile.xlsx(dimension="A1:A199", cells=cells))


def test_a_csv_past_the_row_or_column_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_ROWS", 3)
    with pytest.raises(UnreadableFile, match="more than 3 rows"):
        read_sheet(csv_bytes([["sku"], ["a"], ["b"], ["c"]]))
    with pytest.raises(UnreadableFile, match="256 columns"):
        read_sheet(b"," * 300)


@pytest.mark.django_db
def test_a_hostile_upload_on_the_web_says_why_and_saves_nothing(shop: Shop) -> None:
    client = Client()
    client.force_login(shop.coordinator)
    url = reverse("catalog:import_upload", args=[shop.group.slug, shop.supplier.pk])
    for name in sorted(hostile.HOSTILE):
        content = (hostile.CORPUS / name).read_bytes()
        page = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert page.status_code == 200 and "an import reads at most" in page.text
    assert CatalogImport.objects.count() == 0 and Product.objects.count() == 0


def test_a_damaged_deflate_stream_is_an_unreadable_file_not_a_crash() -> None:
    """Found by the fuzzer: a flipped byte inside a compressed part raised zlib.error."""
    content = xlsx_bytes([["sku", "name", "case_size", "unit_price"], ["OAT", "Oats", 6, 2.15]])
    outcomes = set()
    for position in range(100, len(content) - 200, max(1, (len(content) - 300) // 40)):
        damaged = content[:position] + bytes([content[position] ^ 0xFF]) + content[position + 1 :]
        try:
            read_sheet(damaged)
        except UnreadableFile as error:
            outcomes.add("refused")
            assert "cannot be read" in error.message or "memory" in error.message
        else:
            outcomes.add("read")
    assert "refused" in outcomes
