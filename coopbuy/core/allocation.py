"""`allocate(problem) -> AllocationResult`: a policy, then the shared finishing steps.

Finishing: the applied prices (rule 3), the allocation lines and member totals, the supplier fees
and their delivery shares (rule 6, via `costshare.share_minor`: pro rata to goods value, remainder
pennies to the largest shares first, ties by member id), the objective, the metrics and, when asked,
the explanations. All money is integer minor units until the result is built.

Readings of the spec: a member listed in `members` with no demand still appears in the result with
zeros; allocation lines list only units > 0; a supplier's `meets_minimum` is `goods >=
min_order_value` after the allocation (so a supplier that was dropped shows false).
"""

from __future__ import annotations

from itertools import accumulate, compress
from operator import add, mul, sub

from coopbuy.core.costshare import share_minor
from coopbuy.core.decision import Decision
from coopbuy.core.errors import ProblemError
from coopbuy.core.explain import explain
from coopbuy.core.metrics import certify, compute_metrics
from coopbuy.core.money import from_minor
from coopbuy.core.policies.fcfs import allocate_fcfs
from coopbuy.core.policies.proportional import allocate_proportional
from coopbuy.core.prepared import Prepared, PSupplier, prepare
from coopbuy.core.problem import (
    POLICIES,
    AllocationResult,
    AllocationTable,
    MemberResult,
    Objective,
    Policy,
    Problem,
    ProductResult,
    SupplierResult,
)


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
    """Build the result from a policy's decision: the steps every policy shares, column-wise."""
    mu = prepared.minor_units
    products = prepared.products
    prices = [p.price_at(c) for p, c in zip(products, decision.cases, strict=True)]
    gq, gt = decision.got_quantity, decision.got_tolerance
    pair_product = prepared.pair_product

    # Per product: the units handed out must be exactly the units ordered (rule 1).
    given_q = [0] * len(products)
    given_t = [0] * len(products)
    for p, q, t in zip(pair_product, gq, gt, strict=True):
        given_q[p] += q
        given_t[p] += t
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

    # Per member: pairs are numbered member by member, so a member's sums are runs.
    units = list(map(add, gq, gt))
    amounts = list(map(mul, units, map(prices.__getitem__, pair_product)))
    goods = _member_sums(prepared, amounts)
    requested = _member_sums(prepared, prepared.want_quantity)
    received_q = _member_sums(prepared, gq)
    received_t = _member_sums(prepared, gt)

    delivery: dict[str, int] = {}
    supplier_results: list[SupplierResult] = []
    fees = 0
    for s in sorted(prepared.suppliers, key=lambda s: s.id):
        value = sum(decision.cases[p] * products[p].case_size * prices[p] for p in s.products)
        ordered = any(decision.cases[p] for p in s.products)
        free = s.free_delivery_over is not None and value >= s.free_delivery_over
        fee = s.delivery_fee if ordered and not free else 0
        fees += fee
        if fee:
            for m, share in share_minor(fee, _supplier_goods(prepared, s, units, amounts)).items():
                delivery[m] = delivery.get(m, 0) + share
        supplier_results.append(
            SupplierResult(
                s.id,
                ordered,
                from_minor(value, mu),
                from_minor(fee, mu),
                value >= s.min_order_value,
            )
        )

    member_results = tuple(
        MemberResult(
            m,
            from_minor(goods.get(m, 0), mu),
            from_minor(delivery.get(m, 0), mu),
            from_minor(goods.get(m, 0) + delivery.get(m, 0), mu),
            requested.get(m, 0),
            received_q.get(m, 0),
            received_t.get(m, 0),
        )
        for m in prepared.member_ids
    )
    table = _allocation_table(prepared, decision, units, amounts)
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
        member_results,
        tuple(supplier_results),
        objective,
        metrics,
        explanations,
    )


def _member_sums(prepared: Prepared, column: list[int]) -> dict[str, int]:
    """Per member, the sum of a column given in output order (each member's pairs are a run)."""
    ends = list(accumulate(prepared.member_pair_counts))
    totals = list(accumulate(column, initial=0))
    sums = map(sub, map(totals.__getitem__, ends), map(totals.__getitem__, [0, *ends[:-1]]))
    return dict(zip(prepared.members_with_pairs, sums, strict=True))


def _supplier_goods(
    prepared: Prepared, supplier: PSupplier, units: list[int], amounts: list[int]
) -> dict[str, int]:
    """Each receiving member's goods value from one supplier (the weights of its delivery shares;
    a member who received only free units is there with 0)."""
    mine = set(supplier.products)
    goods: dict[str, int] = {}
    member, product = prepared.pair_member, prepared.pair_product
    for m, p, got, amount in zip(member, product, units, amounts, strict=True):
        if got and p in mine:
            goods[m] = goods.get(m, 0) + amount
    return goods


def _allocation_table(
    prepared: Prepared, decision: Decision, units: list[int], amounts: list[int]
) -> AllocationTable:
    """The lines with units > 0, already in the contract's order (member, then product)."""
    product_ids = [p.id for p in prepared.products]
    return AllocationTable(
        prepared.minor_units,
        tuple(compress(prepared.pair_member, units)),
        tuple(map(product_ids.__getitem__, compress(prepared.pair_product, units))),
        tuple(compress(decision.got_quantity, units)),
        tuple(compress(decision.got_tolerance, units)),
        tuple(compress(amounts, units)),
    )
