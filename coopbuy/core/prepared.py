"""The problem in the engine's working form: integer pence, demand summed per member and product.

Built once per `allocate` call and shared by the policies and the finishing steps. Every amount is
an integer count of minor units, so no `Decimal` arithmetic happens per row.

A big round has a million demand rows. They are summed into *pairs* (one per member and product:
what every policy allocates and every allocation line reports), numbered in the output's order
(member id, then product id), and each product's rows are listed in file order. The summing is
column-wise with numpy (`_aggregate_columns`: integer codes, stable sorts, sums per run), which also
keeps the rows as arrays (`RowColumns`: times as integer microseconds, rows by product then time)
for the policies' vectorised paths; the pairs' lists are made from them when first read. The
row-by-row loop (`prepared_rows.aggregate_rows`) remains for amounts too large for int64 (and times
that cannot be compared) and as the reference the tests compare with.
numpy is already installed as a dependency of highspy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import floordiv, sub
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coopbuy.core.errors import ProblemError
from coopbuy.core.money import minor_units_for, to_minor
from coopbuy.core.prepared_rows import aggregate_rows
from coopbuy.core.problem import Demand, Problem


@dataclass(slots=True)
class PSupplier:
    index: int
    id: str
    min_order_value: int
    delivery_fee: int
    free_delivery_over: int | None
    products: list[int] = field(default_factory=list)


@dataclass(slots=True)
class PProduct:
    """One product with its demand totals; its rows (file order) and pairs live in `Prepared`."""

    index: int
    id: str
    supplier: int
    case_size: int
    base_price: int
    tiers: tuple[tuple[int, int], ...]  # (min_cases, price) ascending by min_cases
    min_cases: int
    max_cases: int | None
    retail_price: int | None
    total_quantity: int = 0
    total_tolerance: int = 0

    def price_at(self, cases: int) -> int:
        """Rule 3: the unit price in minor units when `cases` cases are ordered."""
        price = self.base_price
        for min_cases, tier_price in self.tiers:
            if min_cases > cases:
                break
            price = tier_price
        return price

    def case_limit(self) -> int:
        """The most cases the demand could take (quantity plus tolerance), capped by `max_cases`."""
        limit = (self.total_quantity + self.total_tolerance) // self.case_size
        return limit if self.max_cases is None else min(limit, self.max_cases)


@dataclass(slots=True)
class RowColumns:
    """The demand rows and the pairs as numpy arrays, for the vectorised paths (built only by
    `_aggregate_columns`, i.e. when every amount fits int64 sums and the times compare)."""

    product: NDArray[np.int64]  # product index per row
    quantity: NDArray[np.int64]
    tolerance: NDArray[np.int64]
    pair: NDArray[np.int64]  # the pair of each row
    time: NDArray[np.int64]  # placed_at in microseconds since 1970: ordered as the datetimes
    by_product_time: NDArray[np.intp]  # rows by product, then placed_at, then file position
    product_starts: NDArray[np.intp]  # product p's rows: by_product_time[starts[p]:starts[p + 1]]
    pair_member: NDArray[np.int64]  # the pairs' columns of `Prepared`, as arrays (members
    pair_product: NDArray[np.int64]  # as indices into `members_with_pairs`)
    want_quantity: NDArray[np.int64]
    want_tolerance: NDArray[np.int64]
    pair_first_row: NDArray[np.intp]


@dataclass(slots=True)
class Prepared:
    """The working form. Pairs are numbered in the output's order: member id, then product id."""

    currency: str
    minor_units: int
    suppliers: list[PSupplier]
    products: list[PProduct]
    member_ids: list[str]  # every member, sorted: those with demand and those with a budget
    budgets: dict[str, int]  # only members with a budget
    members_with_pairs: list[str] = field(default_factory=list)  # sorted
    member_pair_counts: list[int] = field(default_factory=list)  # their runs in `output_order`
    row_quantity: Sequence[int] = ()
    row_tolerance: Sequence[int] = ()
    row_time: Sequence[datetime] = ()
    columns: RowColumns | None = None  # the same rows column-wise, when they fit int64
    _product_pairs: list[list[int]] | None = None
    _product_rows: list[list[int]] | None = None  # built when first asked if `columns` is set
    _pair_first_row: list[int] | None = None  # likewise
    _pair_member: list[str] | None = None  # likewise
    _pair_product: list[int] | None = None  # likewise
    _want_quantity: list[int] | None = None  # likewise
    _want_tolerance: list[int] | None = None  # likewise

    @property
    def pair_count(self) -> int:
        return len(self.columns.want_quantity if self.columns else self.want_quantity)

    @property
    def pair_member(self) -> list[str]:
        """Each pair's member."""
        if self._pair_member is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            ids = np.array(self.members_with_pairs, dtype=object)
            self._pair_member = ids[self.columns.pair_member].tolist()
        return self._pair_member

    @pair_member.setter
    def pair_member(self, value: list[str]) -> None:
        self._pair_member = value

    @property
    def pair_product(self) -> list[int]:
        """Each pair's product (its index)."""
        if self._pair_product is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            self._pair_product = self.columns.pair_product.tolist()
        return self._pair_product

    @pair_product.setter
    def pair_product(self, value: list[int]) -> None:
        self._pair_product = value

    @property
    def want_quantity(self) -> list[int]:
        """Each pair's quantity, summed over its rows."""
        if self._want_quantity is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            self._want_quantity = self.columns.want_quantity.tolist()
        return self._want_quantity

    @want_quantity.setter
    def want_quantity(self, value: list[int]) -> None:
        self._want_quantity = value

    @property
    def want_tolerance(self) -> list[int]:
        """Each pair's tolerance, summed over its rows."""
        if self._want_tolerance is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            self._want_tolerance = self.columns.want_tolerance.tolist()
        return self._want_tolerance

    @want_tolerance.setter
    def want_tolerance(self, value: list[int]) -> None:
        self._want_tolerance = value

    _row_pair: list[int] | None = None  # likewise

    @property
    def pair_first_row(self) -> list[int]:
        """Each pair's earliest row by (time, file position)."""
        if self._pair_first_row is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            self._pair_first_row = self.columns.pair_first_row.tolist()
        return self._pair_first_row

    @pair_first_row.setter
    def pair_first_row(self, value: list[int]) -> None:
        self._pair_first_row = value

    @property
    def row_pair(self) -> list[int]:
        """The pair of each row (the vectorised paths use `columns.pair` and never build it)."""
        if self._row_pair is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            self._row_pair = self.columns.pair.tolist()
        return self._row_pair

    @row_pair.setter
    def row_pair(self, value: list[int]) -> None:
        self._row_pair = value

    def product_rows(self) -> list[list[int]]:
        """Each product's rows in file order (only the row paths and `optimal` need them)."""
        if self._product_rows is None:
            assert self.columns is not None  # `aggregate_rows` fills them at once
            product = self.columns.product
            flat = stable_order(product).tolist()
            bounds = np.cumsum(np.bincount(product, minlength=len(self.products))).tolist()
            self._product_rows = [flat[a:b] for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]
        return self._product_rows

    def product_pairs(self) -> list[list[int]]:
        """Each product's pairs, by member id (built when first asked)."""
        if self._product_pairs is None:
            groups: list[list[int]] = [[] for _ in self.products]
            for j, p in enumerate(self.pair_product):
                groups[p].append(j)
            self._product_pairs = groups
        return self._product_pairs

    def rows_in_time_order(self, product: int) -> list[int]:
        """A product's rows by `placed_at`, ties by file position (the sort is stable)."""
        if self.columns is not None:  # sorted already, by (time, file position)
            start, end = self.columns.product_starts[product : product + 2].tolist()
            rows: list[int] = self.columns.by_product_time[start:end].tolist()
            return rows
        return sorted(self.product_rows()[product], key=self.row_time.__getitem__)

    def first_key(self, pair: int) -> tuple[datetime, int]:
        """When the pair's first row was placed, and where it stands in the file."""
        row = self.pair_first_row[pair]
        return self.row_time[row], row


