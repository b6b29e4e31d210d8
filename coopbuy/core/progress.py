"""How full is the next case: the figures behind the case bar on the ordering page.

Computed from the totals of all members (quantity Q, tolerance T) by the same case rule the fcfs and
proportional policies use: floor(Q / case size) cases, plus one if the remainder r > 0 and r + T
reaches the case size (a case is never filled by tolerance alone). `more_to_fill` is the smallest
number of extra units of *quantity* that would make one more case be ordered, so "4 of 6 in the
next case: 2 more fill it" is exactly true at the moment it is shown; tolerance counts in the
"4" once somebody's quantity has started the case. `max_cases` stops the bar at the cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from coopbuy.core.pricing import PriceTier


def cases_for(quantity: int, tolerance: int, case_size: int, max_cases: int | None = None) -> int:
    """The cases the demand would give now (fcfs/proportional rule, before minimums)."""
    if case_size < 1:
        raise ValueError("case_size must be positive")
    full, rest = divmod(quantity, case_size)
    cases = full + (1 if rest > 0 and rest + tolerance >= case_size else 0)
    return cases if max_cases is None else min(cases, max_cases)


@dataclass(frozen=True, slots=True)
class CaseProgress:
    case_size: int
    cases: int  # ordered if the round closed now (before supplier minimums)
    in_next_case: int  # units, tolerance included, toward the next case
    more_to_fill: int  # units of quantity still needed; 0 when no further case can be ordered
    next_tier_cases: int | None  # more cases needed to reach the next price tier
    next_tier_price: Decimal | None  # that tier's unit price (net, as in the catalogue)
    capped: bool  # max_cases reached

    @property
    def percent(self) -> int:
        """How full the next case is, 0 to 100, for the width of the bar."""
        return self.in_next_case * 100 // self.case_size


def case_progress(
    *,
    case_size: int,
    quantity: int,
    tolerance: int,
    tiers: Sequence[PriceTier] = (),
    max_cases: int | None = None,
) -> CaseProgress:
    """The progress of one product from everybody's totals."""
    if quantity < 0 or tolerance < 0:
        raise ValueError("totals must not be negative")
    cases = cases_for(quantity, tolerance, case_size, max_cases)
    capped = max_cases is not None and cases >= max_cases
    more = 0
    if not capped:
        more = next(
            k
            for k in range(1, case_size + 1)
            if cases_for(quantity + k, tolerance, case_size) > cases
        )
    in_next = 0 if capped else case_size - more
    next_tier = min(
        (
            t
            for t in tiers
            if t.min_cases > cases and (max_cases is None or t.min_cases <= max_cases)
        ),
        key=lambda t: t.min_cases,
        default=None,
    )
    return CaseProgress(
        case_size=case_size,
        cases=cases,
        in_next_case=in_next,
        more_to_fill=more,
        next_tier_cases=None if next_tier is None else next_tier.min_cases - cases,
        next_tier_price=None if next_tier is None else next_tier.unit_price,
        capped=capped,
    )
