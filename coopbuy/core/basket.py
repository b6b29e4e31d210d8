"""How a member's change to one product of their basket becomes demand rows.

The allocation contract processes demand rows in time order, so a basket is not one number per
product but a list of rows, each with the time it was placed. The rule, the same everywhere:

- Raising the quantity adds one new row for the increase, placed now: the units already asked for
  keep their place in the queue, the new ones queue behind everybody who ordered before.
- Lowering the quantity takes units off the latest rows first (a row that reaches zero goes), so
  the member keeps their earliest place for what they still want.
- The tolerance lives on the member's earliest row for the product (every other row has 0): it is
  one figure for the product, not a per-row figure, and the earliest row is the one that survives.
- Quantity 0 with some tolerance keeps (or creates) one row of quantity 0; 0 and 0 leaves no row.

Worked example (the spec's): A orders 2 (+3) at 17:00 and raises to 4 (+1) at 19:00; the rows are
(2, +1, 17:00) and (2, 0, 19:00).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class BasketRow:
    """One demand row; `key` identifies a stored row (None: a row still to be created)."""

    key: int | None
    quantity: int
    tolerance: int
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class BasketPlan:
    """The rows after the change (in time order) and the keys of stored rows to delete."""

    rows: tuple[BasketRow, ...]
    delete: tuple[int, ...]

    @property
    def quantity(self) -> int:
        return sum(r.quantity for r in self.rows)

    @property
    def tolerance(self) -> int:
        return sum(r.tolerance for r in self.rows)


def _order(row: BasketRow) -> tuple[datetime, int]:
    return (row.placed_at, row.key if row.key is not None else 2**63)


def plan_change(
    rows: Sequence[BasketRow], *, quantity: int, tolerance: int, now: datetime
) -> BasketPlan:
    """The rows that give `quantity` and `tolerance` in total, by the rule in the docstring."""
    if quantity < 0 or tolerance < 0:
        raise ValueError("quantity and tolerance must not be negative")
    current = sorted(rows, key=_order)
    have = sum(r.quantity for r in current)
    kept: list[BasketRow] = []
    delete: list[int] = []
    if quantity >= have:
        kept = list(current)
        if quantity > have:
            kept.append(BasketRow(None, quantity - have, 0, now))
    else:
        to_remove = have - quantity
        for row in reversed(current):
            take = min(to_remove, row.quantity)
            to_remove -= take
            left = row.quantity - take
            if left > 0:
                kept.append(replace(row, quantity=left))
            elif row.key is not None:
                delete.append(row.key)
        kept.reverse()
        if not kept and tolerance > 0:
            # keep the earliest row (with 0 units) so the tolerance keeps its place in time
            earliest = current[0]
            if earliest.key is not None:
                delete.remove(earliest.key)
            kept.append(replace(earliest, quantity=0))
    if not kept and tolerance > 0:
        kept.append(BasketRow(None, 0, tolerance, now))
    kept = [replace(r, tolerance=tolerance if i == 0 else 0) for i, r in enumerate(kept)]
    # A row left with neither quantity nor tolerance (a tolerance-only row whose tolerance moved
    # away) says nothing: it goes, so that no empty demand row is ever stored.
    delete += [r.key for r in kept if r.quantity == 0 and r.tolerance == 0 and r.key is not None]
    kept = [r for r in kept if r.quantity or r.tolerance]
    return BasketPlan(tuple(kept), tuple(sorted(delete)))
