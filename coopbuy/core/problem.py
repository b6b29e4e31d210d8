"""The allocation problem and its result as frozen, typed dataclasses (the contract in Python).

Demand and allocation lines are stored column-wise (`Demand`, `AllocationTable`): a big round has a
million demand rows, and a million row objects would cost more than reading the JSON. Both still
iterate as frozen row dataclasses (`DemandRow`, `AllocationLine`) for callers that want rows.
Money inside the result tables is in integer minor units; the row views give `Decimal`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any, Literal, overload

from coopbuy.core.money import from_minor
from coopbuy.core.pricing import PriceTier

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Policy = Literal["fcfs", "proportional", "optimal"]
POLICIES: tuple[Policy, ...] = ("fcfs", "proportional", "optimal")


@dataclass(frozen=True, slots=True)
class Supplier:
    id: str
    min_order_value: Decimal = Decimal(0)
    delivery_fee: Decimal = Decimal(0)
    free_delivery_over: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    supplier: str
    case_size: int
    unit_price: Decimal
    price_tiers: tuple[PriceTier, ...] = ()
    min_cases: int = 0
    max_cases: int | None = None
    retail_unit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    budget: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DemandRow:
    member: str
    product: str
    quantity: int
    tolerance: int
    placed_at: datetime  # aware


class LazyTuple[T](Sequence[T]):
    """A tuple made by `make` when first read: the fast parser (`jsontext`) keeps a million rows
    as numpy columns, and turns them into Python objects only for a caller that reads them row by
    row. Equal to (and hashed as) the tuple it stands for. `source`, if given, is what `make`
    reads (a writer may read it instead: `jsontext.result_to_text`)."""

    __slots__ = ("_length", "_make", "_values", "source")

    def __init__(
        self, length: int, make: Callable[[], tuple[T, ...]], source: object = None
    ) -> None:
        self.source = source
        self._length = length
        self._make: Callable[[], tuple[T, ...]] | None = make
        self._values: tuple[T, ...] | None = None

    def values(self) -> tuple[T, ...]:
        if self._values is None:
            assert self._make is not None
            self._values, self._make = self._make(), None
            if len(self._values) != self._length:
                raise AssertionError(f"{len(self._values)} values made, {self._length} expected")
        return self._values

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.values()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.values())

    def __contains__(self, value: object) -> bool:
        return value in self.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyTuple):
            other = other.values()
        return self.values() == other

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        return repr(self.values())


@dataclass(frozen=True, slots=True)
class DemandCodes:
    """The demand's ids as integer codes, as the fast parser (`jsontext`) reads them: row i's
    member is `member_ids[member[i]]`, its product `product_ids[product[i]]` (either list may
    hold ids no row uses). `prepare` works on these instead of a million strings."""

    member_ids: Sequence[str]
    member: NDArray[np.intp]
    product_ids: Sequence[str]
    product: NDArray[np.intp]
    quantity: NDArray[np.int64]
    tolerance: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Demand:
    """Demand rows column by column, in file order (the tie-break for equal `placed_at`).

    The columns are tuples, or `LazyTuple`s when the fast parser read them (then `codes` and
    `time_keys` hold them as arrays, and the tuples are made only if someone reads them)."""

    member: Sequence[str] = ()
    product: Sequence[str] = ()
    quantity: Sequence[int] = ()
    tolerance: Sequence[int] = ()
    placed_at: Sequence[datetime] = ()
    #: Each `placed_at` as int64 microseconds since 1970 UTC, when the parser had them for free
    #: (`jsontext`, from times written as "2026-11-20T10:00:00Z"); else None, and `prepare`
    #: computes them from the datetimes. Not compared: it repeats `placed_at`.
    time_keys: NDArray[np.int64] | None = field(default=None, compare=False, repr=False)
    #: The other columns as arrays, when the fast parser read them (not compared, likewise).
    codes: DemandCodes | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_rows(cls, rows: Iterable[DemandRow]) -> Demand:
        rows = list(rows)
        return cls(
            tuple(r.member for r in rows),
            tuple(r.product for r in rows),
            tuple(r.quantity for r in rows),
            tuple(r.tolerance for r in rows),
            tuple(r.placed_at for r in rows),
        )

    def __len__(self) -> int:
        return len(self.member)

    def __iter__(self) -> Iterator[DemandRow]:
        return map(
            DemandRow, self.member, self.product, self.quantity, self.tolerance, self.placed_at
        )


@dataclass(frozen=True, slots=True)
class Problem:
    currency: str
    suppliers: tuple[Supplier, ...]
    products: tuple[Product, ...]
    members: tuple[Member, ...]
    demand: Demand
    policy: Policy | None = None  # the caller's choice wins (`allocate(policy=...)`, `--policy`)


@dataclass(frozen=True, slots=True)
class ProductResult:
    id: str
    cases: int
    units: int
    unit_price: Decimal  # applied (rule 3)
    allocated: int
    requested_quantity: int
    requested_tolerance: int


@dataclass(frozen=True, slots=True)
class AllocationLine:
    member: str
    product: str
    units: int
    from_quantity: int
    from_tolerance: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TableColumns:
    """An `AllocationTable`'s columns as numpy arrays (what `allocate` computes them in): line i's
    member is `member_ids[member[i]]`, its product `product_ids[product[i]]`; the amounts are
    int64, or Python ints in an object array when int64 could overflow."""

    member_ids: Sequence[str]
    member: NDArray[np.intp]
    product_ids: Sequence[str]
    product: NDArray[np.intp]
    from_quantity: NDArray[np.int64]
    from_tolerance: NDArray[np.int64]
    amount_minor: NDArray[Any]


@dataclass(frozen=True, slots=True)
class AllocationTable:
    """Allocation lines (units > 0) sorted by member then product, column by column.

    Made by `allocate`, the columns are `LazyTuple`s over `arrays` (the tuples are made when
    first read; `jsontext.result_to_text` writes the ids from the arrays)."""

    minor_units: int
    member: Sequence[str] = ()
    product: Sequence[str] = ()
    from_quantity: Sequence[int] = ()
    from_tolerance: Sequence[int] = ()
    amount_minor: Sequence[int] = ()
    arrays: TableColumns | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_arrays(cls, minor_units: int, arrays: TableColumns) -> AllocationTable:
        n = len(arrays.member)
        return cls(
            minor_units,
            LazyTuple(n, partial(_ids_of, arrays.member_ids, arrays.member), arrays),
            LazyTuple(n, partial(_ids_of, arrays.product_ids, arrays.product), arrays),
            LazyTuple(n, partial(_ints_of, arrays.from_quantity)),
            LazyTuple(n, partial(_ints_of, arrays.from_tolerance)),
            LazyTuple(n, partial(_ints_of, arrays.amount_minor)),
            arrays,
        )

    def __len__(self) -> int:
        return len(self.member)

    def __iter__(self) -> Iterator[AllocationLine]:
        mu = self.minor_units
        for m, p, q, t, a in zip(
            self.member,
            self.product,
            self.from_quantity,
            self.from_tolerance,
            self.amount_minor,
            strict=True,
        ):
            yield AllocationLine(m, p, q + t, q, t, from_minor(a, mu))


def _ids_of(ids: Sequence[str], codes: NDArray[np.intp]) -> tuple[str, ...]:
    return tuple(map(ids.__getitem__, codes.tolist()))


def _ints_of(column: NDArray[Any]) -> tuple[int, ...]:
    return tuple(column.tolist())


@dataclass(frozen=True, slots=True)
class MemberResult:
    id: str
    goods: Decimal
    delivery: Decimal
    total: Decimal
    requested_quantity: int
    received_quantity: int
    received_tolerance: int


@dataclass(frozen=True, slots=True)
class SupplierResult:
    id: str
    ordered: bool
    goods: Decimal
    delivery_fee: Decimal
    meets_minimum: bool


@dataclass(frozen=True, slots=True)
class Objective:
    """The optimal policy's three goals, reached by this result.

    `proven_optimal` is None when nobody proved anything (fcfs/proportional, unless a cheap bound
    shows the result is optimal anyway: then True and `gap` 0.0); False when the solver's time limit
    stopped it, with the relative `gap` of the stage it was in (None when the limit struck before
    the solver had any bound, so the gap is unknown).
    """

    delivered_value: Decimal
    tolerance_units: int
    delivery_fees: Decimal
    proven_optimal: bool | None
    gap: float | None


@dataclass(frozen=True, slots=True)
class Metrics:
    quantity_fill_rate: float
    min_member_fill: float
    jain_index: float
    leftover_units: int
    savings_vs_retail: Decimal


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why `member` received `received` of the `requested` units of `product`."""

    member: str
    product: str
    requested: int
    received: int
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class AllocationResult:
    policy: Policy
    currency: str
    products: tuple[ProductResult, ...]
    allocations: AllocationTable
    members: Sequence[MemberResult]  # from `allocate`: a `LazyTuple` over `MemberColumns`
    suppliers: tuple[SupplierResult, ...]
    objective: Objective
    metrics: Metrics
    explanations: tuple[Explanation, ...] = ()  # filled only when asked (`explain=True`)


@dataclass(frozen=True, slots=True)
class MemberColumns:
    """The members' results column by column, money in integer minor units (`delivery` None:
    every delivery free). `results` makes the `MemberResult`s from them."""

    minor_units: int
    id: Sequence[str]
    goods: Sequence[int]
    delivery: Sequence[int] | None
    requested_quantity: Sequence[int]
    received_quantity: Sequence[int]
    received_tolerance: Sequence[int]

    def totals(self) -> Sequence[int]:
        return self.goods if self.delivery is None else list(map(add, self.goods, self.delivery))

    def results(self) -> tuple[MemberResult, ...]:
        mus = repeat(self.minor_units)
        goods = list(map(from_minor, self.goods, mus))
        delivery: Iterable[Decimal]
        total: Iterable[Decimal]
        if self.delivery is None:  # the totals are the goods (Decimals are immutable)
            delivery, total = repeat(from_minor(0, self.minor_units)), goods
        else:
            delivery = map(from_minor, self.delivery, mus)
            total = map(from_minor, self.totals(), mus)
        return tuple(
            map(
                MemberResult,
                self.id,
                goods,
                delivery,
                total,
                self.requested_quantity,
                self.received_quantity,
                self.received_tolerance,
            )
        )
