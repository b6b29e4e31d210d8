"""Why a member got what they got: one reason code and one plain sentence per request.

Codes: `in_full` (all of the quantity arrived; not one of the spec's shortfall codes, but an
allocation line needs a reason too) and, for a shortfall, in this order of precedence:
`supplier_minimum_not_reached`, `max_cases`, `budget` (optimal only: the member's budget had less
left than one more unit), `shared_proportionally` (proportional), `later_orders_came_first` (fcfs:
earlier rows took the units), `case_not_filled` (the demand could not fill another case).
"""

from __future__ import annotations

from coopbuy.core.decision import Decision
from coopbuy.core.metrics import most_value
from coopbuy.core.money import format_minor
from coopbuy.core.prepared import PProduct, Prepared
from coopbuy.core.problem import Explanation, Policy


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def explain(
    prepared: Prepared, decision: Decision, policy: Policy, prices: list[int], goods: dict[str, int]
) -> tuple[Explanation, ...]:
    """An explanation for every (member, product) with a request or an allocation, sorted."""
    out: list[Explanation] = []
    gq, gt = decision.got_quantity, decision.got_tolerance
    for j in range(len(gq)):  # pairs are numbered member, then product: the contract's order
        want, q, t = prepared.want_quantity[j], gq[j], gt[j]
        if want == 0 and q + t == 0:
            continue
        product = prepared.products[prepared.pair_product[j]]
        m = prepared.pair_member[j]
        if q >= want:
            code = "in_full"
            text = f"You received all {_units(want)} of {product.id} you asked for" + (
                f", plus {t} from your tolerance." if t else "."
            )
        else:
            code, reason = _shortfall(prepared, decision, policy, product, m, prices, goods)
            asked = f"{_units(want)} of {product.id} you asked for"
            text = f"You received {q + t} of the {asked}: {reason}"
        out.append(Explanation(m, product.id, want, q + t, code, text))
    return tuple(out)


def _shortfall(
    prepared: Prepared,
    decision: Decision,
    policy: Policy,
    product: PProduct,
    member: str,
    prices: list[int],
    goods: dict[str, int],
) -> tuple[str, str]:
    p = product.index
    supplier = prepared.suppliers[product.supplier]
    cases = decision.cases[p]
    mu = prepared.minor_units
    nothing_from_supplier = not any(decision.cases[i] for i in supplier.products)
    if p in decision.dropped or (
        policy == "optimal" and nothing_from_supplier and supplier.min_order_value > 0
    ):
        return "supplier_minimum_not_reached", _below_minimum(prepared, decision, supplier.index)
    if p in decision.capped:
        return "max_cases", f"{product.id} is limited to {_cases(product.max_cases or 0)}."
    budget = prepared.budgets.get(member)
    if policy == "optimal" and budget is not None and budget - goods.get(member, 0) < prices[p]:
        left = format_minor(max(0, budget - goods.get(member, 0)), mu)
        return "budget", (
            f"your budget of {format_minor(budget, mu)} had {left} left, less than the "
            f"{format_minor(prices[p], mu)} one more unit costs."
        )
    if policy == "proportional" and cases:
        return (
            "shared_proportionally",
            f"the {_units(cases * product.case_size)} ordered were shared in proportion to "
            "what each member asked for.",
        )
    if cases and (policy == "fcfs" or p in decision.in_time_order):
        return (
            "later_orders_came_first",
            f"orders placed before yours used up the {_cases(cases)} ordered.",
        )
    return "case_not_filled", _not_filled(product, cases, policy)


def _below_minimum(prepared: Prepared, decision: Decision, supplier: int) -> str:
    """Why a supplier was not ordered from, with the amounts where they are known."""
    s = prepared.suppliers[supplier]
    mu = prepared.minor_units
    minimum = format_minor(s.min_order_value, mu)
    value = decision.short_of_minimum.get(supplier)
    if value is not None:
        worth = format_minor(value, mu)
        return f"the order from {s.id} came to {worth}, below its minimum of {minimum}."
    most = sum(most_value(prepared.products[p]) for p in s.products)
    if most < s.min_order_value:
        return (
            f"all the orders from {s.id} together could come to at most {format_minor(most, mu)},"
            f" below its minimum of {minimum}."
        )
    if decision.status is not None and decision.status.proven_optimal:
        return (
            f"within the members' budgets, the order from {s.id} could not reach its minimum"
            f" of {minimum}."
        )
    return f"the order from {s.id} did not reach its minimum of {minimum}."


def _not_filled(product: PProduct, cases: int, policy: Policy) -> str:
    """How far the demand was from filling one more case (or the product's minimum)."""
    size = product.case_size
    demand = product.total_quantity + product.total_tolerance
    if cases == 0 and product.min_cases > 1 and demand < product.min_cases * size:
        return (
            f"{product.id} is ordered {_cases(product.min_cases)} at a time at least"
            f" ({product.min_cases * size} units) and the orders came to {_units(demand)}."
        )
    missing = (cases + 1) * size - demand
    if missing > 0:
        return f"the orders did not fill another case of {size}: {_units(missing)} short."
    if policy == "optimal":
        return f"the members' budgets could not pay for another case of {size}."
    return f"the orders did not fill another case of {size}."
