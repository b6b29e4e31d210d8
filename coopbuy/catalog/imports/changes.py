"""What an import would change: new, changed (field by field) and vanished products.

The catalogue is compared as plain JSON-safe values (prices as strings), the same shape the parsed
rows have, so that what the preview stores is exactly what confirming applies. The fingerprint is
a digest of those values for the whole catalogue: equal fingerprints mean an equal catalogue.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from coopbuy.catalog.models import PriceTier, Product, Supplier

FIELDS = (
    "name",
    "category",
    "unit_description",
    "case_size",
    "unit_price",
    "vat_rate",
    "deposit",
    "retail_unit_price",
    "origin",
    "manufacturer",
    "note",
    "weight_grams",
    "min_cases",
    "max_cases",
    "is_available",
    "tiers",
)
MONEY_FIELDS = frozenset({"unit_price", "deposit", "retail_unit_price"})
DEFAULTS: dict[str, Any] = {
    "category": "",
    "unit_description": "",
    "vat_rate": "0.0000",
    "deposit": "0.00",
    "retail_unit_price": None,
    "origin": "",
    "manufacturer": "",
    "note": "",
    "weight_grams": None,
    "min_cases": 0,
    "max_cases": None,
    "is_available": True,
    "tiers": [],
}

State = dict[str, Any]


def catalog_state(supplier: Supplier) -> dict[str, State]:
    """Every product of the supplier as {sku: values}, in two queries."""
    if supplier.pk is None:  # a supplier about to be created has no products
        return {}
    products = Product.objects.filter(supplier=supplier).values("pk", "sku", *FIELDS[:-1])
    tiers: dict[int, list[list[Any]]] = {}
    for product_id, min_cases, price in (
        PriceTier.objects.filter(product__supplier=supplier)
        .order_by("product_id", "min_cases")
        .values_list("product_id", "min_cases", "unit_price")
    ):
        tiers.setdefault(product_id, []).append([min_cases, str(price)])
    state: dict[str, State] = {}
    for row in products:
        values = {name: row[name] for name in FIELDS[:-1]}
        for name in MONEY_FIELDS:
            if values[name] is not None:
                values[name] = str(values[name])
        values["vat_rate"] = str(values["vat_rate"])
        values["tiers"] = tiers.get(row["pk"], [])
        values["pk"] = row["pk"]
        state[row["sku"]] = values
    return state


def fingerprint(state: dict[str, State]) -> str:
    text = json.dumps(sorted(state.items()), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def compute_changes(rows: list[dict[str, Any]], state: dict[str, State]) -> dict[str, Any]:
    """Compare parsed rows with the catalogue; fields a row does not carry are left alone."""
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    in_file = set()
    for row in rows:
        sku = row["sku"]
        in_file.add(sku)
        current = state.get(sku)
        if current is None:
            new.append(
                {
                    "row": row["row"],
                    "sku": sku,
                    "name": row.get("name", ""),
                    "case_size": row.get("case_size"),
                    "unit_price": row.get("unit_price"),
                }
            )
            continue
        fields = [
            [name, current[name], row[name]]
            for name in FIELDS
            if name in row and _normal(name, row[name]) != _normal(name, current[name])
        ]
        if fields:
            changed.append(
                {"row": row["row"], "sku": sku, "name": current["name"], "fields": fields}
            )
    vanished = [
        {"sku": sku, "name": values["name"]}
        for sku, values in sorted(state.items())
        if sku not in in_file and values["is_available"]
    ]
    return {"new": new, "changed": changed, "vanished": vanished}


def _normal(name: str, value: Any) -> Any:
    if name == "tiers":
        return [[int(c), str(p)] for c, p in value]
    if value is None or name not in MONEY_FIELDS | {"vat_rate"}:
        return value
    return str(value)


def merged_case_limits(row: dict[str, Any], current: State | None) -> tuple[int, int | None]:
    """min_cases and max_cases a product will have after the row is applied."""
    base = current or DEFAULTS
    min_cases: Any = row["min_cases"] if "min_cases" in row else base["min_cases"]
    max_cases: Any = row["max_cases"] if "max_cases" in row else base["max_cases"]
    return int(min_cases), None if max_cases is None else int(max_cases)
