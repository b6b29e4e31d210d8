"""Re-allocating one product when the delivery differs from the order (short or extra units).

Input: the product's demand rows in time order and the units each member holds now (split into
units from their quantity and from their tolerance); output: what each member holds after the
delivery of `units` units. Rules, by the round's policy:

- `fcfs`: the queue order of the close (first every row's quantity in time order, then every row's
  tolerance in time order) is kept. A shortage takes units back from the end of that queue, i.e.
  tolerance units of the latest rows first, then quantity units of the latest rows; extra units go
  to the front of what is still unmet (quantity first, then tolerance).
- `proportional`: a shortage re-shares what arrived in proportion to the units held from quantity
  (largest remainder; tolerance units are taken back first, as they were given last); extra units
  go in proportion to what is still unmet, quantity first, then tolerance.
- `optimal`: handled as `proportional`. Re-solving the MILP for one product after the fact could
  move units between members in surprising ways for a small gain; a proportional cut is easy to
  explain at the collection table, never gives a member more than they asked for, and a shortage
  can only lower what a member spends, so budgets still hold. Extra units may, in rare cases,
  take a budgeted member over their budget by the value of those units; the coordinator sees it.

Nobody ever gets more than quantity + tolerance. Units nobody wants are returned as `leftover`
(the group's surplus). Ties in remainders: the member whose first row came earlier, then member id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from coopbuy.core.money import split_minor
from coopbuy.core.problem import DemandRow, Policy


@dataclass(frozen=True, slots=True)
class Held:
    """Units a member holds of the product: from their quantity and from their tolerance."""

    from_quantity: int
    from_tolerance: int

    @property
    def units(self) -> int:
        return self.from_quantity + self.from_tolerance


@dataclass(frozen=True, slots=True)
class Reallocation:
    held: dict[str, Held]
    leftover: int


def reallocate(
    *,
    policy: Policy,
    demand: Sequence[DemandRow],
    held: Mapping[str, Held],
    units: int,
) -> Reallocation:
    """What each member holds once `units` units of the product have arrived."""
    if units < 0:
        raise ValueError("units must not be negative")
    rows = sorted(enumerate(demand), key=lambda ir: (ir[1].placed_at, ir[0]))
    ordered = [r for _, r in rows]
    want_q: dict[str, int] = {}
    want_t: dict[str, int] = {}
    first: dict[str, datetime] = {}
    for r in ordered:
        want_q[r.member] = want_q.get(r.member, 0) + r.quantity
        want_t[r.member] = want_t.get(r.member, 0) + r.tolerance
        first.setdefault(r.member, r.placed_at)
    # Members holding units without a demand row (none placed) go after those who placed one.
    members = sorted(
        set(want_q) | set(held), key=lambda m: (0, first[m], m) if m in first else (1, m)
    )
    hq = {m: held.get(m, Held(0, 0)).from_quantity for m in members}
    ht = {m: held.get(m, Held(0, 0)).from_tolerance for m in members}
    total = sum(hq.values()) + sum(ht.values())
    if units <= total:
        if policy == "fcfs":
            q, t = _fcfs_take(ordered, hq, ht, units)
        else:
            q, t = _proportional_take(members, hq, ht, units)
        return Reallocation({m: Held(q[m], t[m]) for m in members}, 0)
    extra = units - total
    need_q = {m: max(0, want_q.get(m, 0) - hq[m]) for m in members}
    need_t = {m: max(0, want_t.get(m, 0) - ht[m]) for m in members}
    if policy == "fcfs":
        add_q, extra = _fcfs_give(ordered, "quantity", need_q, extra)
        add_t, extra = _fcfs_give(ordered, "tolerance", need_t, extra)
    else:
        add_q, extra = _proportional_give(members, need_q, extra)
        add_t, extra = _proportional_give(members, need_t, extra)
    return Reallocation(
        {m: Held(hq[m] + add_q.get(m, 0), ht[m] + add_t.get(m, 0)) for m in members}, extra
    )


def _fcfs_take(
    ordered: list[DemandRow], hq: dict[str, int], ht: dict[str, int], units: int
) -> tuple[dict[str, int], dict[str, int]]:
    """Replay the close's queue, each member capped at what they hold, until `units` are out."""
    q = dict.fromkeys(hq, 0)
    t = dict.fromkeys(ht, 0)
    left = units
    for field, cap, out in (("quantity", hq, q), ("tolerance", ht, t)):
        for r in ordered:
            if not left:
                break
            amount = r.quantity if field == "quantity" else r.tolerance
            grant = min(amount, cap[r.member] - out[r.member], left)
            out[r.member] += grant
            left -= grant
    # units held beyond the rows (e.g. from an earlier extra delivery) come last, in member order
    for cap, out in ((hq, q), (ht, t)):
        for m in out:
            grant = min(cap[m] - out[m], left)
            out[m] += grant
            left -= grant
    return q, t


def _proportional_take(
    members: list[str], hq: dict[str, int], ht: dict[str, int], units: int
) -> tuple[dict[str, int], dict[str, int]]:
    quantity_total = sum(hq.values())
    if units <= quantity_total:
        parts = split_minor(units, [hq[m] for m in members], rule="largest_remainder")
        return dict(zip(members, parts, strict=True)), dict.fromkeys(members, 0)
    parts = split_minor(units - quantity_total, [ht[m] for m in members], rule="largest_remainder")
    return dict(hq), dict(zip(members, parts, strict=True))


def _fcfs_give(
    ordered: list[DemandRow], field: str, need: dict[str, int], extra: int
) -> tuple[dict[str, int], int]:
    added: dict[str, int] = {}
    left = dict(need)
    for r in ordered:
        if not extra:
            break
        grant = min(left[r.member], extra)
        left[r.member] -= grant
        added[r.member] = added.get(r.member, 0) + grant
        extra -= grant
    return added, extra


def _proportional_give(
    members: list[str], need: dict[str, int], extra: int
) -> tuple[dict[str, int], int]:
    wanted = sum(need.values())
    give = min(wanted, extra)
    if give == 0:
        return {}, extra
    parts = split_minor(give, [need[m] for m in members], rule="largest_remainder")
    return dict(zip(members, parts, strict=True)), extra - give
