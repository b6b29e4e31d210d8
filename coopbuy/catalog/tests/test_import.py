"""Importing price lists: formats, the preview, applying, re-importing, and files that are wrong."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.catalog import services
from coopbuy.catalog.imports.reading import UnreadableFile
from coopbuy.catalog.models import CatalogImport, PriceTier, Product
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import csv_bytes, ods_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"

HEADER = ["SKU", "Name", "Category", "Unit", "Case Size", "Unit_Price", "VAT_rate", "Tiers"]
ROWS = [
    ["OAT-25", "Porridge oats", "Cereals", "1 kg bag", 6, 2.15, 0, "4:2.05;10:1.95"],
    ["LEN-R", "Red lentils", "Pulses", "500 g bag", 12, 1.45, 0, ""],
    ["ECO-WU", "Washing-up liquid", "Cleaning", "5 l", 1, 9.95, 20, ""],
]


def preview(shop: Shop, content: bytes, filename: str = "list.csv") -> CatalogImport:
    return services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename=filename, content=content
    )


def apply(shop: Shop, content: bytes, filename: str = "list.csv") -> services.ImportSummary:
    catalog_import = preview(shop, content, filename)
    assert catalog_import.errors == []
    return services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)


def snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("pk").values_list(
            "sku", "name", "unit_price", "case_size", "is_available", "vat_rate"
        )
    ) + list(PriceTier.objects.order_by("pk").values_list("product_id", "min_cases", "unit_price"))


def check_three_products() -> None:
    oats = Product.objects.get(sku="OAT-25")
    assert (oats.name, oats.category, oats.unit_description) == (
        "Porridge oats",
        "Cereals",
        "1 kg bag",
    )
    assert (oats.case_size, oats.unit_price, oats.vat_rate) == (6, Decimal("2.15"), 0)
    assert list(oats.price_tiers.values_list("min_cases", "unit_price")) == [
        (4, Decimal("2.05")),
        (10, Decimal("1.95")),
    ]
    assert Product.objects.get(sku="ECO-WU").vat_rate == Decimal("0.2000")
    assert Product.objects.get(sku="LEN-R").case_size == 12


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        (lambda rows: csv_bytes(rows), "list.csv"),
        (lambda rows: csv_bytes(rows, delimiter=";"), "list.csv"),
        (lambda rows: csv_bytes(rows, delimiter="\t"), "list.txt"),
        (lambda rows: "\ufeff".encode() + csv_bytes(rows), "bom.csv"),
        (xlsx_bytes, "list.xlsx"),
        (ods_bytes, "list.ods"),
    ],
    ids=["comma", "semicolon", "tab", "utf8-bom", "xlsx", "ods"],
)
def test_every_format_gives_the_same_catalogue(shop: Shop, make, filename: str) -> None:
    catalog_import = preview(shop, make([HEADER, *ROWS]), filename)
    assert catalog_import.file_format == "coopbuy"
    assert catalog_import.counts == {"new": 3, "changed": 0, "vanished": 0}
    assert Product.objects.count() == 0  # the preview saves no product
    summary = services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)
    assert (summary.created, summary.updated, summary.made_unavailable) == (3, 0, 0)
    check_three_products()


def test_the_preview_survives_a_reload_and_cannot_be_applied_twice(shop: Shop) -> None:
    first = preview(shop, csv_bytes([HEADER, *ROWS]))
    reloaded = CatalogImport.objects.get(pk=first.pk)
    assert reloaded.counts["new"] == 3 and reloaded.uploaded_by == shop.coordinator
    services.catalog_import_apply(catalog_import=reloaded, actor=shop.coordinator)
    with pytest.raises(services.CatalogError, match="already applied"):
        services.catalog_import_apply(catalog_import=reloaded, actor=shop.coordinator)
    assert AuditEvent.objects.filter(action="catalog.imported").count() == 1


def test_reimport_updates_by_sku_adds_new_and_makes_vanished_unavailable(shop: Shop) -> None:
    apply(shop, csv_bytes([HEADER, *ROWS]))
    lentils = Product.objects.get(sku="LEN-R")
    changed_rows = [
        ["OAT-25", "Porridge oats", "Cereals", "1 kg bag", 6, "2.25", 0, "4:2.15"],
        ["ECO-WU", "Washing-up liquid", "Cleaning", "5 l", 1, 9.95, 20, ""],
        ["RICE-BR", "Brown rice", "Grains", "2 kg bag", 5, 4.10, 0, ""],
    ]
    catalog_import = preview(shop, csv_bytes([HEADER, *changed_rows]))
    changes = catalog_import.changes
    assert [n["sku"] for n in changes["new"]] == ["RICE-BR"]
    assert [v["sku"] for v in changes["vanished"]] == ["LEN-R"]
    [oats] = changes["changed"]
    assert oats["sku"] == "OAT-25"
    assert ["unit_price", "2.15", "2.25"] in oats["fields"]
    assert ["tiers", [[4, "2.05"], [10, "1.95"]], [[4, "2.15"]]] in oats["fields"]
    summary = services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)
    assert (summary.created, summary.updated, summary.made_unavailable) == (1, 1, 1)
    lentils.refresh_from_db()
    assert lentils.is_available is False  # kept, never deleted: rounds refer to it
    oats_product = Product.objects.get(sku="OAT-25")
    assert oats_product.unit_price == Decimal("2.25")
    assert list(oats_product.price_tiers.values_list("min_cases", flat=True)) == [4]
    assert Product.objects.count() == 4


def test_a_listed_product_comes_back_and_absent_columns_keep_their_values(shop: Shop) -> None:
    shop.product("LEN-R", origin="Turkey", is_available=False, retail_unit_price=Decimal("1.99"))
    apply(
        shop,
        csv_bytes(
            [["sku", "name", "case_size", "unit_price"], ["LEN-R", "Red lentils", 12, "1.45"]]
        ),
    )
    lentils = Product.objects.get(sku="LEN-R")
    assert lentils.is_available is True
    assert (lentils.origin, lentils.retail_unit_price) == ("Turkey", Decimal("1.99"))


def test_a_preview_made_before_the_catalogue_changed_is_not_applied(shop: Shop) -> None:
    shop.product("OAT-25", unit_price=Decimal("2.00"))
    stale = preview(shop, csv_bytes([HEADER, *ROWS]))
    shop.product("OAT-25", unit_price=Decimal("2.10"))  # someone edits it meanwhile
    before = snapshot()
    with pytest.raises(services.ImportOutdated):
        services.catalog_import_apply(catalog_import=stale, actor=shop.coordinator)
    assert snapshot() == before
    fresh = services.catalog_import_refresh(catalog_import=stale, actor=shop.coordinator)
    [oats] = fresh.changes["changed"]
    assert ["unit_price", "2.10", "2.15"] in oats["fields"]
    services.catalog_import_apply(catalog_import=fresh, actor=shop.coordinator)
    assert Product.objects.get(sku="OAT-25").unit_price == Decimal("2.15")


def test_the_foodsoft_article_file_is_read_with_its_units_and_prices(shop: Shop) -> None:
    catalog_import = preview(shop, (DATA / "foodsoft_articles.csv").read_bytes(), "articles.csv")
    assert catalog_import.file_format == "foodsoft"
    assert catalog_import.errors == []
    assert any("Windows-1252" in w for w in catalog_import.warnings)  # Foodsoft writes ISO-8859-15
    services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)
    by_sku = {p.sku: p for p in Product.objects.all()}
    assert len(by_sku) == 6
    walnuts = by_sku["29932"]
    assert (walnuts.name, walnuts.unit_description, walnuts.case_size) == (
        "Walnuts (unroasted)",
        "kg",
        1,
    )
    assert (walnuts.unit_price, walnuts.note, walnuts.origin) == (
        Decimal("12.34"),
        "organic",
        "Veluwe, NL",
    )
    assert (walnuts.category, walnuts.manufacturer) == ("Nuts", "Het grote bomenbos")
    pine = by_sku["28391"]
    assert (pine.case_size, pine.unit_price, pine.unit_description) == (10, Decimal("5.56"), "100g")
    juice = by_sku["1829"]
    assert juice.deposit == Decimal("0.40")  # a decimal comma, as German spreadsheets write it
    tomatoes = by_sku["177813"]
    assert (tomatoes.is_available, tomatoes.unit_price, tomatoes.case_size) == (
        False,
        Decimal("0.89"),
        12,
    )
    muesli = by_sku["5001"]
    assert muesli.name == "Bircher Müsli"
    # 17.70 per box of 6 bags: 2.95 per bag, the unit members order
    assert (muesli.case_size, muesli.unit_price, muesli.unit_description) == (
        6,
        Decimal("2.95"),
        "750 g bag",
    )
    assert by_sku["6002"].vat_rate == Decimal("0.2000")


def test_foodsoft_files_in_utf8_are_read_without_a_warning(shop: Shop) -> None:
    text = (DATA / "foodsoft_articles.csv").read_bytes().decode("iso-8859-15")
    catalog_import = preview(shop, text.encode("utf-8"))
    assert catalog_import.warnings == [] and catalog_import.counts["new"] == 6
    assert catalog_import.changes["new"][4]["name"] == "Bircher Müsli"


def test_a_windows_1252_csv_is_read_and_says_so(shop: Shop) -> None:
    content = csv_bytes(
        [["sku", "name", "case_size", "unit_price"], ["CAF", "Café crème £", 1, "3.00"]],
        encoding="cp1252",
    )
    catalog_import = preview(shop, content)
    assert catalog_import.changes["new"][0]["name"] == "Café crème £"
    assert catalog_import.warnings


def errors_of(shop: Shop, content: bytes) -> list[tuple]:
    catalog_import = preview(shop, content)
    assert catalog_import.status == CatalogImport.Status.INVALID
    with pytest.raises(services.CatalogError):
        services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)
    return [(e["row"], e["column"]) for e in catalog_import.errors]


def test_bad_rows_are_all_reported_with_row_and_column_and_nothing_is_saved(shop: Shop) -> None:
    shop.product("KEEP", unit_price=Decimal("1.00"))
    before = snapshot()
    content = csv_bytes(
        [
            ["sku", "name", "case_size", "unit_price", "vat_rate", "tiers", "available"],
            ["A1", "Oats", "twelve", "2.10", "0", "", "yes"],
            ["A2", "Rice", "0", "-1.00", "20", "", "yes"],
            ["A3", "", "6", "2.10", "0.2", "1:2.00", "perhaps"],
            ["A1", "Oats again", "6", "2.10", "0", "", ""],
            ["", "No sku", "6", "abc", "0", "", ""],
            ["KEEP", "Fine", "6", "2.10", "0", "", ""],
        ]
    )
    assert errors_of(shop, content) == [
        (2, "case_size"),
        (3, "case_size"),
        (3, "unit_price"),
        (4, "available"),
        (4, "name"),
        (4, "tiers"),
        (4, "vat_rate"),
        (5, "sku"),
        (6, "sku"),
        (6, "unit_price"),
    ]
    assert snapshot() == before


def test_error_messages_say_what_is_wrong(shop: Shop) -> None:
    content = csv_bytes(
        [["sku", "name", "case_size", "unit_price"], ["A", "B", "6", "abc"], ["A", "C", "6", "1"]]
    )
    catalog_import = preview(shop, content)
    messages = [e["message"] for e in catalog_import.errors]
    assert messages == ["“abc” is not a number", "the SKU A is also on row 2"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (csv_bytes([["code", "title", "price"], ["A", "B", "1"]]), "lacks the columns"),
        (b"sku,name,case_size,unit_price\r\n", "no products"),
        (b"\r\n\r\n", "empty"),
        (
            csv_bytes([["sku", "name", "case_size", "unit_price"], ["A", "B", "1", "1", "extra"]]),
            "more cells",
        ),
    ],
    ids=["wrong-columns", "header-only", "blank-lines", "extra-cells"],
)
def test_files_with_the_wrong_shape_are_refused(shop: Shop, content: bytes, problem: str) -> None:
    try:
        catalog_import = preview(shop, content)
    except UnreadableFile as error:
        assert problem in error.message
    else:
        assert problem in catalog_import.errors[0]["message"]
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        ("sku,name,case_size,unit_price\r\nA,B,1,1\r\n".encode("utf-16-le"), "NUL"),
        (b"sku,name,case_size,unit_price\r\nA,\x81\x8d\x90,1,1\r\n", "neither UTF-8"),
        (b"PK\x03\x04 not really a workbook", "cannot be read"),
    ],
    ids=["empty", "utf16-without-bom", "undefined-bytes", "broken-xlsx"],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    shop: Shop, content: bytes, problem: str
) -> None:
    with pytest.raises(UnreadableFile, match=problem):
        preview(shop, content)
    assert CatalogImport.objects.count() == 0


def test_utf16_with_a_byte_order_mark_is_read(shop: Shop) -> None:
    content = "sku\tname\tcase_size\tunit_price\r\nA\tÄpfel\t1\t1,50\r\n".encode("utf-16")
    catalog_import = preview(shop, content)
    assert catalog_import.changes["new"][0] == {
        "row": 2,
        "sku": "A",
        "name": "Äpfel",
        "case_size": 1,
        "unit_price": "1.50",
    }


def test_only_coordinators_preview_and_apply(shop: Shop) -> None:
    from coopbuy.groups.permissions import AccessDenied

    with pytest.raises(AccessDenied):
        services.catalog_import_preview(
            supplier=shop.supplier, actor=shop.member, filename="x.csv", content=b"sku"
        )
    catalog_import = preview(shop, csv_bytes([HEADER, *ROWS]))
    with pytest.raises(AccessDenied):
        services.catalog_import_apply(catalog_import=catalog_import, actor=shop.member)
    assert Product.objects.count() == 0


def test_a_foodsoft_file_saved_as_xlsx_reads_the_same_as_its_csv(shop: Shop) -> None:
    text = (DATA / "foodsoft_articles.csv").read_bytes().decode("iso-8859-15")
    rows: list[list[object]] = [list(line.split(";")) for line in text.splitlines()]
    for row in rows[1:]:  # a spreadsheet stores numbers as numbers
        row[1] = int(str(row[1]))
        row[10] = float(str(row[10]).replace(",", "."))
    from_csv = preview(shop, text.encode())
    from_xlsx = preview(shop, xlsx_bytes(rows), "articles.xlsx")
    assert from_xlsx.file_format == "foodsoft" and from_xlsx.errors == []
    assert from_xlsx.rows == from_csv.rows


def test_title_rows_above_the_header_are_skipped_with_a_note(shop: Shop) -> None:
    content = xlsx_bytes([["Suma price list, March"], [], [*HEADER], *ROWS])
    catalog_import = preview(shop, content, "suma.xlsx")
    assert catalog_import.errors == [] and catalog_import.counts["new"] == 3
    assert any("row 3" in warning for warning in catalog_import.warnings)
    assert catalog_import.changes["new"][0]["row"] == 4


def test_case_limits_are_checked_against_the_product_as_it_will_be(shop: Shop) -> None:
    shop.product("OAT-25", min_cases=1)
    content = csv_bytes(
        [["sku", "name", "case_size", "unit_price", "max_cases"], ["OAT-25", "Oats", 6, "2", 3]]
    )
    catalog_import = preview(shop, content)
    assert catalog_import.errors == []
    shop.product("OAT-25", min_cases=4)  # meanwhile the minimum rises above the file's maximum
    with pytest.raises(services.ImportOutdated):
        services.catalog_import_apply(catalog_import=catalog_import, actor=shop.coordinator)
    refreshed = services.catalog_import_refresh(
        catalog_import=catalog_import, actor=shop.coordinator
    )
    assert refreshed.status == CatalogImport.Status.INVALID
    assert [(e["row"], e["column"]) for e in refreshed.errors] == [(2, "max_cases")]
    assert Product.objects.get(sku="OAT-25").max_cases is None
    fresh = preview(shop, content)
    assert fresh.errors[0]["message"] == "is smaller than min_cases"


FOODSOFT_HEAD = (DATA / "foodsoft_articles.csv").read_bytes().decode("iso-8859-15").splitlines()[0]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # supplier order unit, unit, ratios, granularity, group order unit, price, price unit
        (["Box", "", "6 bag", "1", "bag", "0", "Box"], {"case_size": 6, "unit_price": "0.00"}),
        (
            ["Box", "", "12 Piece, 0.5 kg", "1", "Piece", "4.00", "kg"],
            {"case_size": 12, "unit_price": "2.00"},
        ),  # 4.00 a kg, 0.5 kg a piece
        (["kg", "", "", "5", "", "3.10", ""], {"case_size": 5, "unit_price": "3.10"}),
        (["Box", "", "10 Piece", "1", "", "9.99", "Box"], {"case_size": 10, "unit_price": "1.00"}),
    ],
)
def test_foodsoft_units_give_the_case_size_and_the_price_per_member_unit(
    shop: Shop, cells: list[str], expected: dict
) -> None:
    order_unit, unit, ratios, granularity, group_unit, price, price_unit = cells
    line = ";".join(
        [
            "Yes",
            "X1",
            "Thing",
            order_unit,
            unit,
            ratios,
            "",
            "",
            granularity,
            group_unit,
            price,
            price_unit,
            "0",
            "0",
            "",
            "",
            "",
            "",
        ]
    )
    catalog_import = preview(shop, f"{FOODSOFT_HEAD}\n{line}\n".encode())
    assert catalog_import.errors == []
    new = catalog_import.changes["new"][0]
    assert {key: new[key] for key in expected} == expected


def test_foodsoft_ratios_that_split_a_unit_are_refused(shop: Shop) -> None:
    line = "Yes;X1;Cheese;Piece;;0.5 kg;;;1;kg;9.00;kg;0;0;;;;"
    catalog_import = preview(shop, f"{FOODSOFT_HEAD}\n{line}\n".encode())
    assert [(e["row"], e["column"]) for e in catalog_import.errors] == [(2, "ratios")]
