"""The two halves of an import that touch the database: the preview (reads only) and applying.

`build_preview` is what both the web preview and `coopbuy import-catalog --dry-run` run; it saves
nothing. `apply_rows` writes a whole price list inside the caller's transaction with bulk
statements: batched inserts for new products and tiers, one UPDATE per distinct set of changes
(a list-wide price rise is one statement; 5,000 different new prices are 5,000 small ones, about
a second on SQLite), one UPDATE for the products no longer listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.catalog.imports import changes as diff
from coopbuy.catalog.imports.formats import RowError, parse_sheet
from coopbuy.catalog.imports.reading import read_sheet
from coopbuy.catalog.models import PriceTier, Product, Supplier

BATCH = 500


@dataclass(frozen=True)
class Preview:
    file_format: str
    rows: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    warnings: list[str]
    changes: dict[str, Any]
    fingerprint: str

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(self.changes.get(key, [])) for key in ("new", "changed", "vanished")}


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    made_unavailable: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def build_preview(*, supplier: Supplier, content: bytes) -> Preview:
    """Parse a file and compare it with the supplier's catalogue. Raises `UnreadableFile`."""
    parsed = parse_sheet(read_sheet(content))
    state = diff.catalog_state(supplier)
    errors = list(parsed.errors) + case_limit_errors(parsed.rows, state, parsed.errors)
    errors.sort(key=lambda e: (e.row or 0, e.column))
    changes = diff.compute_changes(parsed.rows, state) if not errors else {}
    if not errors and state:
        vanishing = len(changes["vanished"])
        available = sum(1 for values in state.values() if values["is_available"])
        if available and vanishing * 2 > available:
            parsed.warnings.append(
                _(
                    "%(n)s of %(total)s available products are not in this file and would be "
                    "made unavailable. Is this the supplier's whole price list?"
                )
                % {"n": vanishing, "total": available}
            )
    return Preview(
        file_format=parsed.file_format,
        rows=parsed.rows if not errors else [],
        errors=[error.as_dict() for error in errors],
        warnings=parsed.warnings,
        changes=changes,
        fingerprint=diff.fingerprint(state),
    )


def case_limit_errors(
    rows: list[dict[str, Any]], state: dict[str, diff.State], known: Sequence[RowError] = ()
) -> list[RowError]:
    """Rows whose maximum cases, merged with the product as it is, would fall below the minimum."""
    flagged = {(e.row, e.column) for e in known}
    errors = []
    for row in rows:
        min_cases, max_cases = diff.merged_case_limits(row, state.get(row.get("sku", "")))
        too_few = max_cases is not None and max_cases < min_cases
        if too_few and (row["row"], "max_cases") not in flagged:
            errors.append(RowError(row["row"], "max_cases", _("is smaller than min_cases")))
    return errors


def _tiers(values: list[list[Any]]) -> list[tuple[int, Decimal]]:
    return [(int(cases), Decimal(price)) for cases, price in values]


def _field_value(name: str, value: Any) -> Any:
    if name in diff.MONEY_FIELDS or name == "vat_rate":
        return None if value is None else Decimal(value)
    return value


def apply_rows(
    *, supplier: Supplier, rows: list[dict[str, Any]], state: dict[str, diff.State]
) -> ImportSummary:
    """Write parsed rows over the catalogue `state` (which the caller has checked is current)."""
    now = timezone.now()
    changes = diff.compute_changes(rows, state)
    by_sku = {row["sku"]: row for row in rows}
    product_fields = [f for f in diff.FIELDS if f != "tiers"]

    new_products = []
    for entry in changes["new"]:
        row = by_sku[entry["sku"]]
        values = {**diff.DEFAULTS, **row}
        new_products.append(
            Product(
                supplier=supplier,
                sku=row["sku"],
                updated_at=now,
                **{f: _field_value(f, values[f]) for f in product_fields},
            )
        )
    Product.objects.bulk_create(new_products, batch_size=BATCH)

    # One UPDATE per distinct set of new values (a price rise that applies to many products is
    # one statement): faster than bulk_update's CASE WHEN, which SQLite evaluates row by row.
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    retiered: dict[int, list[tuple[int, Decimal]]] = {}
    for entry in changes["changed"]:
        pk = state[entry["sku"]]["pk"]
        new_values: list[tuple[str, Any]] = []
        for name, _old, new in entry["fields"]:
            if name == "tiers":
                retiered[pk] = _tiers(new)
            else:
                new_values.append((name, _field_value(name, new)))
        groups.setdefault(tuple(new_values), []).append(pk)
    for key, pks in groups.items():
        for start in range(0, len(pks), BATCH):
            Product.objects.filter(pk__in=pks[start : start + BATCH]).update(
                updated_at=now, **dict(key)
            )
    for product in new_products:
        tiers = by_sku[product.sku].get("tiers") or []
        if tiers:
            retiered[product.pk] = _tiers(tiers)
    if retiered:
        PriceTier.objects.filter(product_id__in=list(retiered)).delete()
        PriceTier.objects.bulk_create(
            (
                PriceTier(product_id=product_id, min_cases=cases, unit_price=price)
                for product_id, tiers in retiered.items()
                for cases, price in tiers
            ),
            batch_size=BATCH,
        )
    vanished = [state[entry["sku"]]["pk"] for entry in changes["vanished"]]
    if vanished:
        Product.objects.filter(pk__in=vanished).update(is_available=False, updated_at=now)
    return ImportSummary(
        created=len(new_products),
        updated=len(changes["changed"]),
        made_unavailable=len(vanished),
    )
