"""`coopbuy import-catalog` (the import_catalog command) and the CSV export's round trip."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coopbuy.catalog import services
from coopbuy.catalog.export import export_csv
from coopbuy.catalog.imports.changes import catalog_state
from coopbuy.catalog.models import CatalogImport, Product, Supplier
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
ROWS: list[list[object]] = [
    ["sku", "name", "case_size", "unit_price", "vat_rate"],
    ["OAT-25", "Porridge oats", 6, "2.15", "0"],
    ["ECO-WU", "Washing-up liquid", 1, "9.95", "20"],
]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_the_command_previews_then_applies(shop: Shop, tmp_path: Path) -> None:
    shop.product("GONE", name="Discontinued crisps")
    path = write(tmp_path, "suma.xlsx", xlsx_bytes(ROWS))
    out, _err = run("--group", shop.group.slug, "--supplier", "suma", path)
    assert "suma.xlsx (coopbuy format) for suma: 2 new, 0 changed, 1 vanished." in out
    assert "vanished GONE Discontinued crisps" in out
    assert "Imported: 2 new, 0 changed, 1 made unavailable." in out
    assert Product.objects.get(sku="ECO-WU").vat_rate == Decimal("0.2000")
    assert Product.objects.get(sku="GONE").is_available is False
    assert CatalogImport.objects.get().status == "applied"


def test_a_dry_run_saves_nothing(shop: Shop, tmp_path: Path) -> None:
    path = write(tmp_path, "suma.csv", csv_bytes(ROWS))
    out, _err = run("--group", shop.group.slug, "--supplier", "Suma", "--dry-run", path)
    assert "2 new, 0 changed, 0 vanished" in out and "Dry run: nothing was saved." in out
    assert Product.objects.count() == 0 and CatalogImport.objects.count() == 0


def test_errors_are_listed_by_row_and_nothing_is_saved(shop: Shop, tmp_path: Path) -> None:
    bad: list[list[object]] = [*ROWS, ["OAT-25", "Oats again", "six", "-1", "0"]]
    path = write(tmp_path, "bad.csv", csv_bytes(bad))
    with pytest.raises(CommandError) as caught:
        run("--group", shop.group.slug, "--supplier", "Suma", path)
    message = str(caught.value)
    assert "bad.csv has 3 problem(s); nothing was saved" in message
    assert "row 4, case_size: “six” is not a number" in message
    assert "row 4, unit_price: must not be negative" in message
    assert "row 4, sku: the SKU OAT-25 is also on row 2" in message
    assert Product.objects.count() == 0 and CatalogImport.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--group", "nowhere", "--supplier", "Suma"], "no group with the address “nowhere”"),
        (["--supplier", "Infinity"], "has no supplier called “Infinity”"),
        (["--supplier", "Suma", "--actor", "nobody@example.org"], "is not a coordinator"),
    ],
)
def test_unknown_groups_suppliers_and_actors_are_refused(
    shop: Shop, tmp_path: Path, args: list[str], problem: str
) -> None:
    path = write(tmp_path, "suma.csv", csv_bytes(ROWS))
    if "--group" not in args:
        args = ["--group", shop.group.slug, *args]
    with pytest.raises(CommandError, match=problem):
        run(*args, path)
    assert Product.objects.count() == 0


def test_unreadable_and_missing_files_are_command_errors(shop: Shop, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run("--group", shop.group.slug, "--supplier", "Suma", str(tmp_path / "missing.csv"))
    path = write(tmp_path, "utf16.csv", "sku,name".encode("utf-16-le"))
    with pytest.raises(CommandError, match="NUL bytes"):
        run("--group", shop.group.slug, "--supplier", "Suma", path)


def test_create_supplier_adds_a_missing_supplier(shop: Shop, tmp_path: Path) -> None:
    path = write(tmp_path, "infinity.csv", csv_bytes(ROWS))
    out, _err = run(
        "--group", shop.group.slug, "--supplier", "Infinity Foods", "--create-supplier", path
    )
    supplier = Supplier.objects.get(group=shop.group, name="Infinity Foods")
    assert "Added the supplier Infinity Foods." in out and supplier.products.count() == 2


def test_an_export_imports_again_without_any_change(shop: Shop) -> None:
    shop.product(
        "PB-1",
        name="Peanut butter, smooth “organic”",
        category="Spreads",
        unit_description="1 kg jar",
        case_size=6,
        unit_price=Decimal("4.20"),
        vat_rate=Decimal("0.0500"),
        deposit=Decimal("0.10"),
        retail_unit_price=Decimal("6.49"),
        origin="Argentina",
        manufacturer="Meridian",
        note="=HYPERLINK(1) is text here, not a formula",
        weight_grams=1000,
        min_cases=1,
        max_cases=10,
        tiers=[(3, Decimal("4.00")), (10, Decimal("3.85"))],
    )
    shop.product("ECO-5L", name="Laundry liquid; refill, “5 l”", vat_rate=Decimal("0.2"))
    services.product_set_available(
        product=Product.objects.get(sku="ECO-5L"), actor=shop.coordinator, available=False
    )
    before = catalog_state(shop.supplier)
    exported = export_csv(shop.supplier)
    assert exported.startswith("\ufeff".encode())
    assert b"'=HYPERLINK(1) is text here" in exported
    catalog_import = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="export.csv", content=exported
    )
    assert catalog_import.errors == []
    assert catalog_import.counts == {"new": 0, "changed": 0, "vanished": 0}
    # Into an empty supplier, the same file recreates the same catalogue.
    other = services.supplier_create(group=shop.group, actor=shop.coordinator, name="Copy")
    copy = services.catalog_import_preview(
        supplier=other, actor=shop.coordinator, filename="export.csv", content=exported
    )
    services.catalog_import_apply(catalog_import=copy, actor=shop.coordinator)

    def without_pk(state: dict) -> dict:
        return {
            sku: {k: v for k, v in values.items() if k != "pk"} for sku, values in state.items()
        }

    assert without_pk(catalog_state(other)) == without_pk(before)
