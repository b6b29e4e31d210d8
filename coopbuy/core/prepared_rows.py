"""The working form's pairs built one row at a time (`aggregate_rows`): for amounts too large for
int64 (and times that cannot be compared), and the reference the tests compare the column-wise
version (`prepared._aggregate_columns`) with."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopbuy.core.prepared import Prepared
    from coopbuy.core.problem import Problem


def aggregate_rows(problem: Problem, prepared: Prepared, row_product: list[int]) -> None:
    """The same as `_aggregate_columns`, one row at a time: for amounts too large for int64
    (and the reference the tests compare the column-wise version with)."""
    demand = problem.demand
    products = prepared.products
    times = demand.placed_at
    by_member: dict[str, dict[int, int]] = {}  # member -> product -> pair
    member_get = by_member.get
    pair_member: list[str] = []
    pair_product: list[int] = []
    want_q: list[int] = []
    want_t: list[int] = []
    first: list[int] = []
    rows: list[list[int]] = [[] for _ in products]
    row_pair: list[int] = []
    add_row_pair = row_pair.append
    for i, (m, p, q, t) in enumerate(
        zip(demand.member, row_product, demand.quantity, demand.tolerance, strict=True)
    ):
        rows[p].append(i)
        pairs = member_get(m)
        if pairs is None:
            pairs = by_member[m] = {}
        j = pairs.get(p)
        if j is None:
            j = pairs[p] = len(want_q)
            pair_member.append(m)
            pair_product.append(p)
            want_q.append(q)
            want_t.append(t)
            first.append(i)
        else:
            want_q[j] += q
            want_t[j] += t
            if times[i] < times[first[j]]:
                first[j] = i
        add_row_pair(j)
    totals_q = [0] * len(products)
    totals_t = [0] * len(products)
    for p, q, t in zip(pair_product, want_q, want_t, strict=True):
        totals_q[p] += q
        totals_t[p] += t
    for product, q, t in zip(products, totals_q, totals_t, strict=True):
        product.total_quantity, product.total_tolerance = q, t
    # Pairs are renumbered in output order (members by id, each member's products by id: small
    # sorts, no global one), so the finishing steps read every column front to back.
    rank = {p: r for r, p in enumerate(sorted(range(len(products)), key=lambda i: products[i].id))}
    by_rank = sorted(rank, key=rank.__getitem__)
    order: list[int] = []
    members = prepared.members_with_pairs = sorted(by_member)
    prepared.member_pair_counts = list(map(len, map(by_member.__getitem__, members)))
    for m in members:
        pairs = by_member[m]
        if len(pairs) == 1:
            order.extend(pairs.values())
        else:
            order.extend(pairs[by_rank[r]] for r in sorted(map(rank.__getitem__, pairs)))
    new_id = [0] * len(order)
    for new, old in enumerate(order):
        new_id[old] = new
    prepared.pair_member = list(map(pair_member.__getitem__, order))
    prepared.pair_product = list(map(pair_product.__getitem__, order))
    prepared.want_quantity = list(map(want_q.__getitem__, order))
    prepared.want_tolerance = list(map(want_t.__getitem__, order))
    prepared.pair_first_row = list(map(first.__getitem__, order))
    row_pair = list(map(new_id.__getitem__, row_pair))
    prepared.member_ids = sorted(set(by_member).union(m.id for m in problem.members))
    prepared._product_rows = rows
    prepared.row_pair = row_pair
    prepared.row_quantity = demand.quantity
    prepared.row_tolerance = demand.tolerance
    prepared.row_time = times
