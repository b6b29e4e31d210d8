"""Receiving a pooled round: shortages and extras at the federation, shortages at a group's drop.

Two levels, the same rules as `coopbuy.core.receiving` (the single round's), so nothing new to
explain at the collection table:

- **At the federation** (`reallocate_pool`): the supplier delivered fewer (or more) units of a
  product to the federation than the pool ordered. The pool's close shares units among members
  "whatever their group" (the `"groups"` section of the allocation contract), so the difference is
  shared again the same way, over every member of the pool, by the round's policy
  (`receiving.reallocate`); each group's drop is then the sum of its members' units. Both levels
  are exact: the drops and the leftover add up to what arrived; a shortage only takes units back
  (no drop grows, no member gets more than they held), extra units only go to unmet demand (no
  drop shrinks, nobody gets more than quantity + tolerance) and what nobody asked for is the
  federation's `leftover`.
- **At a group's drop** (`reallocate_drop`): the group received less than the federation sent;
  the shortfall is shared among that group's members only (the same rule), other groups are
  untouched.

Delivery after receiving: `pool_delivery` is rule 6 of the contract applied to what members hold
now (the supplier's fee pro rata to goods over the pool's receiving members, each group's drop fee
over its own receiving members), so with nothing changed it gives the close's shares to the
penny. `regroup_delivery` re-shares one group's delivery total among its receiving members (a
drop shortage: the group's part of the supplier's fee was fixed by what the federation sent).

A drop larger than what the group asked for is refused (`ValueError`); callers refuse it first,
naming the field (the federation keeps extra units as its leftover, it sends no drop more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coopbuy.core.costshare import share_minor
from coopbuy.core.problem import DemandRow, Policy
from coopbuy.core.receiving import Held, reallocate


@dataclass(frozen=True, slots=True)
class PoolReallocation:
    held: dict[str, Held]  # every member of the pool who held units, after the delivery
    drops: dict[str, tuple[int, int]]  # group -> (units before, units after)
    leftover: int = 0  # units nobody asked for: the federation's


def reallocate_pool(
    *,
    policy: Policy,
    demand: Sequence[DemandRow],
    held: Mapping[str, Held],
    member_group: Mapping[str, str],
    units: int,
) -> PoolReallocation:
    """What each member (and so each group's drop) holds once `units` reached the federation."""
    before = sum(h.units for h in held.values())
    if units < 0:
        raise ValueError("units must not be negative")
    outcome = reallocate(policy=policy, demand=demand, held=held, units=units)
    drops: dict[str, tuple[int, int]] = {}
    for member in sorted(set(held) | set(outcome.held)):
        group = member_group[member]
        was = held.get(member, Held(0, 0)).units
        now = outcome.held.get(member, Held(0, 0)).units
        b, a = drops.get(group, (0, 0))
        drops[group] = (b + was, a + now)
    if outcome.leftover + sum(a for _b, a in drops.values()) != units:
        raise AssertionError("the drops and the leftover add up to what arrived")
    if units <= before and (outcome.leftover or any(a > b for b, a in drops.values())):
        raise AssertionError("a shortage leaves no leftover and never adds to a group's drop")
    if units > before and any(a < b for b, a in drops.values()):
        raise AssertionError("extra units never take from a group's drop")
    return PoolReallocation(dict(outcome.held), drops, outcome.leftover)


def reallocate_drop(
    *,
    policy: Policy,
    demand: Sequence[DemandRow],
    held: Mapping[str, Held],
    units: int,
) -> dict[str, Held]:
    """What each member of one group holds once `units` of its drop arrived.

    `units` may exceed what members hold now only when a count is corrected upwards (the caller
    caps it at what the federation sent): those units go back to unmet demand by the same rule.
    """
    if units < 0:
        raise ValueError("units must not be negative")
    outcome = reallocate(policy=policy, demand=demand, held=held, units=units)
    if outcome.leftover:
        raise ValueError(f"{outcome.leftover} units are more than the group asked for")
    return dict(outcome.held)


def pool_delivery(
    *,
    goods: Mapping[str, int],
    receiving: set[str],
    member_group: Mapping[str, str],
    supplier_fee: int,
    drop_fees: Mapping[str, int],
) -> dict[str, int]:
    """Each member's delivery in minor units: the supplier's fee over the pool's receiving
    members and each group's drop fee over its own, both pro rata to goods (rule 6)."""
    out = dict.fromkeys(goods, 0)
    takers = {m: goods[m] for m in goods if m in receiving}
    if supplier_fee and takers:
        for m, share in share_minor(supplier_fee, takers).items():
            out[m] += share
    for group, fee in sorted(drop_fees.items()):
        mine = {m: w for m, w in takers.items() if member_group[m] == group}
        if fee and mine:
            for m, share in share_minor(fee, mine).items():
                out[m] += share
    return out


def regroup_delivery(
    *, total: int, goods: Mapping[str, int], receiving: set[str]
) -> dict[str, int]:
    """One group's delivery `total` shared among its receiving members pro rata to goods
    (nobody receiving: nobody pays, the caller books the rest)."""
    out = dict.fromkeys(goods, 0)
    takers = {m: goods[m] for m in goods if m in receiving}
    if total and takers:
        out.update(share_minor(total, takers))
    return out