def prepare(problem: Problem) -> Prepared:
    """Check the references and build the working form (see the module docstring)."""
    mu = minor_units_for(problem.currency)
    suppliers: list[PSupplier] = []
    supplier_index: dict[str, int] = {}
    for s in problem.suppliers:
        supplier_index[s.id] = len(suppliers)
        free = s.free_delivery_over
        suppliers.append(
            PSupplier(
                len(suppliers),
                s.id,
                to_minor(s.min_order_value, mu),
                to_minor(s.delivery_fee, mu),
                None if free is None else to_minor(free, mu),
            )
        )
    products: list[PProduct] = []
    for i, p in enumerate(problem.products):
        if p.supplier not in supplier_index:
            raise ProblemError(f"products[{i}].supplier", f'unknown supplier "{p.supplier}"')
        tiers = tuple(sorted((t.min_cases, to_minor(t.unit_price, mu)) for t in p.price_tiers))
        retail = p.retail_unit_price
        product = PProduct(
            i,
            p.id,
            supplier_index[p.supplier],
            p.case_size,
            to_minor(p.unit_price, mu),
            tiers,
            p.min_cases,
            p.max_cases,
            None if retail is None else to_minor(retail, mu),
        )
        products.append(product)
        suppliers[product.supplier].products.append(i)
    budgets = {m.id: to_minor(m.budget, mu) for m in problem.members if m.budget is not None}
    prepared = Prepared(problem.currency, mu, suppliers, products, [], budgets)
    _aggregate(problem, prepared)
    return prepared


