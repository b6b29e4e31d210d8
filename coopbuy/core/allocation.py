"""`allocate(problem) -> AllocationResult`: a policy, then the shared finishing steps.

Finishing: the applied prices (rule 3), the allocation lines and member totals, the supplier fees
and their delivery shares (rule 6, as `costshare.share_minor` computes them, in integers: pro rata
to goods value, remainder pennies to the largest shares first, ties by member id), the objective,
the metrics and, when asked, the explanations. All money is integer minor units until the result
is built.

Readings of the spec: a member listed in `members` with no demand still appears in the result with
zeros; allocation lines list only units > 0; a supplier's `meets_minimum` is `goods >=
min_order_value` after the allocation (so a supplier that was dropped shows false).
"""

from __future__ import annotations

from itertools import accumulate, repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coopbuy.core.decision import Decision
from coopbuy.core.errors import ProblemError
from coopbuy.core.explain import explain
from coopbuy.core.metrics import certify, compute_metrics
from coopbuy.core.money import from_minor, split_minor
from coopbuy.core.policies.fcfs import allocate_fcfs
from coopbuy.core.policies.proportional import allocate_proportional
from coopbuy.core.prepared import Prepared, PSupplier, prepare, stable_order
from coopbuy.core.problem import (
    POLICIES,
    AllocationResult,
    AllocationTable,
    LazyTuple,
    MemberColumns,
    Objective,
    Policy,
    Problem,
    ProductResult,
    SupplierResult,
    TableColumns,
)
from coopbuy.core.smallpages import small_pages


def allocate(
    problem: Problem,
    *,
    policy: Policy | None = None,
    time_limit: float = 10.0,
    explain_result: bool = False,
) -> AllocationResult:
    """Allocate whole cases to members under `policy` (default: the problem's own)."""
    chosen = policy or problem.policy
    if chosen is None:
        raise ProblemError("policy", "missing: give it in the problem or choose one (--policy)")
    if chosen not in POLICIES:
        raise ProblemError("policy", f'must be one of fcfs, proportional, optimal, not "{chosen}"')
    if not time_limit > 0:
        raise ProblemError("time_limit", "must be a positive number of seconds")
    with small_pages():
        prepared = prepare(problem)
        return finish(prepared, run_policy(prepared, chosen, time_limit), chosen, explain_result)


def run_policy(prepared: Prepared, policy: Policy, time_limit: float) -> Decision:
    if policy == "fcfs":
        return allocate_fcfs(prepared)
    if policy == "proportional":
        return allocate_proportional(prepared)
    from coopbuy.core.policies.optimal import allocate_optimal  # HiGHS loads only when needed

    return allocate_optimal(prepared, time_limit=time_limit)


