"""Proportional: the fcfs case counts, units shared in proportion to what each member asked for.

Quantity first: if the cases hold less than all quantity, the units are shared pro rata to each
member's quantity by the largest-remainder method (a share never exceeds the quantity, since the
quota is below it). Units left after every quantity is met are shared the same way pro rata to
tolerance. Remainder ties go to the member whose first row for the product came earlier
(`placed_at`), then by member id. All in integers: quotas compare as exact remainders.
Budgets are not applied.
"""

from __future__ import annotations

from collections.abc import Sequence

from coopbuy.core.decision import Decision
from coopbuy.core.policies.fcfs import decide_cases
from coopbuy.core.prepared import Prepared


def largest_remainder(
    units: int, pairs: list[int], wants: Sequence[int], prepared: Prepared
) -> list[int]:
    """Share `units` (at most the sum of the wants) among `pairs` pro rata to `wants[pair]`."""
    mine = [wants[j] for j in pairs]
    total = sum(mine)
    if units >= total:
        return mine
    shares = [units * w // total for w in mine]
    left = units - sum(shares)
    if left:
        remainders = [units * w % total for w in mine]
        times, first, members = prepared.row_time, prepared.pair_first_row, prepared.pair_member
        order = sorted(
            (i for i, r in enumerate(remainders) if r),
            key=lambda i: (-remainders[i], times[first[pairs[i]]], members[pairs[i]]),
        )
        for i in order[:left]:
            shares[i] += 1
    return shares


def allocate_proportional(prepared: Prepared) -> Decision:
    decision = decide_cases(prepared)
    cases = decision.cases
    got_q = decision.got_quantity = list(prepared.want_quantity)
    got_t = decision.got_tolerance = list(prepared.want_tolerance)
    groups = prepared.product_pairs()
    for product, count, pairs in zip(prepared.products, cases, groups, strict=True):
        units = count * product.case_size
        if units < product.total_quantity:
            for j, share in zip(
                pairs, largest_remainder(units, pairs, got_q, prepared), strict=True
            ):
                got_q[j] = share
        left = max(0, units - product.total_quantity)
        if left < product.total_tolerance:
            for j, share in zip(
                pairs, largest_remainder(left, pairs, got_t, prepared), strict=True
            ):
                got_t[j] = share
    return decision
