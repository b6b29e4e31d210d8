"""First come, first served: the rule Foodsoft users know.

Cases per product (`fcfs_cases`, also used by `proportional`): Q // case_size full cases, plus one
if the remainder r > 0 and r + T >= case_size. Then the readings taken where rules interact:

- `max_cases` caps the count (the product is marked `capped` for the explanations).
- Fewer cases than `min_cases`: order `min_cases` if the demand fits (min_cases x size <= Q + T)
  and no case would be tolerance only ((min_cases - 1) x size < Q); otherwise order none. A case is
  never filled by tolerance alone under fcfs or proportional, as the spec says of the base rule.
- Rule 5 comes last: a supplier whose cases are worth less than its minimum (at the applied prices)
  orders nothing; fcfs does not add cases to reach the minimum (only `optimal` does that).

Units then go out in two passes over the rows in time order (ties: file order): every row's
quantity, then every row's tolerance, until the cases are used up. Budgets are not applied.
"""

from __future__ import annotations

from coopbuy.core.decision import Decision
from coopbuy.core.prepared import PProduct, Prepared


def fcfs_cases(product: PProduct) -> tuple[int, bool]:
    """The case count of the fcfs rule and whether `max_cases` held it back."""
    size, q, t = product.case_size, product.total_quantity, product.total_tolerance
    cases, rest = divmod(q, size)
    if rest and rest + t >= size:
        cases += 1
    capped = product.max_cases is not None and cases > product.max_cases
    if product.max_cases is not None and cases > product.max_cases:
        cases = product.max_cases
    lowest = product.min_cases
    if 0 < cases < lowest or (cases == 0 < lowest):
        fits = lowest * size <= q + t and (lowest - 1) * size < q
        cases = lowest if fits else 0
    return cases, capped


def apply_supplier_minimums(prepared: Prepared, cases: list[int]) -> set[int]:
    """Rule 5: zero the cases of every supplier below its minimum; return the products dropped."""
    dropped: set[int] = set()
    for supplier in prepared.suppliers:
        value = 0
        for p in supplier.products:
            product = prepared.products[p]
            value += cases[p] * product.case_size * product.price_at(cases[p])
        if value < supplier.min_order_value:
            for p in supplier.products:
                if cases[p]:
                    dropped.add(p)
                    cases[p] = 0
    return dropped


def decide_cases(prepared: Prepared) -> tuple[list[int], set[int], set[int]]:
    """Cases per product under fcfs and proportional, with the dropped and capped products."""
    cases: list[int] = []
    capped: set[int] = set()
    for product in prepared.products:
        count, was_capped = fcfs_cases(product)
        cases.append(count)
        if was_capped:
            capped.add(product.index)
    dropped = apply_supplier_minimums(prepared, cases)
    return cases, dropped, capped


def serve_in_order(units: int, rows: list[int], positions: list[int], got: list[int]) -> int:
    """Give each row (in time order) as much of its amount as is left; return what is left."""
    for pos, want in zip(positions, rows, strict=True):
        if want >= units:
            got[pos] += units
            return 0
        got[pos] += want
        units -= want
    return units


def allocate_fcfs(prepared: Prepared) -> Decision:
    cases, dropped, capped = decide_cases(prepared)
    got_q: list[list[int]] = []
    got_t: list[list[int]] = []
    for product, count in zip(prepared.products, cases, strict=True):
        units = count * product.case_size
        if units >= product.total_quantity:
            gq = list(product.want_quantity)
            left = units - product.total_quantity
        else:
            gq = [0] * len(product.members)
            left = serve_in_order(units, product.row_quantity, product.row_member, gq)
        if left >= product.total_tolerance:
            gt = list(product.want_tolerance)
        else:
            gt = [0] * len(product.members)
            serve_in_order(left, product.row_tolerance, product.row_member, gt)
        got_q.append(gq)
        got_t.append(gt)
    return Decision(cases, got_q, got_t, dropped, capped)