def finish(
    prepared: Prepared, decision: Decision, policy: Policy, explain_result: bool
) -> AllocationResult:
    """Build the result from a policy's decision: the steps every policy shares, column-wise.

    The per-pair columns (a million on a big round) are summed with numpy (`_Columns`): every
    Python-level loop left here runs per product, supplier or member.
    """
    mu = prepared.minor_units
    products = prepared.products
    prices = [p.price_at(c) for p, c in zip(products, decision.cases, strict=True)]
    cols = _Columns(prepared, decision, prices)

    # Per product: the units handed out must be exactly the units ordered (rule 1).
    given_q = cols.per_product(cols.got_q)
    given_t = cols.per_product(cols.got_t)
    product_results: list[ProductResult] = []
    for p in sorted(range(len(products)), key=lambda i: products[i].id):
        product = products[p]
        case_units = decision.cases[p] * product.case_size
        allocated = given_q[p] + given_t[p]
        if allocated != case_units:  # a policy bug must never reach a member's bill
            raise AssertionError(f"{product.id}: {allocated} units allocated of {case_units}")
        product_results.append(
            ProductResult(
                product.id,
                decision.cases[p],
                case_units,
                from_minor(prices[p], mu),
                allocated,
                product.total_quantity,
                product.total_tolerance,
            )
        )
    delivered = sum(q * p.base_price for q, p in zip(given_q, products, strict=True))
    tolerance_units = sum(given_t)

    # Per member (in `members_with_pairs` order): pairs are numbered member by member.
    with_pairs = prepared.members_with_pairs
    goods_array = cols.per_member_array(cols.amounts)
    requested = cols.per_member_array(cols.want_q)
    received_q = cols.per_member_array(cols.got_q)
    received_t = cols.per_member_array(cols.got_t)

    delivery: NDArray[Any] | None = None  # per member of `members_with_pairs`
    supplier_results: list[SupplierResult] = []
    fees = 0
    for s in sorted(prepared.suppliers, key=lambda s: s.id):
        value = sum(decision.cases[p] * products[p].case_size * prices[p] for p in s.products)
        ordered = any(decision.cases[p] for p in s.products)
        free = s.free_delivery_over is not None and value >= s.free_delivery_over
        fee = s.delivery_fee if ordered and not free else 0
        fees += fee
        if fee:
            receivers, shares = cols.delivery_shares(s, fee)
            if delivery is None:
                delivery = np.zeros(len(with_pairs), object)
            np.add.at(delivery, receivers, shares)
        supplier_results.append(
            SupplierResult(
                s.id,
                ordered,
                from_minor(value, mu),
                from_minor(fee, mu),
                value >= s.min_order_value,
            )
        )

    member_ids = prepared.member_ids
    if member_ids is with_pairs or member_ids == with_pairs:
        at = None
    else:  # members with a budget and no demand: zeros (the extra last entry)
        position = dict(zip(with_pairs, range(len(with_pairs)), strict=True))
        at = np.fromiter(map(position.get, member_ids, repeat(-1)), np.intp, len(member_ids))

    def of_members(column: NDArray[Any]) -> list[int]:
        values: list[int] = (column if at is None else np.append(column, 0)[at]).tolist()
        return values

    members = MemberColumns(
        mu,
        member_ids,
        of_members(goods_array),
        None if delivery is None else of_members(delivery),
        of_members(requested),
        of_members(received_q),
        of_members(received_t),
    )
    # By member id, for the bound of `certify` (members with a budget) and the explanations.
    goods = (
        dict(zip(with_pairs, goods_array.tolist(), strict=True))
        if prepared.budgets or explain_result
        else {}
    )
    table = cols.allocation_table()
    if decision.status is not None:
        proven: bool | None = decision.status.proven_optimal
        gap: float | None = decision.status.gap
    else:
        proven = certify(prepared, delivered, tolerance_units, fees, goods)
        gap = 0.0 if proven else None
    objective = Objective(
        from_minor(delivered, mu), tolerance_units, from_minor(fees, mu), proven, gap
    )
    given = [q + t for q, t in zip(given_q, given_t, strict=True)]
    metrics = compute_metrics(prepared, decision, prices, given, requested, received_q)
    explanations = explain(prepared, decision, policy, prices, goods) if explain_result else ()
    return AllocationResult(
        policy,
        prepared.currency,
        tuple(product_results),
        table,
        LazyTuple(len(member_ids), members.results, members),
        tuple(supplier_results),
        objective,
        metrics,
        explanations,
    )


def share_largest_first(total: int, weights: list[int], keys: list[str]) -> list[int]:
    """`share_minor(total, dict(zip(keys, weights)))` for non-negative int weights and ascending
    `keys`, in int64 when nothing can overflow: `split_minor` makes a `Fraction` per member, which
    took 13 s for 40 suppliers' fees over 50,000 members. Floors of total x weight / sum, then
    the pennies left to the largest weights first, ties by key (position); all weights 0: equal.
    """
    if not weights or total < 0 or max(weights) * max(total, 1) * len(weights) >= _INT64_LIMIT:
        return split_minor(total, weights, tiebreak_keys=keys, rule="largest_share")
    w = np.array(weights, np.int64)
    weight_sum = int(w.sum())
    if weight_sum == 0:
        w = np.ones(len(w), np.int64)
        weight_sum = len(w)
    parts = total * w // weight_sum
    left = total - int(parts.sum())
    if left:
        eligible = np.flatnonzero(w > 0)  # ascending: the key order breaks ties (stable sort)
        order = eligible[np.argsort(-w[eligible], kind="stable")]
        np.add.at(parts, order[np.arange(left) % len(order)], 1)
    shares: list[int] = parts.tolist()
    return shares


#: int64 holds every sum when the largest possible one stays below this; else exact Python ints.
_INT64_LIMIT = 2**62


def _int_array(values: list[int]) -> NDArray[Any]:
    """int64 if every value fits, else an object array of the exact Python ints."""
    try:
        return np.fromiter(values, np.int64, len(values))  # faster than np.array on a list
    except OverflowError:
        return np.array(values, object)


