"""Every importer fed hostile input: price lists (CSV, XLSX, ODS, Foodsoft) and bank statements.

Each example either previews (a price list: nothing in the catalogue changes) or imports (a
statement: only its new lines), or is refused with a clear message naming the field or file
(`UserFacingError`), and then nothing at all is stored. No other exception, in bounded time and
memory. The hostile corpus (coopbuy/catalog/tests/data/hostile/) goes through the same check.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopbuy.catalog import services as catalog_services
from coopbuy.catalog.models import CatalogImport, Product
from coopbuy.catalog.tests import hostile
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import ods_bytes, xlsx_bytes
from coopbuy.errors import UserFacingError
from coopbuy.ledger.models import StatementImport, StatementLine
from coopbuy.ledger.statements import statement_import
from coopbuy.testing.factories import add_member, coordinator_of, make_group
from tests.fuzz import strategies

pytestmark = pytest.mark.django_db

TEXT = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WORKBOOKS = settings(TEXT, max_examples=25)  # each one starts a child process
SECONDS = 30
MEMORY_GROWTH_KB = 300 * 1024


def bounded(action: Callable[[], Any]) -> Any:
    """Run `action`: it must finish in `SECONDS` and not grow this process by 300 MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        return action()
    finally:
        assert time.monotonic() - started < SECONDS
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < MEMORY_GROWTH_KB


def preview_or_refuse(shop: Shop, content: bytes, filename: str = "list.csv") -> None:
    products = list(Product.objects.order_by("pk").values_list("pk", "sku", "unit_price"))
    imports = CatalogImport.objects.count()
    try:
        bounded(
            lambda: catalog_services.catalog_import_preview(
                supplier=shop.supplier, actor=shop.coordinator, filename=filename, content=content
            )
        )
    except UserFacingError as error:
        assert error.message.strip() and len(error.message) < 600
        assert CatalogImport.objects.count() == imports  # refused: nothing stored
    else:
        assert CatalogImport.objects.count() == imports + 1  # the preview, and only it
    assert list(Product.objects.order_by("pk").values_list("pk", "sku", "unit_price")) == products


@pytest.fixture
def stocked(db: None) -> Shop:
    group = make_group(name="Calder Valley Buyers")
    coordinator = coordinator_of(group)
    supplier = catalog_services.supplier_create(group=group, actor=coordinator, name="Suma")
    shop = Shop(group, coordinator, add_member(group).user, supplier)
    shop.product("OAT", name="Oats")
    return shop


@TEXT
@given(content=strategies.catalogue_csv())
def test_price_list_csv(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content)


@TEXT
@given(content=strategies.foodsoft_csv())
def test_foodsoft_article_file(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content)


@TEXT
@given(content=st.binary(max_size=600))
def test_any_bytes(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content)


@WORKBOOKS
@given(content=strategies.xlsx_workbook())
def test_xlsx_with_any_dimension_and_cell_positions(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content, "list.xlsx")


@WORKBOOKS
@given(content=strategies.ods_workbook())
def test_ods_with_any_repeat_counts(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content, "list.ods")


VALID: list[list[object]] = [["sku", "name", "case_size", "unit_price"], ["OAT", "Oats", 6, 2.15]]


@WORKBOOKS
@given(
    content=st.one_of(
        strategies.corrupted(xlsx_bytes(VALID)), strategies.corrupted(ods_bytes(VALID))
    )
)
def test_corrupted_workbooks(stocked: Shop, content: bytes) -> None:
    preview_or_refuse(stocked, content, "list.xlsx")


@pytest.mark.parametrize("name", sorted(p.name for p in hostile.CORPUS.iterdir()))
def test_the_hostile_corpus(stocked: Shop, name: str) -> None:
    with pytest.raises(UserFacingError):
        catalog_services.catalog_import_preview(
            supplier=stocked.supplier,
            actor=stocked.coordinator,
            filename=name,
            content=(hostile.CORPUS / name).read_bytes(),
        )
    assert CatalogImport.objects.count() == 0


@pytest.fixture
def treasury() -> Any:
    group = make_group(name="Elm Street")
    add_member(group)
    return group, coordinator_of(group)


@TEXT
@given(statement=strategies.bank_statement())
def test_bank_statement(
    treasury: Any, statement: tuple[bytes, dict[str, int | None], str, str]
) -> None:
    group, treasurer = treasury
    content, mapping, date_format, separator = statement
    imports, lines = StatementImport.objects.count(), StatementLine.objects.count()
    try:
        record = bounded(
            lambda: statement_import(
                group=group,
                actor=treasurer,
                filename="s.csv",
                content=content,
                mapping=mapping,
                date_format=date_format,
                decimal_separator=separator,
            )
        )
    except UserFacingError as error:
        assert error.message.strip()
        assert (StatementImport.objects.count(), StatementLine.objects.count()) == (imports, lines)
    else:
        assert StatementLine.objects.count() == lines + record.line_count


BANK_CORPUS = Path(__file__).resolve().parents[2] / "coopbuy/ledger/tests/data/hostile"


@pytest.mark.parametrize("name", sorted(p.name for p in BANK_CORPUS.iterdir()))
def test_the_hostile_bank_statements(treasury: Any, name: str) -> None:
    group, treasurer = treasury
    with pytest.raises(UserFacingError) as refused:
        statement_import(
            group=group, actor=treasurer, filename=name, content=(BANK_CORPUS / name).read_bytes(),
            mapping={"date": 0, "amount": 1}, date_format="%d/%m/%Y",
        )  # fmt: skip
    assert refused.value.field in ("file", "amount", "decimal_separator")
    assert not StatementImport.objects.exists() and not StatementLine.objects.exists()
