"""The problem in the engine's working form: integer pence, rows grouped per product, sorted once.

Built once per `allocate` call and shared by the policies and the finishing steps. Every amount is
an integer count of minor units, so no `Decimal` arithmetic happens per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from coopbuy.core.errors import ProblemError
from coopbuy.core.money import minor_units_for, to_minor
from coopbuy.core.problem import Problem


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
    """One product with its demand: `members` in order of their first row (time, then file)."""

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
    members: list[str] = field(default_factory=list)
    first_time: list[datetime] = field(default_factory=list)
    want_quantity: list[int] = field(default_factory=list)
    want_tolerance: list[int] = field(default_factory=list)
    row_member: list[int] = field(default_factory=list)  # rows in processing order: member position
    row_quantity: list[int] = field(default_factory=list)
    row_tolerance: list[int] = field(default_factory=list)

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
class Prepared:
    currency: str
    minor_units: int
    suppliers: list[PSupplier]
    products: list[PProduct]
    member_ids: list[str]  # every member, sorted: those with demand and those with a budget
    budgets: dict[str, int]  # only members with a budget


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
    product_index: dict[str, int] = {}
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
        product_index[p.id] = i
        products.append(product)
        suppliers[product.supplier].products.append(i)
    _group_demand(problem, products, product_index)
    budgets = {m.id: to_minor(m.budget, mu) for m in problem.members if m.budget is not None}
    member_ids = sorted(set(problem.demand.member).union(m.id for m in problem.members))
    return Prepared(problem.currency, mu, suppliers, products, member_ids, budgets)


def _group_demand(problem: Problem, products: list[PProduct], index: dict[str, int]) -> None:
    """Group rows per product in file order, then sort each group by time (stable: ties by file)."""
    demand = problem.demand
    groups: list[list[int]] = [[] for _ in products]
    try:
        for row, p in enumerate(map(index.__getitem__, demand.product)):
            groups[p].append(row)
    except KeyError:
        row = next(i for i, p in enumerate(demand.product) if p not in index)
        raise ProblemError(
            f"demand[{row}].product", f'unknown product "{demand.product[row]}"'
        ) from None
    times = demand.placed_at
    member, quantity, tolerance = demand.member, demand.quantity, demand.tolerance
    for product, group in zip(products, groups, strict=True):
        group.sort(key=times.__getitem__)
        position: dict[str, int] = {}
        members, first_time = product.members, product.first_time
        want_q, want_t = product.want_quantity, product.want_tolerance
        row_member = product.row_member
        for row in group:
            m = member[row]
            pos = position.get(m)
            if pos is None:
                pos = position[m] = len(members)
                members.append(m)
                first_time.append(times[row])
                want_q.append(0)
                want_t.append(0)
            row_member.append(pos)
            want_q[pos] += quantity[row]
            want_t[pos] += tolerance[row]
        product.row_quantity = [quantity[row] for row in group]
        product.row_tolerance = [tolerance[row] for row in group]
        product.total_quantity = sum(want_q)
        product.total_tolerance = sum(want_t)
