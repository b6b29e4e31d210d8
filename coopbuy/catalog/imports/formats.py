"""The two price-list layouts coopbuy reads, turned into product rows with per-cell errors.

**coopbuy's own columns** (any order; header names case-insensitive; spaces count as `_`):
`sku`, `name`, `case_size`, `unit_price` are required; optional are `category`, `unit` (what a
member gets, e.g. "500 g bag"), `vat_rate` (a percent: 20 for 20 %), `deposit`, `retail_price`
(a shop's price per unit), `origin`, `manufacturer`, `note`, `weight_g`, `min_cases`,
`max_cases`, `available` (yes/no; empty means yes), `tiers` (volume prices, "4:2.90;10:2.75" =
from 4 cases 2.90 a unit) and `image_url` (or `image`: an http:// or https:// address of the
product's picture, fetched by the worker after the import is applied; an empty cell keeps the
product's image). Prices are net, per unit, in the group's currency. A column that is
absent leaves that field of existing products as it is; unknown columns are ignored with a note.
A cell that starts with `'` followed by `=`, `+`, `-` or `@` loses the `'` (the export adds it so
that spreadsheets do not run text as a formula).
The export writes exactly these columns, so an exported file can be imported again.

**Foodsoft's article file** (recognised by its 18 columns in Foodsoft's order: available, order
number, name, supplier order unit, unit, ratios to the supplier order unit, minimum order
quantity, billing unit, group order granularity, group order unit, net price, price unit, VAT,
deposit, note, category, origin, manufacturer). Our reading, after Foodsoft's own import code:
- order number is the SKU, "unit" the unit description (else the group order unit's name);
- "ratios" ("12 Piece" or "12 Piece, 0.5 kg", each relative to the one before) say how many of
  each unit one supplier order unit holds. The unit members order is the group order unit, or
  the first ratio's unit when that is empty; the case size is how many of it the supplier order
  unit holds (must be whole). Without ratios, the case size is the group order granularity when
  it is a whole number, else 1;
- the net price is per "price unit"; an empty price unit means per unit that members order (what
  older Foodsoft exports mean). A price per another unit of the ratios is converted to the
  member's unit (e.g. per case ÷ case size) and rounded to the penny;
- VAT is a percent; available is yes/x/1 (also "ja", "true"), anything else is unavailable;
- minimum order quantity and billing unit are not used (coopbuy's minimum is in cases).

In coopbuy's layout the header may follow a few title rows; in Foodsoft's it is the first row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from coopbuy.catalog.images.fetching import FetchRefused, check_url
from coopbuy.catalog.imports import cells
from coopbuy.catalog.imports.cells import CellError
from coopbuy.catalog.imports.reading import Sheet
from coopbuy.core.money import quantize

COOPBUY = "coopbuy"
FOODSOFT = "foodsoft"

# column -> (product field, parser); parsers return JSON-safe values.
Parser = Callable[[str], Any]


def _money(text: str) -> str:
    return str(cells.parse_money(text))


def _optional_money(text: str) -> str | None:
    value = cells.parse_optional_money(text)
    return None if value is None else str(value)


def _vat(text: str) -> str:
    return str(cells.parse_vat_percent(text))


def _image_url(text: str) -> str:
    url = text.strip()
    if not url:
        return ""
    try:
        return check_url(url)
    except FetchRefused as error:
        raise CellError(error.message) from error


def _tiers(text: str) -> list[list[Any]]:
    return [[cases, str(price)] for cases, price in cells.parse_tiers(text)]


COLUMNS: dict[str, tuple[str, Parser]] = {
    "sku": ("sku", str.strip),
    "name": ("name", str.strip),
    "category": ("category", str.strip),
    "unit": ("unit_description", str.strip),
    "case_size": ("case_size", lambda t: cells.parse_count(t, minimum=1)),
    "unit_price": ("unit_price", _money),
    "vat_rate": ("vat_rate", _vat),
    "deposit": ("deposit", lambda t: _money(t) if t.strip() else "0.00"),
    "retail_price": ("retail_unit_price", _optional_money),
    "origin": ("origin", str.strip),
    "manufacturer": ("manufacturer", str.strip),
    "note": ("note", str.strip),
    "weight_g": ("weight_grams", lambda t: cells.parse_optional_count(t, minimum=1)),
    "min_cases": ("min_cases", lambda t: cells.parse_count(t) if t.strip() else 0),
    "max_cases": ("max_cases", lambda t: cells.parse_optional_count(t, minimum=1)),
    "available": ("is_available", lambda t: cells.parse_flag(t, blank=True)),
    "tiers": ("tiers", _tiers),
    "image_url": ("image_url", _image_url),
}
ALIASES = {
    "order_number": "sku",
    "unit_description": "unit",
    "units_per_case": "case_size",
    "price": "unit_price",
    "vat": "vat_rate",
    "vat_percent": "vat_rate",
    "retail_unit_price": "retail_price",
    "weight_grams": "weight_g",
    "is_available": "available",
    "price_tiers": "tiers",
    "image": "image_url",
}
REQUIRED = ("sku", "name", "case_size", "unit_price")
MAX_LENGTHS = {
    "sku": 64,
    "name": 200,
    "category": 80,
    "unit_description": 80,
    "origin": 80,
    "manufacturer": 120,
    "note": 300,
}
FOODSOFT_COLUMNS = 18
HEADER_SEARCH_ROWS = 10
FOODSOFT_TRUE = frozenset({"yes", "x", "1", "ja", "true", "oui", "si", "y"})


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedFile:
    file_format: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def header_key(text: str) -> str:
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return ALIASES.get(key, key)


def _trimmed(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def parse_sheet(sheet: Sheet) -> ParsedFile:
    """Find the header, recognise the layout, parse every row; collect every error."""
    numbered = [
        (n, row) for n, row in enumerate(sheet.rows, start=1) if any(c.strip() for c in row)
    ]
    if not numbered:
        return ParsedFile(COOPBUY, errors=[RowError(None, "", _("The file is empty."))])
    # Wholesalers' lists often start with a title or a date: the header is the first of the
    # first rows that names coopbuy's required columns (or else the very first row).
    start = next(
        (
            index
            for index, (_n, row) in enumerate(numbered[:HEADER_SEARCH_ROWS])
            if all(column in {header_key(cell) for cell in row} for column in REQUIRED)
        ),
        0,
    )
    header_row, header = numbered[start]
    header = _trimmed(header)
    keys = [header_key(cell) for cell in header]
    if all(column in keys for column in REQUIRED):
        parsed = _parse_coopbuy(header_row, keys, numbered[start + 1 :])
        if start:
            parsed.warnings.append(
                _("The rows above row %(row)s were taken as a title and ignored.")
                % {"row": header_row}
            )
    elif len(header) == FOODSOFT_COLUMNS:
        parsed = _parse_foodsoft(numbered[1:])
    else:
        missing = ", ".join(c for c in REQUIRED if c not in keys)
        return ParsedFile(
            COOPBUY,
            errors=[
                RowError(
                    header_row,
                    "",
                    _(
                        "The header row lacks the columns %(missing)s. Use coopbuy's columns "
                        "(sku, name, case_size, unit_price, ...) or a Foodsoft article file "
                        "with its 18 columns."
                    )
                    % {"missing": missing},
                )
            ],
        )
    parsed.warnings[:0] = sheet.notes
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(RowError(None, "", _("The file has a header but no products.")))
    _check_duplicates(parsed)
    return parsed


def _check_lengths(row_number: int, values: dict[str, Any], errors: list[RowError]) -> None:
    for name, limit in MAX_LENGTHS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors.append(
                RowError(
                    row_number,
                    name,
                    _("is longer than %(limit)s characters") % {"limit": limit},
                )
            )


def _parse_coopbuy(
    header_row: int, keys: list[str], rows: list[tuple[int, list[str]]]
) -> ParsedFile:
    parsed = ParsedFile(COOPBUY)
    seen: set[str] = set()
    for key in keys:
        if key in seen and key in COLUMNS:
            parsed.errors.append(
                RowError(header_row, key, _("this column appears twice in the header"))
            )
        seen.add(key)
    unknown = [k for k in keys if k and k not in COLUMNS]
    if unknown:
        parsed.warnings.append(
            _("These columns are not coopbuy's and were ignored: %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )
    for number, cells_ in rows:
        trimmed = _trimmed(cells_)  # a trailing comma (an empty last cell) is no extra column
        if len(trimmed) > len(keys):
            parsed.errors.append(
                RowError(number, "", _("this row has more cells than the header has columns"))
            )
            continue
        padded = trimmed + [""] * (len(keys) - len(trimmed))
        values: dict[str, Any] = {"row": number, "is_available": True}
        for key, text in zip(keys, padded, strict=True):
            if key not in COLUMNS:
                continue
            name, parse = COLUMNS[key]
            if key in REQUIRED and not text.strip():
                parsed.errors.append(RowError(number, key, _("is empty")))
                continue
            try:
                values[name] = parse(text)
            except CellError as error:
                parsed.errors.append(RowError(number, key, error.message))
        _check_lengths(number, values, parsed.errors)
        if (
            values.get("max_cases") is not None
            and "min_cases" in values
            and values["max_cases"] < values["min_cases"]
        ):
            parsed.errors.append(RowError(number, "max_cases", _("is smaller than min_cases")))
        parsed.rows.append(values)
    return parsed


FOODSOFT_HEADERS = (
    "available",
    "order number",
    "name",
    "supplier order unit",
    "unit",
    "ratios",
    "minimum order quantity",
    "billing unit",
    "group order granularity",
    "group order unit",
    "net price",
    "price unit",
    "VAT",
    "deposit",
    "note",
    "category",
    "origin",
    "manufacturer",
)


def _ratio_chain(text: str) -> list[tuple[str, Decimal]]:
    """ "12 Piece, 0.5 kg" -> [("piece", 12), ("kg", 6)]: quantities per supplier order unit."""
    chain: list[tuple[str, Decimal]] = []
    total = Decimal(1)
    for part in re.split(r"(?<!\\), ", text.strip()):
        if not part.strip():
            continue
        match = re.match(r"^\s*([0-9]*[.,]?[0-9]+)\s+(.+?)\s*$", part.replace("\\,", ","))
        if not match:
            raise CellError(_("“%(text)s” is not like “12 Piece”") % {"text": part.strip()})
        total *= cells.parse_decimal(match.group(1))
        chain.append((match.group(2).lower(), total))
    return chain


def _foodsoft_row(number: int, cell: list[str]) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, Any] = {"row": number}

    def take(column: int, parse: Parser) -> Any:
        try:
            return parse(cell[column])
        except CellError as error:
            errors.append(RowError(number, FOODSOFT_HEADERS[column], error.message))
            return None

    values["is_available"] = cell[0].strip().lower() in FOODSOFT_TRUE
    values["sku"] = cell[1].strip()
    values["name"] = cell[2].strip()
    for column, label in ((1, "order number"), (2, "name")):
        if not cell[column].strip():
            errors.append(RowError(number, label, _("is empty")))
    order_unit, group_unit = cell[3].strip().lower(), cell[9].strip().lower()
    values["unit_description"] = cell[4].strip() or cell[9].strip() or cell[3].strip()
    chain = take(5, _ratio_chain) or []
    member_unit = group_unit or (chain[0][0] if chain else order_unit)
    per_order_unit = {order_unit: Decimal(1), "": Decimal(1), **dict(chain)}
    if not chain:
        granularity = take(8, lambda t: cells.parse_decimal(t) if t.strip() else Decimal(1))
        whole = granularity is not None and granularity >= 1 and granularity % 1 == 0
        case = Decimal(int(granularity)) if whole and granularity is not None else Decimal(1)
        per_order_unit = {member_unit: case, order_unit: case, "": case}
        values["case_size"] = int(case)
    elif member_unit not in per_order_unit:
        errors.append(
            RowError(number, "group order unit", _("is not one of the units in the ratios"))
        )
    else:
        case = per_order_unit[member_unit]
        if case < 1 or case % 1:
            errors.append(
                RowError(
                    number,
                    "ratios",
                    _("give %(case)s %(unit)s per case: a case must hold a whole number")
                    % {"case": case, "unit": member_unit},
                )
            )
        else:
            values["case_size"] = int(case)
    price = take(10, lambda t: cells.parse_price(t) if t.strip() else None)
    if not cell[10].strip():
        errors.append(RowError(number, "net price", _("is empty")))
    price_unit = cell[11].strip().lower() or member_unit
    if price is not None and "case_size" in values:
        if price_unit not in per_order_unit:
            errors.append(
                RowError(number, "price unit", _("is not one of the units in the ratios"))
            )
        else:
            # price per member unit = price * (price units per case) / (member units per case)
            ratio = per_order_unit[price_unit] / per_order_unit.get(member_unit, Decimal(1))
            unit_price = quantize(price * ratio)
            if unit_price > cells.MAX_MONEY:
                errors.append(RowError(number, "net price", _("is too large")))
            else:
                values["unit_price"] = str(unit_price)
    vat = take(12, _vat)
    if vat is not None:
        values["vat_rate"] = vat
    deposit = take(13, lambda t: _money(t) if t.strip() else "0.00")
    if deposit is not None:
        values["deposit"] = deposit
    values["note"] = cell[14].strip()
    values["category"] = cell[15].strip()
    values["origin"] = cell[16].strip()
    values["manufacturer"] = cell[17].strip()
    _check_lengths(number, values, errors)
    return values, errors


def _parse_foodsoft(rows: list[tuple[int, list[str]]]) -> ParsedFile:
    parsed = ParsedFile(FOODSOFT)
    for number, cell in rows:
        if len(_trimmed(cell)) > FOODSOFT_COLUMNS:
            parsed.errors.append(
                RowError(number, "", _("this row has more than Foodsoft's 18 columns"))
            )
            continue
        values, errors = _foodsoft_row(number, cell + [""] * (FOODSOFT_COLUMNS - len(cell)))
        parsed.errors += errors
        parsed.rows.append(values)
    return parsed


def _check_duplicates(parsed: ParsedFile) -> None:
    first_row: dict[str, int] = {}
    column = "sku" if parsed.file_format == COOPBUY else "order number"
    for values in parsed.rows:
        sku = values.get("sku")
        if not sku:
            continue
        if sku in first_row:
            parsed.errors.append(
                RowError(
                    values["row"],
                    column,
                    _("the SKU %(sku)s is also on row %(row)s")
                    % {"sku": sku, "row": first_row[sku]},
                )
            )
        else:
            first_row[sku] = values["row"]
