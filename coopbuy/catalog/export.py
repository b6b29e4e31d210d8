"""A supplier's catalogue as CSV in coopbuy's own columns, ready to be imported again.

UTF-8 with a byte-order mark (so that Excel shows £ and accents right), comma-separated, VAT as a
percent, volume prices as "4:2.90;10:2.75", every product including unavailable ones. Text that
starts like a formula (=, +, -, @) gets a leading ' so spreadsheets show it as text; the import
takes it off again.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from coopbuy.catalog.imports.formats import COLUMNS
from coopbuy.catalog.models import Product, Supplier
from coopbuy.csvcells import csv_cell


def export_rows(supplier: Supplier) -> list[list[object]]:
    rows: list[list[object]] = [list(COLUMNS)]
    products = (
        Product.objects.filter(supplier=supplier)
        .prefetch_related("price_tiers")
        .order_by("category", "name", "pk")
    )
    for product in products.iterator(chunk_size=1000):
        tiers = ";".join(f"{t.min_cases}:{t.unit_price}" for t in product.price_tiers.all())
        vat = (product.vat_rate * 100).quantize(Decimal("0.01")).normalize()
        values = {
            "sku": product.sku,
            "name": product.name,
            "category": product.category,
            "unit": product.unit_description,
            "case_size": product.case_size,
            "unit_price": product.unit_price,
            "vat_rate": f"{vat:f}",
            "deposit": product.deposit,
            "retail_price": product.retail_unit_price,
            "origin": product.origin,
            "manufacturer": product.manufacturer,
            "note": product.note,
            "weight_g": product.weight_grams,
            "min_cases": product.min_cases,
            "max_cases": product.max_cases,
            "available": product.is_available,
            "tiers": tiers,
            "image_url": product.image_source_url,  # an uploaded image has no address to give
        }
        rows.append([csv_cell(values[column]) for column in COLUMNS])
    return rows


def export_csv(supplier: Supplier) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(export_rows(supplier))
    return buffer.getvalue().encode("utf-8-sig")
