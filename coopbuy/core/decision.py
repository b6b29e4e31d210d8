"""What a policy decides: cases per product and units per member, plus why (for explanations)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class SolveStatus:
    """How far the optimal policy's solver got: proven, or stopped by the time limit with a gap."""

    proven_optimal: bool
    gap: float | None  # None: stopped before HiGHS had a bound (or any answer), so unknown
    stopped_in_stage: int | None = None  # 1, 2 or 3 when the time limit cut a stage short


@dataclass(slots=True)
class Decision:
    """Cases per product (aligned with `Prepared.products`) and, per pair (aligned with
    `Prepared.pair_member`), the units a member gets from their quantity and from their tolerance.

    `dropped` marks products whose supplier missed its minimum (rule 5), with the value each such
    supplier's order would have had in `short_of_minimum`; `capped` those held back by `max_cases`
    while the demand could have filled more cases; `in_time_order` the products whose units
    optimal handed out in time order (earlier rows first), as fcfs does.
    """

    cases: list[int]
    got_quantity: list[int]
    got_tolerance: list[int]
    dropped: set[int] = field(default_factory=set)
    capped: set[int] = field(default_factory=set)
    status: SolveStatus | None = None
    short_of_minimum: dict[int, int] = field(default_factory=dict)  # supplier -> its order's value
    in_time_order: set[int] = field(default_factory=set)