#: Amounts below this fit int64 sums over any realistic number of rows (2^31 x 2^31 < 2^63).
_COLUMN_LIMIT = 2**31


def _aggregate(problem: Problem, prepared: Prepared) -> None:
    """Pairs, their wants and first rows, each product's rows and totals (see the docstring)."""
    demand = problem.demand
    index = {p.id: p.index for p in prepared.products}
    codes = demand.codes
    if codes is not None:  # read by the fast parser: a code per row, an index per distinct id
        of_code = np.fromiter(map(index.get, codes.product_ids, repeat(-1)), np.int64)
        product_of_row = of_code[codes.product]
        if len(product_of_row) and int(product_of_row.min()) < 0:
            row = int(np.flatnonzero(product_of_row < 0)[0])
            unknown = codes.product_ids[int(codes.product[row])]
            raise ProblemError(f"demand[{row}].product", f'unknown product "{unknown}"')
    else:
        try:
            product_of_row = np.fromiter(
                map(index.__getitem__, demand.product), np.int64, len(demand)
            )
        except KeyError:
            row = next(i for i, p in enumerate(demand.product) if p not in index)
            raise ProblemError(
                f"demand[{row}].product", f'unknown product "{demand.product[row]}"'
            ) from None
    columns = _numeric_columns(demand)
    if columns is None:
        aggregate_rows(problem, prepared, product_of_row.tolist())
    else:
        _aggregate_columns(problem, prepared, product_of_row, *member_ranks(demand), *columns)


def member_ranks(demand: Demand) -> tuple[NDArray[np.int64], list[str]]:
    """Each row's member as its rank among the demand's members sorted by id, and those ids."""
    codes = demand.codes
    if codes is None:
        members = sorted(set(demand.member))
        code = dict(zip(members, range(len(members)), strict=True))
        return np.fromiter(map(code.__getitem__, demand.member), np.int64, len(demand)), members
    ids = codes.member_ids
    used = np.bincount(codes.member, minlength=len(ids)).astype(bool).tolist()
    by_id = sorted((i for i, u in enumerate(used) if u), key=ids.__getitem__)
    rank = np.zeros(len(ids), np.int64)
    rank[by_id] = np.arange(len(by_id), dtype=np.int64)
    return rank[codes.member], [ids[i] for i in by_id]


