"""The small-count floor: an aggregate about fewer than `SMALL_COUNT_FLOOR` people is not shown.

Employer reports (a programme's dashboard and its CSV) show figures about groups of people, never
about one person. A figure computed from fewer than five people could be traced back to someone, so
it is replaced by "fewer than 5". Every such figure goes through `floored`, the one place the rule
lives; a caller decides only which count of people a figure rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The fewest people a shown figure may rest on (a floor of 5 is common in employer reporting).
SMALL_COUNT_FLOOR = 5


@dataclass(frozen=True)
class Floored[T]:
    """A figure, or its absence: `value` is None when it rests on too few people."""

    value: T | None
    people: int
    floor: int

    @property
    def shown(self) -> bool:
        return self.value is not None


def is_shown(people: int, floor: int = SMALL_COUNT_FLOOR) -> bool:
    """Whether a figure resting on `people` people may be shown (at the floor it may)."""
    if floor < 1:
        raise ValueError("the floor must be at least 1")
    if people < 0:
        raise ValueError("a count of people cannot be negative")
    return people >= floor


def floored[T](value: T, *, people: int, floor: int = SMALL_COUNT_FLOOR) -> Floored[T]:
    """`value` if it rests on at least `floor` people, otherwise a suppressed cell."""
    return Floored(value if is_shown(people, floor) else None, people, floor)