class _Columns:
    """The per-pair columns of a decision as numpy arrays, in output order (member, product).

    The dtype is int64 when no sum can overflow it (the largest amount times the number of pairs
    is below 2^62), else `object`: numpy then adds exact Python ints, slower but the same code.
    """

    def __init__(self, prepared: Prepared, decision: Decision, prices: list[int]) -> None:
        self.prepared = prepared
        self.decision = decision
        self.n_products = len(prepared.products)
        columns = prepared.columns
        if columns is not None:
            self.pair_product: NDArray[Any] = columns.pair_product
            want = columns.want_quantity
        else:
            self.pair_product = np.array(prepared.pair_product, np.intp)
            want = _int_array(prepared.want_quantity)
        gq, gt = _int_array(decision.got_quantity), _int_array(decision.got_tolerance)
        n = len(gq)
        biggest = max(int(gq.max()) + int(gt.max()), int(want.max())) if n else 0
        if max(1, n) * biggest * max(1, max(prices, default=0)) >= _INT64_LIMIT:
            gq, gt, want = gq.astype(object), gt.astype(object), want.astype(object)
        self.got_q: NDArray[Any] = gq
        self.got_t: NDArray[Any] = gt
        self.want_q: NDArray[Any] = want
        self.units: NDArray[Any] = gq + gt
        self.amounts: NDArray[Any] = self.units * np.array(prices, gq.dtype)[self.pair_product]
        counts = prepared.member_pair_counts
        self.member_starts = np.array([0, *accumulate(counts)][:-1], np.intp)
        self._pair_member_index = np.repeat(np.arange(len(counts), dtype=np.intp), counts)
        self._by_supplier: tuple[NDArray[np.intp], list[int]] | None = None

    def per_product(self, column: NDArray[Any]) -> list[int]:
        """The column summed per product (aligned with `prepared.products`)."""
        totals = np.zeros(self.n_products, column.dtype)
        np.add.at(totals, self.pair_product, column)
        sums: list[int] = totals.tolist()
        return sums

    def per_member_array(self, column: NDArray[Any]) -> NDArray[Any]:
        """The column summed per member of `members_with_pairs` (each member's pairs are a run)."""
        if not len(column):
            return np.zeros(0, column.dtype)
        sums: NDArray[Any] = np.add.reduceat(column, self.member_starts)
        return sums

    def delivery_shares(self, supplier: PSupplier, fee: int) -> tuple[NDArray[np.intp], list[int]]:
        """Rule 6 for one supplier: its receiving members (indices into `members_with_pairs`,
        ascending, i.e. by id) and their shares of `fee`, pro rata to their goods from it (a
        member who received only free units is there with weight 0)."""
        if self._by_supplier is None:
            self._by_supplier = self._receiving_pairs_by_supplier()
        pairs, bounds = self._by_supplier
        rows = pairs[bounds[supplier.index] : bounds[supplier.index + 1]]  # ascending
        who = self._pair_member_index[rows]  # members by id: each member's pairs are a run
        if not len(who):  # nobody to share with: `split_minor` refuses, as it always did
            return who, share_largest_first(fee, [], [])
        starts = np.flatnonzero(np.concatenate(([True], who[1:] != who[:-1])))
        receivers = who[starts]
        totals = np.add.reduceat(self.amounts[rows], starts)
        members = self.prepared.members_with_pairs
        keys = [members[i] for i in receivers.tolist()]
        return receivers, share_largest_first(fee, totals.tolist(), keys)

    def _receiving_pairs_by_supplier(self) -> tuple[NDArray[np.intp], list[int]]:
        """The pairs with units, grouped by supplier (ascending within each), and the bounds of
        each supplier's group: one sort for every supplier's delivery shares."""
        suppliers = self.prepared.suppliers
        supplier_of = np.zeros(self.n_products, np.int64)
        for s in suppliers:
            supplier_of[s.products] = s.index
        pairs = np.flatnonzero(self.units > 0)
        supplier = supplier_of[self.pair_product[pairs]]
        counts = np.bincount(supplier, minlength=len(suppliers))
        return pairs[stable_order(supplier)], [0, *np.cumsum(counts).tolist()]

    def allocation_table(self) -> AllocationTable:
        """The lines with units > 0, already in the contract's order (member, then product)."""
        prepared = self.prepared
        keep = np.flatnonzero(self.units > 0)
        return AllocationTable.from_arrays(
            prepared.minor_units,
            TableColumns(
                prepared.members_with_pairs,
                self._pair_member_index[keep],
                [p.id for p in prepared.products],
                self.pair_product[keep],
                self.got_q[keep],
                self.got_t[keep],
                self.amounts[keep],
            ),
        )
