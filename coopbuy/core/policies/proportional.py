"""Proportional: the fcfs case counts, units shared in proportion to what each member asked for.

Quantity first: if the cases hold less than all quantity, the units are shared pro rata to each
member's quantity by the largest-remainder method (a share never exceeds the quantity, since the
quota is below it). Units left after every quantity is met are shared the same way pro rata to
tolerance. Remainder ties go to the member whose first row for the product came earlier
(`placed_at`), then by member id. All in integers: quotas compare as exact remainders.
Budgets are not applied.
"""

from __future__ import annotations

from coopbuy.core.decision import Decision
from coopbuy.core.policies.fcfs import decide_cases
from coopbuy.core.prepared import PProduct, Prepared


def largest_remainder(units: int, wants: list[int], product: PProduct) -> list[int]:
    """Share `units` (at most sum(wants)) pro rata to `wants`; exact, remainders as documented."""
    total = sum(wants)
    if units >= total:
        return list(wants)
    shares = [units * w // total for w in wants]
    left = units - sum(shares)
    if left:
        remainders = [units * w % total for w in wants]
        order = sorted(
            (i for i, r in enumerate(remainders) if r),
            key=lambda i: (-remainders[i], product.first_time[i], product.members[i]),
        )
        for i in order[:left]:
            shares[i] += 1
    return shares


def allocate_proportional(prepared: Prepared) -> Decision:
    cases, dropped, capped = decide_cases(prepared)
    got_q: list[list[int]] = []
    got_t: list[list[int]] = []
    for product, count in zip(prepared.products, cases, strict=True):
        units = count * product.case_size
        got_q.append(largest_remainder(units, product.want_quantity, product))
        left = max(0, units - product.total_quantity)
        got_t.append(largest_remainder(left, product.want_tolerance, product))
    return Decision(cases, got_q, got_t, dropped, capped)
