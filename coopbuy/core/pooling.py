"""Pooled rounds: several groups, one order (the `"groups"` section of the allocation contract).

`allocate_pooled(problem)` wraps `allocation.allocate` rather than changing any policy: it runs
the engine once on the pool (every member, whatever their group: cases, tiers and rule 5 are the
pool's) and once per group alone (that group's listed members and their demand rows, in file
order, same suppliers, products and policy, no drop fee), then adds what pooling needs:

- each group's `drop_fee`, shared among its receiving members (units > 0) pro rata to their goods
  value from every supplier, by `costshare.share_minor` (the rule 6 remainder: pennies to the
  largest shares first, ties by member id; all goods 0: equal parts); it is part of their
  `delivery` and `total`. A group that receives nothing pays no drop fee.
- per member `alone` (the group-alone run's numbers) and `pooling_saving`: the sum over products
  of units received pooled x (the group-alone unit price - the pooled unit price), plus
  `alone.delivery - delivery` when `alone.goods` > 0. It may be negative and is always shown.
- per group: sums of its members (exact, in minor units), its drop (units per product) and the
  same alone figures; `alone_proven_optimal` says whether the group-alone run was proven (optimal).
- with `explain_result`, a `PooledCase` per allocation line where the member receives more units
  than they would have alone: the extra units exist only because the pool filled a case.

Readings where the spec is silent: the time limit applies to each run (the pool, then every group
alone), so an optimal pooled round may take (groups + 1) x the limit at worst; `objective` and
`metrics` are the pool's; every listed member must name a group (the parser checks it), and a
group without members is listed with zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from coopbuy.core.allocation import allocate
from coopbuy.core.costshare import share_minor
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.problem import (
    AllocationResult,
    Demand,
    Member,
    MemberResult,
    Policy,
    Problem,
)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    drop_fee: Decimal = Decimal(0)  # what delivering this group's drop costs the federation


@dataclass(frozen=True, slots=True)
class PooledProblem:
    problem: Problem  # every member of every group, their demand, the shared catalogue
    groups: tuple[Group, ...]
    member_group: Mapping[str, str]  # every listed member -> their group's id


@dataclass(frozen=True, slots=True)
class Alone:
    """What a member (or group) would have got had their group ordered by itself."""

    received_quantity: int
    received_tolerance: int
    goods: Decimal
    delivery: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class PooledMember:
    id: str
    group: str
    drop_share: Decimal  # their part of the group's drop fee (included in `delivery`)
    alone: Alone
    pooling_saving: Decimal


@dataclass(frozen=True, slots=True)
class DropLine:
    product: str
    units: int


@dataclass(frozen=True, slots=True)
class GroupResult:
    id: str
    goods: Decimal
    delivery: Decimal
    drop_fee: Decimal  # charged: 0 when the group receives nothing
    total: Decimal
    members_receiving: int
    received_quantity: int
    alone: Alone
    pooling_saving: Decimal
    drop: tuple[DropLine, ...]  # by product
    alone_proven_optimal: bool | None


@dataclass(frozen=True, slots=True)
class PooledCase:
    """`units` of the member's line exist only because the pool filled a case."""

    member: str
    product: str
    units: int
    alone_units: int
    alone_cases: int
    text: str


@dataclass(frozen=True, slots=True)
class PooledResult:
    result: AllocationResult  # the pool's; members' delivery and total include the drop fee
    members: tuple[PooledMember, ...]  # aligned with `result.members`
    groups: tuple[GroupResult, ...]  # by id
    pooled_cases: tuple[PooledCase, ...] = ()  # filled only with `explain_result`
    # Each group's own result had it ordered alone (not in the contract's JSON).
    alone_results: Mapping[str, AllocationResult] = field(
        default_factory=dict, compare=False, repr=False
    )


def group_problem(pooled: PooledProblem, group: str) -> Problem:
    """The engine's problem for `group` alone: its listed members and their demand rows."""
    return group_problems(pooled)[group]


def group_problems(pooled: PooledProblem) -> dict[str, Problem]:
    """Every group's problem alone, split in one pass over the members and the demand."""
    problem, of = pooled.problem, pooled.member_group
    members: dict[str, list[Member]] = {g.id: [] for g in pooled.groups}
    for m in problem.members:
        if (listed := members.get(of.get(m.id, ""))) is not None:
            listed.append(m)
    d = problem.demand
    rows: dict[str, list[int]] = {g.id: [] for g in pooled.groups}
    for i, who in enumerate(d.member):
        if (at := rows.get(of.get(who, ""))) is not None:
            at.append(i)
    out: dict[str, Problem] = {}
    for g, index in rows.items():
        demand = Demand(
            tuple(d.member[i] for i in index),
            tuple(d.product[i] for i in index),
            tuple(d.quantity[i] for i in index),
            tuple(d.tolerance[i] for i in index),
            tuple(d.placed_at[i] for i in index),
        )
        out[g] = replace(problem, members=tuple(members[g]), demand=demand)
    return out


