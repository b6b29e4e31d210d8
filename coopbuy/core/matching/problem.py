"""The matching contract's data: the problem read from JSON and the result written back.

Plain frozen dataclasses, no behaviour beyond a few derived figures. Distances are kept as whole
metres (`*_m`) and money as `Decimal`; the JSON writer turns them into the contract's strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Reason = Literal["no_one_near", "minimum_not_reached", "not_placed"]
REASONS: tuple[Reason, ...] = ("no_one_near", "minimum_not_reached", "not_placed")


def km(metres: int) -> Decimal:
    """Whole metres as kilometres with 2 places, rounded half up (the contract's distances)."""
    return (Decimal(metres) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Supplier:
    id: str
    min_order_value: Decimal


@dataclass(frozen=True, slots=True)
class Person:
    """Someone looking for a group: where, how far they would go, whether they can host, spend."""

    id: str
    lat: Decimal
    lon: Decimal
    max_km: Decimal
    host: bool
    wants: Mapping[str, Decimal]  # supplier id -> expected spend per round (absent: 0)


@dataclass(frozen=True, slots=True)
class MatchProblem:
    min_size: int
    max_size: int
    suppliers: tuple[Supplier, ...]
    people: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A proposed group: its pickup (a member who hosts), its supplier and its members (by id)."""

    id: str
    supplier: str
    pickup: str
    members: tuple[str, ...]
    expected_order_value: Decimal
    farthest_m: int
    travel_m: int

    @property
    def farthest_km(self) -> Decimal:
        return km(self.farthest_m)

    @property
    def travel_km(self) -> Decimal:
        return km(self.travel_m)


@dataclass(frozen=True, slots=True)
class Unmatched:
    id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class Objective:
    """Rule 4's objective and how sure we are of it (rule 5).

    `bound` is the proven upper bound on the people placed; `gap` is `(bound - placed) / bound`
    (0.0 when nothing can be placed). `proven_optimal` also needs the least travel proven.
    """

    placed: int
    travel_m: int
    travel_km: Decimal  # the sum of the groups' `travel_km`, so the printed figures add up
    proven_optimal: bool
    gap: float
    bound: int
    travel_proven: bool


@dataclass(frozen=True, slots=True)
class MatchResult:
    groups: tuple[Group, ...]
    unmatched: tuple[Unmatched, ...]
    objective: Objective
