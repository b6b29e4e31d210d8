"""Why a member got what they got: one reason code and one plain sentence per request.

Codes: `in_full` (all of the quantity arrived; not one of the spec's shortfall codes, but an
allocation line needs a reason too) and, for a shortfall, in this order of precedence:
`supplier_minimum_not_reached`, `max_cases`, `budget` (optimal only: the member's budget had less
left than one more unit), `shared_proportionally` (proportional), `later_orders_came_first` (fcfs:
earlier rows took the units), `case_not_filled` (the demand could not fill another case).
"""

from __future__ import annotations

from coopbuy.core.decision import Decision
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
        minimum = format_minor(supplier.min_order_value, mu)
        return (
            "supplier_minimum_not_reached",
            f"the order from {supplier.id} did not reach its minimum of {minimum}.",
        )
    if p in decision.capped:
        return "max_cases", f"{product.id} is limited to {_cases(product.max_cases or 0)}."
    budget = prepared.budgets.get(member)
    if policy == "optimal" and budget is not None and budget - goods.get(member, 0) < prices[p]:
        return "budget", "one more unit would have gone over your budget."
    if policy == "proportional" and cases:
        return (
            "shared_proportionally",
            f"the {_units(cases * product.case_size)} ordered were shared in proportion to "
            "what each member asked for.",
        )
    if policy == "fcfs" and cases:
        return (
            "later_orders_came_first",
            f"orders placed before yours used up the {_cases(cases)} ordered.",
        )
    return (
        "case_not_filled",
        f"the orders did not fill another case of {product.case_size}.",
    )