def _numeric_columns(
    demand: Demand,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None:
    """Quantity, tolerance and time keys as int64 arrays; None (the row path) when there are no
    rows, an amount reaches `_COLUMN_LIMIT` or aware and naive times are mixed."""
    n = len(demand)
    if not n:
        return None
    if demand.codes is not None:
        quantity, tolerance = demand.codes.quantity, demand.codes.tolerance
    else:
        try:
            quantity = np.fromiter(demand.quantity, np.int64, n)
            tolerance = np.fromiter(demand.tolerance, np.int64, n)
        except OverflowError:
            return None
    if max(int(quantity.max()), int(tolerance.max())) >= _COLUMN_LIMIT:
        return None
    time_keys = demand.time_keys if demand.time_keys is not None else _time_keys(demand.placed_at)
    return None if time_keys is None else (quantity, tolerance, time_keys)


_ONE_MICROSECOND = timedelta(microseconds=1)


def _time_keys(times: Sequence[datetime]) -> NDArray[np.int64] | None:
    """Each time as integer microseconds since 1970 (exact, and ordered as the datetimes are);
    None when aware and naive times are mixed (they cannot be compared at all)."""
    epoch = datetime(1970, 1, 1, tzinfo=None if times[0].tzinfo is None else UTC)
    try:
        deltas = map(sub, times, repeat(epoch))
        return np.fromiter(map(floordiv, deltas, repeat(_ONE_MICROSECOND)), np.int64, len(times))
    except TypeError:
        return None


def stable_order(
    keys: NDArray[np.int64], within: NDArray[np.intp] | None = None
) -> NDArray[np.intp]:
    """`np.argsort(keys, kind="stable")` for non-negative keys; with `within` (an order of the
    rows), that order re-sorted stably by `keys`, i.e. `within[np.argsort(keys[within],
    kind="stable")]`. A least-significant-digit radix sort on 16-bit digits, each pass numpy's
    radix sort of uint16: a few passes cost less than one comparison sort of int64."""
    top = int(keys.max()) if len(keys) else 0
    passes = max(1, -(-top.bit_length() // 16))
    if passes == 1:
        digits_of: NDArray[Any] = keys.astype(np.uint16)[:, np.newaxis]
    elif np.little_endian:  # the 16-bit digits, least significant first: a view, no copy
        digits_of = np.ascontiguousarray(keys, np.int64).view(np.uint16).reshape(-1, 4)
    else:
        digits_of = np.stack([(keys >> s) & 0xFFFF for s in range(0, 64, 16)], 1)
        digits_of = digits_of.astype(np.uint16)
    order = within
    for digit in range(passes):
        digits = digits_of[:, digit]
        if order is None:
            order = np.argsort(digits, kind="stable")
        else:
            order = order[np.argsort(digits[order], kind="stable")]
    assert order is not None
    return order


def _aggregate_columns(
    problem: Problem,
    prepared: Prepared,
    product_of_row: NDArray[np.int64],
    row_member: NDArray[np.int64],
    members: list[str],
    quantity: NDArray[np.int64],
    tolerance: NDArray[np.int64],
    time_keys: NDArray[np.int64],
) -> None:
    """Pairs, their wants and first rows, each product's rows and totals: column-wise, with numpy.

    Rows come with integer codes (`row_member`: the rank of the member in `members`, sorted by
    id; the product's index). Stable radix sorts (`stable_order`) order the rows by time (then
    file position), then by product: the time order fcfs serves per product (`RowColumns`); then
    by product id and member: each pair's rows together in the output's order, the pair's
    first row (by time, then file position) at the head of its run. Sums are taken per run.
    Python looks at each row only inside C loops (`map`, numpy).
    """
    demand = problem.demand
    products = prepared.products
    n = len(demand)
    by_id = sorted(range(len(products)), key=lambda i: products[i].id)
    rank = np.empty(len(products), np.int64)
    rank[by_id] = np.arange(len(products), dtype=np.int64)
    span = time_keys - time_keys.min()
    if not np.count_nonzero(span % 1_000_000):  # whole seconds (as exports write): fewer digits
        span //= 1_000_000
    by_product_time = stable_order(product_of_row, stable_order(span))
    del span
    if by_id == list(range(len(products))):  # products listed by id: the ranks are the indices
        row_rank = product_of_row
        by_rank_time = by_product_time
    else:
        row_rank = rank[product_of_row]
        by_rank_time = stable_order(row_rank, by_product_time)
    # by member, product id, time, then file position
    order = stable_order(row_member, by_rank_time)
    del by_rank_time
    # Fewer and smaller temporaries (in place, dropped early): a million rows' arrays are fresh
    # memory, and the first touch of each page costs the kernel's time too.
    sorted_key = row_member * max(1, len(products))
    sorted_key += row_rank
    sorted_key = sorted_key[order]
    is_start = np.empty(n, bool)
    is_start[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=is_start[1:])
    del sorted_key
    starts = np.flatnonzero(is_start)
    row_pair = np.empty(n, np.int64)
    pair_of_sorted = np.cumsum(is_start)
    pair_of_sorted -= 1
    row_pair[order] = pair_of_sorted
    del pair_of_sorted, is_start
    want_q = np.add.reduceat(quantity[order], starts)
    want_t = np.add.reduceat(tolerance[order], starts)
    pair_first_row = order[starts]
    pair_members = row_member[pair_first_row]
    pair_product = product_of_row[pair_first_row]
    prepared.members_with_pairs = members
    prepared.member_pair_counts = np.bincount(pair_members, minlength=len(members)).tolist()
    listed = [m.id for m in problem.members]
    if set(members).issuperset(listed):
        prepared.member_ids = members
    else:
        prepared.member_ids = sorted(set(members).union(listed))
    counts = np.bincount(product_of_row, minlength=len(products))
    totals_q = np.zeros(len(products), np.int64)
    totals_t = np.zeros(len(products), np.int64)
    np.add.at(totals_q, product_of_row, quantity)
    np.add.at(totals_t, product_of_row, tolerance)
    for product, q, t in zip(products, totals_q.tolist(), totals_t.tolist(), strict=True):
        product.total_quantity, product.total_tolerance = q, t
    prepared.row_quantity = demand.quantity
    prepared.row_tolerance = demand.tolerance
    prepared.row_time = demand.placed_at
    product_starts = np.zeros(len(products) + 1, np.intp)
    np.cumsum(counts, out=product_starts[1:])
    # The lists are made from the arrays when first read.
    prepared._pair_member = prepared._pair_product = None
    prepared._want_quantity = prepared._want_tolerance = None
    prepared._pair_first_row = prepared._row_pair = prepared._product_rows = None
    prepared.columns = RowColumns(
        product_of_row,
        quantity,
        tolerance,
        row_pair,
        time_keys,
        by_product_time,
        product_starts,
        pair_members,
        pair_product,
        want_q,
        want_t,
        pair_first_row,
    )
