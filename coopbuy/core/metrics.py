"""Fairness and value metrics, and the bound that can prove a fcfs/proportional result optimal.

Ratios count only members who asked for some quantity (a member with tolerance only has nothing to
fill). With nobody asking, every ratio is 1.0: nobody went short. `quantity_fill_rate` and
`min_member_fill` are exact fractions; `jain_index` is computed in floating point with `fsum`
(exact fractions of 50,000 different denominators cost seconds and change nothing at 3 places).
All three are rounded half up to 3 places.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coopbuy.core.decision import Decision
from coopbuy.core.money import from_minor
from coopbuy.core.prepared import PProduct, Prepared
from coopbuy.core.problem import Metrics

#: Integers below this convert to float64 exactly.
_EXACT = 2**53


def round3(value: Fraction | float) -> float:
    """Half up to 3 places, from the exact value (a float is taken at its exact binary value)."""
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(value)
    )
    return float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def compute_metrics(
    prepared: Prepared,
    decision: Decision,
    prices: list[int],
    given: list[int],
    requested: NDArray[Any],
    received: NDArray[Any],
) -> Metrics:
    """`given`: units handed out per product; `requested`/`received`: quantity per member (of
    `members_with_pairs`), int64 or Python ints in object arrays."""
    askers = np.flatnonzero(requested > 0)
    if len(askers):
        wants, gots = requested[askers], received[askers]
        fill = Fraction(int(gots.sum()), int(wants.sum()))
        if wants.dtype != object and int(wants.max()) < _EXACT and int(gots.max()) < _EXACT:
            # Both exact in float64, so numpy's division is Python's (correctly rounded).
            ratio_array = gots.astype(np.float64) / wants.astype(np.float64)
        else:
            pairs = zip(gots.tolist(), wants.tolist(), strict=True)
            ratio_array = np.array([g / w for g, w in pairs], np.float64)
        ratios: list[float] = ratio_array.tolist()
        # Division is correctly rounded, hence monotone: the exact minimum is among the ratios
        # whose float is the smallest, so only those become Fractions (not 50,000 of them).
        low = np.flatnonzero(ratio_array == ratio_array.min()).tolist()
        lowest = min(Fraction(int(gots[i]), int(wants[i])) for i in low)
        squares = math.fsum((ratio_array * ratio_array).tolist())
        jain = math.fsum(ratios) ** 2 / (len(ratios) * squares) if squares else 1.0
    else:
        fill = lowest = Fraction(1)
        jain = 1.0
    leftover = 0
    savings = 0
    for product, cases, price, units in zip(
        prepared.products, decision.cases, prices, given, strict=True
    ):
        leftover += cases * product.case_size - units
        if product.retail_price is not None:
            savings += (product.retail_price - price) * units
    return Metrics(
        round3(fill),
        round3(lowest),
        round3(jain),
        leftover,
        from_minor(savings, prepared.minor_units),
    )


def feasible_counts(product: PProduct) -> list[int]:
    """Case counts the optimal policy could choose for this product (budgets aside)."""
    low = max(1, product.min_cases)
    return [0, *range(low, product.case_limit() + 1)]


def feasible_bounds(product: PProduct) -> tuple[int, int]:
    """The least non-zero and the largest of `feasible_counts` (0, 0 when only 0 is feasible),
    without building the list: a popular product can take thousands of cases."""
    low, high = max(1, product.min_cases), product.case_limit()
    return (low, high) if low <= high else (0, 0)


def most_value(product: PProduct) -> int:
    """The most a product's order can be worth: c x size x price(c) over the feasible counts.

    Within a price band the value grows with c, so only each band's last count can be the best
    (a tier's start minus one, and the most cases the demand allows): no loop over every count.
    """
    low, high = feasible_bounds(product)
    ends = [high, *(m - 1 for m, _ in product.tiers if low < m <= high)]
    return max(c * product.case_size * product.price_at(c) for c in ends)


def certify(
    prepared: Prepared,
    delivered: int,
    tolerance_units: int,
    fees: int,
    goods: dict[str, int],
) -> bool | None:
    """True when cheap bounds prove a fcfs/proportional result lexicographically optimal, else None.

    The result must respect every budget (fcfs and proportional ignore them). Then, per product:
    delivered value <= base price x min(Q, largest feasible cases x size); if the result reaches
    that sum, each priced product delivers exactly that many quantity units, which needs at least
    (smallest feasible cases holding them) x size - those units of tolerance; and a supplier that
    must then be ordered and cannot reach free delivery pays its fee. Equal to all three bounds:
    proven optimal. Otherwise nothing is claimed (None), as the spec asks of these policies.
    """
    if any(goods.get(m, 0) > budget for m, budget in prepared.budgets.items()):
        return None
    bound_value = 0
    bound_tolerance = 0
    forced: set[int] = set()
    for product in prepared.products:
        low, high = feasible_bounds(product)
        size = product.case_size
        units = min(product.total_quantity, high * size)
        bound_value += product.base_price * units
        if product.base_price > 0 and units > 0:
            least = max(low, -(-units // size))  # the fewest feasible cases holding the units
            bound_tolerance += least * size - units
            forced.add(product.supplier)
    if delivered < bound_value or tolerance_units > bound_tolerance:
        return None
    bound_fees = 0
    for s in forced:
        supplier = prepared.suppliers[s]
        most = 0
        for p in supplier.products:
            product = prepared.products[p]
            most += most_value(product)
        if supplier.free_delivery_over is None or most < supplier.free_delivery_over:
            bound_fees += supplier.delivery_fee
    return True if fees <= bound_fees else None
