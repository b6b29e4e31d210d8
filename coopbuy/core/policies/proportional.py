"""Proportional: the fcfs case counts, units shared in proportion to what each member asked for.

Quantity first: if the cases hold less than all quantity, the units are shared pro rata to each
member's quantity by the largest-remainder method (a share never exceeds the quantity, since the
quota is below it). Units left after every quantity is met are shared the same way pro rata to
tolerance. Remainder ties go to the member whose first row for the product came earlier
(`placed_at`), then by member id. All in integers: quotas compare as exact remainders.
Budgets are not applied.

On the numpy columns (`_allocate_proportional_columns`) every product is shared at once: one
lexsort of the pairs with a remainder by (product, remainder descending, first time, member id)
ranks them, and the first `left` of each product get a unit. The per-product loop stays for
amounts whose products could overflow int64, and as the reference the tests compare with.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from coopbuy.core.decision import Decision
from coopbuy.core.policies.fcfs import decide_cases
from coopbuy.core.prepared import Prepared, RowColumns

#: The column path runs when every units x want product stays below this (int64 holds it).
_PRODUCT_LIMIT = 2**62


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
    if prepared.columns is not None and _allocate_proportional_columns(
        prepared, prepared.columns, decision
    ):
        return decision
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


def _allocate_proportional_columns(
    prepared: Prepared, columns: RowColumns, decision: Decision
) -> bool:
    """Fill `decision`'s units with numpy; False (nothing done) if int64 could overflow."""
    products = prepared.products
    units = np.array(
        [c * p.case_size for p, c in zip(products, decision.cases, strict=True)], np.int64
    )
    want_q, want_t = columns.want_quantity, columns.want_tolerance
    if int(units.max()) * int(max(want_q.max(), want_t.max())) >= _PRODUCT_LIMIT:
        return False
    pair_product = columns.pair_product
    first_time = columns.time[columns.pair_first_row]
    total_q = np.array([p.total_quantity for p in products], np.int64)
    total_t = np.array([p.total_tolerance for p in products], np.int64)
    spare = np.maximum(units - total_q, 0)
    got_q = _shares(units, total_q, want_q, pair_product, first_time)
    got_t = _shares(spare, total_t, want_t, pair_product, first_time)
    decision.got_quantity, decision.got_tolerance = got_q.tolist(), got_t.tolist()
    return True


def _shares(
    units: NDArray[np.int64],
    totals: NDArray[np.int64],
    wants: NDArray[np.int64],
    pair_product: NDArray[np.int64],
    first_time: NDArray[np.int64],
) -> NDArray[np.int64]:
    """`largest_remainder` for every product at once: `units[p]` shared among the pairs of
    product p pro rata to `wants` (whose sum per product is `totals[p]`)."""
    shares = wants.copy()
    cut = np.flatnonzero((units < totals)[pair_product])  # pairs of products short of the wants
    product = pair_product[cut]
    scaled = units[product] * wants[cut]
    shares[cut], remainder = np.divmod(scaled, totals[product])
    given = np.zeros(len(units), np.int64)
    np.add.at(given, product, shares[cut])
    left = units - given  # the units still to hand out (counts only where some pair was cut)
    has = remainder > 0
    pairs, product, remainder = cut[has], product[has], remainder[has]
    # pairs ascend, and lexsort is stable: equal times stay in pair order, i.e. by member id
    order = np.lexsort((first_time[pairs], -remainder, product))
    product = product[order]
    rank = np.arange(len(order)) - np.searchsorted(product, product)
    shares[pairs[order[rank < left[product]]]] += 1
    return shares
