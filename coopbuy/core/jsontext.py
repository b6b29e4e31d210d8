"""The contract's JSON as text, at speed: `problem_from_text` parses and validates, `result_to_text`
prints.

Reading. msgspec parses the text in C, in one pass: the top level into a struct whose small
sections stay raw and whose demand rows become typed structs, their types and bounds (non-empty
member, integers >= 0, no unknown field, the required keys) checked while parsing; an unknown
top-level key fails it. The small sections (currency, policy, suppliers, products, members) go
through the exact validators of `jsonio` unchanged (`problem_with_demand`). The rows then become
numpy columns (`textcolumns`): member and product codes, quantity and tolerance, and the times
checked and keyed as integer microseconds on their joined bytes when all are written
"2026-11-20T10:00:00Z" (other spellings are parsed row by row, as before); every demand product
must be known. The `Demand`'s tuples (and its datetimes) are `LazyTuple`s, made only if a caller
reads the rows: `prepare` works on the arrays (`Demand.codes`, `Demand.time_keys`). Whenever any
of that fails, nothing is guessed: the text is parsed again with `json.loads` and validated by
`jsonio.problem_from_json`, the exact path and the reference, so every error message (and the
CLI's "invalid JSON at line L, column C") is the one it always was. A problem accepted by the fast
path equals the `Problem` the exact path builds (`tests/test_jsontext.py` compares them with
Hypothesis, bad inputs and times such as 30 February included).

Writing. `result_to_text` gives, byte for byte, `json.dumps(result_to_json(result), indent=2)`
(ASCII escapes included), without a dict per line: each field of a list becomes a column of JSON
texts (ids escaped once per distinct id by the standard library's C escaper, money formatted once
per distinct amount), and the columns are interleaved with the fixed keys and indents into one
`str.join`. The small sections are still written by `json.dumps`, and spliced in. A result from
`allocate` is written from its columns (`AllocationTable.arrays`, `MemberColumns`) without making
its row objects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from itertools import count
from operator import add, attrgetter
from typing import Annotated, Any

import msgspec
import numpy as np
from msgspec import Meta, Struct
from numpy.typing import NDArray

from coopbuy.core.errors import ProblemError
from coopbuy.core.gcpause import gc_paused
from coopbuy.core.jsonio import (
    TOP_OPTIONAL,
    TOP_REQUIRED,
    problem_from_json,
    problem_with_demand,
    result_to_json,
)
from coopbuy.core.money import format_minor, to_minor
from coopbuy.core.problem import (
    AllocationResult,
    AllocationTable,
    Demand,
    DemandCodes,
    LazyTuple,
    MemberColumns,
    Problem,
    TableColumns,
)
from coopbuy.core.smallpages import small_pages
from coopbuy.core.textcolumns import code_ids, datetimes, ints_of, strings, utc_time_keys

_encode_str: Callable[[str], str] = json.encoder.encode_basestring_ascii


class _Row(Struct, forbid_unknown_fields=True, gc=False):
    """One demand row as the contract allows it (`jsonio._demand_slow` names what breaks it)."""

    member: Annotated[str, Meta(min_length=1)]
    product: str
    quantity: Annotated[int, Meta(ge=0)]
    placed_at: str
    tolerance: Annotated[int, Meta(ge=0)] = 0


_ABSENT = msgspec.Raw(b"")


class _Top(Struct, forbid_unknown_fields=True, gc=False):
    """The top level in one pass: the rows as structs, the small sections kept raw (`_ABSENT`
    when not given). An unknown key fails the parse (the exact path names it)."""

    currency: msgspec.Raw
    suppliers: msgspec.Raw
    products: msgspec.Raw
    demand: list[_Row]
    policy: msgspec.Raw = _ABSENT
    members: msgspec.Raw = _ABSENT


_TOP = msgspec.json.Decoder(_Top)
_ANY = msgspec.json.Decoder()
_SMALL = tuple(k for k in (*TOP_REQUIRED, *TOP_OPTIONAL) if k != "demand")


def problem_from_text(text: str | bytes) -> Problem:
    """Parse and validate the contract's JSON text (see the module docstring).

    Raises `ProblemError` for a contract violation and `json.JSONDecodeError` for text that is not
    JSON, exactly as `problem_from_json(json.loads(text))` does.
    """
    problem = fast_problem_from_text(text)
    if problem is not None:
        return problem
    return problem_from_json(json.loads(text))


def fast_problem_from_text(text: str | bytes) -> Problem | None:
    """The problem by the fast path, or None when anything is off or unknown to it (an error, or
    a section it does not handle, such as `groups`): the caller then parses with `json.loads`
    and takes the exact path, which names the error or handles the section. The cyclic garbage
    collector is paused meanwhile (`gc_paused`), and numpy's arrays use small pages
    (`small_pages`)."""
    with gc_paused(), small_pages():
        return _fast_problem_from_text(text)


def _fast_problem_from_text(text: str | bytes) -> Problem | None:
    try:
        top = _TOP.decode(text)
        sections: dict[str, Any] = {
            k: _ANY.decode(raw) for k in _SMALL if (raw := getattr(top, k)) is not _ABSENT
        }
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    sections["demand"] = []  # present, as the validators require; the rows are checked below
    try:
        problem = problem_with_demand(sections, Demand())
    except ProblemError:  # the exact path reports it, in the same words
        return None
    rows, top.demand = top.demand, []
    demand = _demand(rows, [p.id for p in problem.products])
    if demand is None:
        return None
    return replace(problem, demand=demand)


def _demand(rows: list[_Row], product_ids: list[str]) -> Demand | None:
    """The checked rows as columns; None if a product is unknown or a time does not parse or
    has no zone. Times written "2026-11-20T10:00:00Z" are checked and keyed with numpy
    (`utc_time_keys`) and become datetimes only when read (`LazyTuple`); other spellings are
    parsed row by row."""
    n = len(rows)
    if not n:
        return Demand()
    keys = utc_time_keys(list(map(attrgetter("placed_at"), rows)))
    placed_at: Sequence[datetime]
    if keys is None:
        try:
            # One parse per row, as in `jsonio._demand_fast` (faster than a dict of distinct
            # times).
            placed_at = tuple(map(datetime.fromisoformat, map(attrgetter("placed_at"), rows)))
        except ValueError:
            return None
        if not all(map(attrgetter("tzinfo"), placed_at)):
            return None
    else:
        placed_at = LazyTuple(n, partial(datetimes, keys))
    product_code = dict(zip(product_ids, range(len(product_ids)), strict=True))
    members = code_ids(rows, _MEMBER)
    try:
        if members is None:  # each distinct member numbered when first seen, in C
            member_code: defaultdict[str, int] = defaultdict(count().__next__)
            member = np.fromiter(map(member_code.__getitem__, map(_MEMBER, rows)), np.intp, n)
            member_ids = list(member_code)
        else:
            member_ids, member = members
        product = np.fromiter(map(product_code.__getitem__, map(_PRODUCT, rows)), np.intp, n)
        quantity = np.fromiter(map(_QUANTITY, rows), np.int64, n)
        tolerance = np.fromiter(map(_TOLERANCE, rows), np.int64, n)
    except KeyError:  # an unknown product: the exact path names it
        return None
    except OverflowError:  # beyond int64: the exact path keeps Python's ints
        return None
    codes = DemandCodes(member_ids, member, product_ids, product, quantity, tolerance)
    return Demand(
        LazyTuple(n, partial(strings, member_ids, member)),
        LazyTuple(n, partial(strings, product_ids, product)),
        LazyTuple(n, partial(ints_of, quantity)),
        LazyTuple(n, partial(ints_of, tolerance)),
        placed_at,
        keys,
        codes,
    )


_MEMBER, _PRODUCT = attrgetter("member"), attrgetter("product")
_QUANTITY, _TOLERANCE = attrgetter("quantity"), attrgetter("tolerance")
# --- writing -------------------------------------------------------------------------------------


def _memo[K: Hashable](column: Sequence[K], encode: Callable[[K], str]) -> list[str]:
    """`[encode(v) for v in column]`, calling `encode` once per distinct value."""
    texts = {v: encode(v) for v in set(column)}
    return list(map(texts.__getitem__, column))


def _made_from(column: Sequence[str], arrays: TableColumns) -> bool:
    return isinstance(column, LazyTuple) and column.source is arrays


def _coded(ids: Sequence[str], codes: NDArray[np.intp]) -> list[str]:
    """`[_encode_str(ids[c]) for c in codes]`, each id escaped once, gathered by numpy."""
    texts = np.array(list(map(_encode_str, ids)), dtype=object)
    column: list[str] = texts[codes].tolist()
    return column


def _ints(column: Iterable[int]) -> list[str]:
    """Each int as JSON text; small counts (the usual case) by looking up their text."""
    values = column if isinstance(column, (list, tuple)) else list(column)
    if values and min(values) >= 0 and max(values) < 4096:
        texts = list(map(str, range(max(values) + 1)))
        return list(map(texts.__getitem__, values))
    return list(map(str, values))


def _objects(keys: Sequence[str], columns: Sequence[list[str]], depth: int = 1) -> str:
    """A JSON list of objects with the same `keys`, as `json.dumps(indent=2)` writes it inside the
    top-level object (`depth` 1: the list's items sit 4 spaces in); `columns` hold the values'
    JSON texts, one list per key. Empty: `[]`."""
    n = len(columns[0]) if columns else 0
    if n == 0:
        return "[]"
    outer = "  " * (depth + 1)
    inner = outer + "  "
    k = len(keys)
    stride = 2 * k + 1
    parts: list[str] = [""] * (n * stride)
    for i, (key, column) in enumerate(zip(keys, columns, strict=True)):
        lead = ("{\n" if i == 0 else ",\n") + inner + _encode_str(key) + ": "
        parts[2 * i :: stride] = [lead] * n
        parts[2 * i + 1 :: stride] = column
    close = "\n" + outer + "}"
    parts[2 * k :: stride] = [close + ",\n" + outer] * (n - 1) + [close]
    return "[\n" + outer + "".join(parts) + "\n" + "  " * depth + "]"


def result_to_text(result: AllocationResult, *, explain: bool = False) -> str:
    """`json.dumps(result_to_json(result, explain=explain), indent=2)`, byte for byte, faster."""
    mu = result.allocations.minor_units

    def money(column: Sequence[Any]) -> list[str]:
        return _memo(column, lambda d: '"' + format_minor(to_minor(d, mu), mu) + '"')

    products = result.products
    product_text = _objects(
        ("id", "cases", "units", "unit_price", "allocated", "requested_quantity",
         "requested_tolerance"),
        [
            _memo([r.id for r in products], _encode_str),
            _ints(r.cases for r in products),
            _ints(r.units for r in products),
            money([r.unit_price for r in products]),
            _ints(r.allocated for r in products),
            _ints(r.requested_quantity for r in products),
            _ints(r.requested_tolerance for r in products),
        ],
    )  # fmt: skip
    members = result.members
    member_keys = ("id", "goods", "delivery", "total", "requested_quantity",
                   "received_quantity", "received_tolerance")  # fmt: skip
    source = members.source if isinstance(members, LazyTuple) else None
    if isinstance(source, MemberColumns):  # from the columns, without a row object

        def minor(column: Sequence[int]) -> list[str]:
            return _memo(column, lambda a: '"' + format_minor(a, mu) + '"')

        goods = minor(source.goods)
        member_text = _objects(
            member_keys,
            [
                _memo(source.id, _encode_str),
                goods,
                minor(source.delivery or [0] * len(goods)),
                goods if source.delivery is None else minor(source.totals()),
                _ints(source.requested_quantity),
                _ints(source.received_quantity),
                _ints(source.received_tolerance),
            ],
        )
    else:
        member_text = _objects(
            member_keys,
            [
                _memo(list(map(attrgetter("id"), members)), _encode_str),
                money(list(map(attrgetter("goods"), members))),
                money(list(map(attrgetter("delivery"), members))),
                money(list(map(attrgetter("total"), members))),
                _ints(map(attrgetter("requested_quantity"), members)),
                _ints(map(attrgetter("received_quantity"), members)),
                _ints(map(attrgetter("received_tolerance"), members)),
            ],
        )
    table = result.allocations
    keys = ["member", "product", "units", "from_quantity", "from_tolerance", "amount"]
    arrays = table.arrays
    member_column, product_column = table.member, table.product
    columns = [
        _coded(arrays.member_ids, arrays.member)
        if arrays is not None and _made_from(member_column, arrays)
        else _memo(member_column, _encode_str),
        _coded(arrays.product_ids, arrays.product)
        if arrays is not None and _made_from(product_column, arrays)
        else _memo(product_column, _encode_str),
        _ints(map(add, table.from_quantity, table.from_tolerance)),
        _ints(table.from_quantity),
        _ints(table.from_tolerance),
        _memo(table.amount_minor, lambda a: '"' + format_minor(a, mu) + '"'),
    ]
    unmet_text = "[]"
    if explain:
        reasons = {(e.member, e.product): e for e in result.explanations}
        pad = " " * 8
        keys.append("explanation")
        columns.append(
            [
                "{\n" + pad + '"code": ' + _encode_str(e.code) + ",\n" + pad + '"text": '
                + _encode_str(e.text) + "\n      }"
                for e in map(reasons.__getitem__, zip(table.member, table.product, strict=True))
            ]
        )  # fmt: skip
        unmet = [e for e in result.explanations if e.code != "in_full"]
        unmet_text = _objects(
            ("member", "product", "requested", "received", "code", "text"),
            [
                _memo([e.member for e in unmet], _encode_str),
                _memo([e.product for e in unmet], _encode_str),
                _ints(e.requested for e in unmet),
                _ints(e.received for e in unmet),
                [_encode_str(e.code) for e in unmet],
                [_encode_str(e.text) for e in unmet],
            ],
        )
    allocation_text = _objects(keys, columns)
    skeleton = replace(
        result, products=(), members=(), allocations=AllocationTable(mu), explanations=()
    )
    rest = json.dumps(result_to_json(skeleton, explain=explain), indent=2)
    pieces: list[str] = []
    for key, value in (
        ("products", product_text),
        ("allocations", allocation_text),
        ("members", member_text),
        ("unmet", unmet_text),
    ):
        # Each key is at the top level once, in this order (a string value cannot hold the
        # marker: its quotes would be escaped); the big texts are joined once, never copied.
        marker = f'\n  "{key}": []'
        if marker in rest:
            head, rest = rest.split(marker, 1)
            pieces += [head, f'\n  "{key}": ', value]
    pieces.append(rest)
    return "".join(pieces)


__all__ = ["fast_problem_from_text", "problem_from_text", "result_to_text"]
