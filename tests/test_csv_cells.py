"""Every CSV coopbuy writes: formula-like text quoted, numbers left numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from coopbuy.catalog import services as catalog_services
from coopbuy.catalog.export import export_csv
from coopbuy.csvcells import csv_cell, csv_row, guard, unguard
from coopbuy.ledger.documents import transactions_csv
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.documents import purchase_order_csv
from coopbuy.testing.factories import add_member, coordinator_of, make_group

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_like_a_formula_is_quoted_and_comes_back(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert unguard(guard(text)) == text


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is() -> None:
    assert csv_row([Decimal("-3.50"), -2, 1.5, None, True, "Oats", "a=b"]) == [
        Decimal("-3.50"), -2, 1.5, "", "yes", "Oats", "a=b",
    ]  # fmt: skip
    assert csv_cell("-3.50") == "'-3.50"  # text, even if it looks like a number


@pytest.mark.django_db
def test_the_ledger_csv_quotes_a_bank_reference_the_sender_chose() -> None:
    group = make_group(name="Elm Street")
    treasurer = coordinator_of(group)
    membership = add_member(group)
    ledger_top_up(
        membership=membership, amount=Decimal("10.00"), method="bank", actor=treasurer,
        idempotency_key="t1", reference='=HYPERLINK("http://evil","pay")',
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO("".join(transactions_csv(group)))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil","pay")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert {row[9] or row[10] for row in rows[1:]} == {"10.00"}


@pytest.mark.django_db
def test_the_catalogue_export_quotes_text_but_not_prices() -> None:
    group = make_group(name="Elm Street")
    coordinator = coordinator_of(group)
    supplier = catalog_services.supplier_create(group=group, actor=coordinator, name="Suma")
    catalog_services.product_save(
        supplier=supplier, actor=coordinator, sku="@OAT", name="=cmd|' /C calc'!A0",
        case_size=6, unit_price=Decimal("2.15"), note="-not a number",
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(export_csv(supplier).decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["sku"], row["name"]) == ("'@OAT", "'=cmd|' /C calc'!A0")
    assert row["note"] == "'-not a number"
    assert row["unit_price"] == "2.15"


def test_the_purchase_order_csv_quotes_names_and_keeps_amounts() -> None:
    line = SimpleNamespace(
        sku="+SKU", name="-Oats", unit="@kg", case_size=6, cases=1, units=6,
        unit_price=Decimal("2.00"), amount=Decimal("-12.00"),
    )  # fmt: skip
    delivery = SimpleNamespace(
        address="=1+1\nHebden Bridge", postcode="HX7 8AD", contact_name="@Cora",
        contact_phone="+44 1422 000000",
    )  # fmt: skip
    order = cast(
        Any,
        SimpleNamespace(
            lines=[line], total=Decimal("-12.00"), delivery=delivery, wanted_by=None,
            number="PO-7", dated=datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
            round=SimpleNamespace(group=SimpleNamespace(name="=Calder Co-op")),
        ),
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(purchase_order_csv(order).decode())))
    assert rows[1] == ["'+SKU", "'-Oats", "'@kg", "6", "1", "6", "2.00", "-12.00"]
    assert rows[2][-1] == "-12.00"
    # The particulars after the blank row are guarded too: the address and contact are typed by
    # the group's coordinators.
    particulars = {row[1]: row[2] for row in rows[4:]}
    assert particulars["deliver_to"] == "'=Calder Co-op"
    assert particulars["delivery_address"] == "'=1+1, Hebden Bridge"
    assert particulars["delivery_contact"] == "'@Cora"
    assert particulars["delivery_phone"] == "'+44 1422 000000"
