"""ORM rows <-> the pooled engine (`coopbuy.core.pooling`): the pool's problem, each round's part.

Ids in the pooled problem: `m<membership pk>` (unique across groups), `p<catalog product pk>` and
`s<catalog supplier pk>` (one shared product is one product of the pool, whatever child round it
was ordered in), `g<child round pk>` for the groups. `round_result` cuts the pool's result down to
one child round and renames the ids to that round's own (`p<round product pk>`,
`s<round supplier pk>`), so `rounds.adapters.freeze_result` freezes it as it freezes any round.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import cast

from coopbuy.core.money import to_minor
from coopbuy.core.pooling import Group, PooledProblem, PooledResult
from coopbuy.core.problem import (
    AllocationResult,
    AllocationTable,
    Demand,
    Member,
    Policy,
    Problem,
    Product,
    Supplier,
    SupplierResult,
)
from coopbuy.pooled.models import PooledRound
from coopbuy.rounds.adapters import names_in, tiers_of
from coopbuy.rounds.models import DemandLine, MemberBudget, Round, RoundProduct, RoundSupplier


def group_id(round_pk: int) -> str:
    return f"g{round_pk}"


@dataclass(frozen=True)
class PoolProblem:
    pooled: PooledProblem
    names: dict[str, str]  # pool id -> a name people know
    # pool product id -> {child round pk -> its RoundProduct pk}
    round_product: dict[str, dict[int, int]]
    round_supplier: dict[int, int]  # child round pk -> its RoundSupplier pk
    case_size: dict[str, int]  # pool product id -> units per case


def problem_for_pool(pool: PooledRound, rounds: list[Round]) -> PoolProblem:
    """The pooled problem of every child round's demand (four queries whatever the size)."""
    sid = f"s{pool.supplier_id}"
    names = {sid: pool.supplier.name}
    free = pool.free_delivery_over
    supplier = Supplier(
        sid,
        Decimal(pool.min_order_value),
        Decimal(pool.delivery_fee),
        None if free is None else Decimal(free),
    )
    round_pks = [r.pk for r in rounds]
    round_product: dict[str, dict[int, int]] = {}
    local: dict[int, str] = {}  # RoundProduct pk -> pool product id
    products: dict[str, Product] = {}
    sizes: dict[str, int] = {}
    for pk, round_pk, catalog_pk, name, size, price, tiers, min_c, max_c, retail in (
        RoundProduct.objects.filter(round_id__in=round_pks)
        .order_by("product_id", "round_id")
        .values_list(
            "pk", "round_id", "product_id", "name", "case_size", "unit_price", "tiers",
            "min_cases", "max_cases", "retail_unit_price",
        )
    ):  # fmt: skip
        pid = f"p{catalog_pk}"
        local[pk] = pid
        round_product.setdefault(pid, {})[round_pk] = pk
        if pid not in products:
            products[pid] = Product(pid, sid, size, price, tiers_of(tiers), min_c, max_c, retail)
            names[pid] = name
            sizes[pid] = size
    round_supplier = dict(
        RoundSupplier.objects.filter(round_id__in=round_pks).values_list("round_id", "pk")
    )
    rows = list(
        DemandLine.objects.filter(round_id__in=round_pks)
        .order_by("placed_at", "id")
        .values_list(
            "membership_id", "product_id", "quantity", "tolerance", "placed_at", "round_id"
        )
    )
    member_group: dict[str, str] = {}
    placed: list[datetime] = []
    members_col: list[str] = []
    products_col: list[str] = []
    quantity: list[int] = []
    tolerance: list[int] = []
    for m, p, q, t, at, round_pk in rows:
        mid = f"m{m}"
        member_group[mid] = group_id(round_pk)
        members_col.append(mid)
        products_col.append(local[p])
        quantity.append(q)
        tolerance.append(t)
        placed.append(at)
    demand = Demand(
        tuple(members_col), tuple(products_col), tuple(quantity), tuple(tolerance), tuple(placed)
    )
    budgets = dict(
        MemberBudget.objects.filter(round_id__in=round_pks).values_list("membership_id", "amount")
    )
    members = tuple(Member(mid, budgets.get(int(mid[1:]))) for mid in sorted(member_group))
    problem = Problem(
        pool.currency,
        (supplier,),
        tuple(products[k] for k in sorted(products)),
        members,
        demand,
        cast(Policy, pool.policy),
    )
    groups = tuple(Group(group_id(pk), pool.drop_fee) for pk in round_pks)
    return PoolProblem(
        PooledProblem(problem, groups, member_group), names, round_product, round_supplier, sizes
    )


def round_result(
    pp: PoolProblem, result: PooledResult, round: Round, names: dict[str, str]
) -> AllocationResult:
    """The pool's result as seen by one child round, in that round's own ids.

    Products: the pool's cases and applied price; the supplier: ordered as the pool is, with
    the group's goods and its members' delivery (their share of the supplier's fee and the drop
    fee) as its fee (each member's exact share is written afterwards: `member_delivery`).
    """
    pool = result.result
    gid = group_id(round.pk)
    of = pp.pooled.member_group
    mine = {m for m, g in of.items() if g == gid}
    rp = {pid: by_round[round.pk] for pid, by_round in pp.round_product.items()}
    rs = f"s{pp.round_supplier[round.pk]}"
    products = tuple(replace(p, id=f"p{rp[p.id]}") for p in pool.products if p.id in rp)
    group = next(g for g in result.groups if g.id == gid)
    supplier = pool.suppliers[0]
    suppliers = (
        SupplierResult(rs, supplier.ordered, group.goods, group.delivery, supplier.meets_minimum),
    )
    t = pool.allocations
    keep = [i for i, m in enumerate(t.member) if m in mine]
    table = AllocationTable(
        t.minor_units,
        tuple(t.member[i] for i in keep),
        tuple(f"p{rp[t.product[i]]}" for i in keep),
        tuple(t.from_quantity[i] for i in keep),
        tuple(t.from_tolerance[i] for i in keep),
        tuple(t.amount_minor[i] for i in keep),
    )
    named: dict[str, str] = {}
    explanations = []
    for e in pool.explanations:
        if e.member not in mine:
            continue
        text = named.get(e.text)
        if text is None:
            text = named[e.text] = names_in(e.text, names)
        explanations.append(replace(e, product=f"p{rp[e.product]}", text=text))
    return replace(
        pool,
        products=products,
        allocations=table,
        members=tuple(m for m in pool.members if m.id in mine),
        suppliers=suppliers,
        explanations=tuple(explanations),
    )


def member_delivery(result: PooledResult) -> dict[int, int]:
    """Each member's delivery in pence, exactly as the engine shared it (membership pk ->)."""
    mu = result.result.allocations.minor_units
    return {int(m.id[1:]): to_minor(m.delivery, mu) for m in result.result.members}