def allocate_pooled(
    pooled: PooledProblem,
    *,
    policy: Policy | None = None,
    time_limit: float = 10.0,
    explain_result: bool = False,
) -> PooledResult:
    """The pooled order, each group's drop and fee, and what pooling changed for everyone."""
    pool = allocate(
        pooled.problem, policy=policy, time_limit=time_limit, explain_result=explain_result
    )
    alone = {
        g: allocate(problem, policy=pool.policy, time_limit=time_limit)
        for g, problem in group_problems(pooled).items()
    }
    mu = pool.allocations.minor_units
    of = pooled.member_group
    pooled_price = {p.id: to_minor(p.unit_price, mu) for p in pool.products}
    alone_price = {
        g: {p.id: to_minor(p.unit_price, mu) for p in r.products} for g, r in alone.items()
    }
    alone_cases = {g: {p.id: p.cases for p in r.products} for g, r in alone.items()}
    alone_member = {m.id: m for r in alone.values() for m in r.members}
    alone_units: dict[tuple[str, str], int] = {}
    for r in alone.values():
        t = r.allocations
        for m, p, q, tol in zip(
            t.member, t.product, t.from_quantity, t.from_tolerance, strict=True
        ):
            alone_units[(m, p)] = q + tol

    # The pool's lines: price effects per member, drops per group, receiving members.
    price_gain: dict[str, int] = {}
    drops: dict[str, dict[str, int]] = {g.id: {} for g in pooled.groups}
    cases: list[PooledCase] = []
    t = pool.allocations
    for m, p, q, tol in zip(t.member, t.product, t.from_quantity, t.from_tolerance, strict=True):
        units, g = q + tol, of[m]
        price_gain[m] = price_gain.get(m, 0) + units * (alone_price[g][p] - pooled_price[p])
        drops[g][p] = drops[g].get(p, 0) + units
        before = alone_units.get((m, p), 0)
        if explain_result and units > before:
            cases.append(_pooled_case(m, p, g, units, before, alone_cases[g][p]))
    receiving = set(t.member)

    # Each group's drop fee among its receiving members, pro rata to their goods.
    goods = {r.id: to_minor(r.goods, mu) for r in pool.members}
    drop_share: dict[str, int] = {}
    drop_fee = {g.id: 0 for g in pooled.groups}
    for grp in pooled.groups:
        fee = to_minor(grp.drop_fee, mu)
        takers = {m: goods[m] for m in goods if of[m] == grp.id and m in receiving}
        if fee and takers:
            drop_fee[grp.id] = fee
            drop_share.update(share_minor(fee, takers))

    members: list[MemberResult] = []
    extra: list[PooledMember] = []
    for row in pool.members:
        share = drop_share.get(row.id, 0)
        delivery = to_minor(row.delivery, mu) + share
        total = goods[row.id] + delivery
        a = alone_member[row.id]
        a_goods, a_delivery = to_minor(a.goods, mu), to_minor(a.delivery, mu)
        saving = price_gain.get(row.id, 0) + (a_delivery - delivery if a_goods > 0 else 0)
        members.append(replace(row, delivery=from_minor(delivery, mu), total=from_minor(total, mu)))
        extra.append(
            PooledMember(
                row.id,
                of[row.id],
                from_minor(share, mu),
                Alone(a.received_quantity, a.received_tolerance, a.goods, a.delivery, a.total),
                from_minor(saving, mu),
            )
        )
    result = replace(pool, members=tuple(members))
    groups = tuple(
        _group_result(x.id, drop_fee[x.id], drops[x.id], members, extra, alone[x.id], mu)
        for x in sorted(pooled.groups, key=lambda x: x.id)
    )
    return PooledResult(result, tuple(extra), groups, tuple(cases), alone)


def _group_result(
    group: str,
    drop_fee: int,
    drop: dict[str, int],
    members: list[MemberResult],
    extra: list[PooledMember],
    alone: AllocationResult,
    mu: int,
) -> GroupResult:
    mine = [(r, x) for r, x in zip(members, extra, strict=True) if x.group == group]

    def total(values: list[Decimal]) -> Decimal:
        return from_minor(sum(to_minor(v, mu) for v in values), mu)

    return GroupResult(
        group,
        total([r.goods for r, _ in mine]),
        total([r.delivery for r, _ in mine]),
        from_minor(drop_fee, mu),
        total([r.total for r, _ in mine]),
        sum(1 for r, _ in mine if r.received_quantity + r.received_tolerance > 0),
        sum(r.received_quantity for r, _ in mine),
        Alone(
            sum(x.alone.received_quantity for _, x in mine),
            sum(x.alone.received_tolerance for _, x in mine),
            total([x.alone.goods for _, x in mine]),
            total([x.alone.delivery for _, x in mine]),
            total([x.alone.total for _, x in mine]),
        ),
        total([x.pooling_saving for _, x in mine]),
        tuple(DropLine(p, u) for p, u in sorted(drop.items()) if u),
        alone.objective.proven_optimal,
    )


def _pooled_case(
    member: str, product: str, group: str, units: int, before: int, cases: int
) -> PooledCase:
    extra = units - before
    received = f"{units} unit" if units == 1 else f"{units} units"
    verb = "comes" if extra == 1 else "come"
    case_word = "case" if cases == 1 else "cases"
    text = (
        f"{extra} of the {received} you receive {verb} from a case only the pooled order filled: "
        f"{group} alone would have ordered {cases} {case_word} of {product}"
        f" and you would have received {before}."
    )
    return PooledCase(member, product, extra, before, cases, text)
