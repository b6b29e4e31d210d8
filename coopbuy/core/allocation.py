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

from coopbuy.core.costshare import share_minor
from coopbuy.core.decision import Decision
from coopbuy.core.errors import ProblemError
from coopbuy.core.explain import explain
from coopbuy.core.metrics import certify, compute_metrics
from coopbuy.core.money import from_minor
from coopbuy.core.policies.fcfs import allocate_fcfs
from coopbuy.core.policies.proportional import allocate_proportional
from coopbuy.core.prepared import Prepared, prepare
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
    """Build the result from a policy's decision: the steps every policy shares."""
    mu = prepared.minor_units
    products = prepared.products
    prices = [p.price_at(c) for p, c in zip(products, decision.cases, strict=True)]

    product_results: list[ProductResult] = []
    lines_of: dict[str, list[tuple[str, int, int, int]]] = {}
    goods: dict[str, int] = dict.fromkeys(prepared.member_ids, 0)
    requested: dict[str, int] = dict.fromkeys(prepared.member_ids, 0)
    received_q: dict[str, int] = dict.fromkeys(prepared.member_ids, 0)
    received_t: dict[str, int] = dict.fromkeys(prepared.member_ids, 0)
    supplier_goods: list[dict[str, int]] = [{} for _ in prepared.suppliers]
    delivered = 0
    tolerance_units = 0
    for p in sorted(range(len(products)), key=lambda i: products[i].id):
        product, price = products[p], prices[p]
        units = decision.cases[p] * product.case_size
        gq, gt = decision.got_quantity[p], decision.got_tolerance[p]
        allocated = 0
        by_member = supplier_goods[product.supplier]
        for m, want, q, t in zip(product.members, product.want_quantity, gq, gt, strict=True):
            requested[m] += want
            if q or t:
                amount = (q + t) * price
                lines_of.setdefault(m, []).append((product.id, q, t, amount))
                goods[m] += amount
                received_q[m] += q
                received_t[m] += t
                by_member[m] = by_member.get(m, 0) + amount
                allocated += q + t
                delivered += q * product.base_price
                tolerance_units += t
        if allocated != units:  # rule 1; a policy bug must never reach a member's bill
            raise AssertionError(f"{product.id}: {allocated} units allocated of {units}")
        product_results.append(
            ProductResult(
                product.id,
                decision.cases[p],
                units,
                from_minor(price, mu),
                allocated,
                product.total_quantity,
                product.total_tolerance,
            )
        )

    delivery: dict[str, int] = dict.fromkeys(prepared.member_ids, 0)
    supplier_results: list[SupplierResult] = []
    fees = 0
    for s in sorted(prepared.suppliers, key=lambda s: s.id):
        value = sum(supplier_goods[s.index].values())
        ordered = any(decision.cases[p] for p in s.products)
        free = s.free_delivery_over is not None and value >= s.free_delivery_over
        fee = s.delivery_fee if ordered and not free else 0
        fees += fee
        if fee:
            for m, share in share_minor(fee, supplier_goods[s.index]).items():
                delivery[m] += share
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
            from_minor(goods[m], mu),
            from_minor(delivery[m], mu),
            from_minor(goods[m] + delivery[m], mu),
            requested[m],
            received_q[m],
            received_t[m],
        )
        for m in prepared.member_ids
    )
    table = _allocation_table(prepared, lines_of)
    if decision.status is not None:
        proven: bool | None = decision.status.proven_optimal
        gap: float | None = decision.status.gap
    else:
        proven = certify(prepared, decision, delivered, tolerance_units, fees, goods)
        gap = 0.0 if proven else None
    objective = Objective(
        from_minor(delivered, mu), tolerance_units, from_minor(fees, mu), proven, gap
    )
    metrics = compute_metrics(prepared, decision, prices, requested, received_q)
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


def _allocation_table(
    prepared: Prepared, lines_of: dict[str, list[tuple[str, int, int, int]]]
) -> AllocationTable:
    """Lines by member then product (each member's lines were built in product-id order)."""
    member: list[str] = []
    product: list[str] = []
    from_q: list[int] = []
    from_t: list[int] = []
    amount: list[int] = []
    for m in prepared.member_ids:
        lines = lines_of.get(m)
        if not lines:
            continue
        member.extend([m] * len(lines))
        for pid, q, t, a in lines:
            product.append(pid)
            from_q.append(q)
            from_t.append(t)
            amount.append(a)
    return AllocationTable(
        prepared.minor_units,
        tuple(member),
        tuple(product),
        tuple(from_q),
        tuple(from_t),
        tuple(amount),
    )
