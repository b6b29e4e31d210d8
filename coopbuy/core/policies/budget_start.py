"""A feasible allocation that keeps every budget: what `optimal` answers when its time runs out
before HiGHS finds anything better.

fcfs ignores budgets, so on a round where budgets bind its result is infeasible for `optimal`,
which then had nothing better to fall back on than ordering nothing (measured: 300 members x
200 products with budgets gave a delivered value of 0 after a 5 s limit). This is fcfs with
budgets: rows in time order (ties: file order) take their quantity while the member's budget,
charged at the product's base price (no tier is ever dearer), allows; per product, the units left
in a started case are filled from the product's tolerance rows in time order where budgets allow,
else given back by the latest rows; `min_cases`/`max_cases` then hold as under fcfs. A supplier
short of its minimum gets more cases (its dearest cases first) from the units still wanted,
quantity then tolerance, as budgets allow, as optimal may do; one that still misses it orders
nothing (rule 5). Every rule 1-6 holds, and every budget: the applied price is at most the base
price the budget was charged.
"""

from __future__ import annotations

from collections.abc import Callable

from coopbuy.core.decision import Decision
from coopbuy.core.prepared import Prepared


def allocate_within_budgets(prepared: Prepared) -> Decision:
    products = prepared.products
    pair_member, pair_product = prepared.pair_member, prepared.pair_product
    row_pair, row_q, row_t = prepared.row_pair, prepared.row_quantity, prepared.row_tolerance
    left = dict(prepared.budgets)
    pairs = len(prepared.want_quantity)
    take_q = [0] * len(row_pair)
    take_t = [0] * len(row_pair)

    def afford(row: int, units: int) -> int:
        """Take up to `units` for the row's member (charged at the base price)."""
        j = row_pair[row]
        member = pair_member[j]
        price = products[pair_product[j]].base_price
        if member in left and price:
            units = min(units, left[member] // price)
            left[member] -= units * price
        return units

    def give_back(row: int, units: int) -> None:
        member = pair_member[row_pair[row]]
        if member in left:
            left[member] += units * products[pair_product[row_pair[row]]].base_price

    times = [prepared.rows_in_time_order(p.index) for p in products]
    orderable = [max(1, p.min_cases) <= p.case_limit() for p in products]
    by_time = sorted(
        (row for p, rows in enumerate(times) if orderable[p] for row in rows),
        key=lambda row: (prepared.row_time[row], row),
    )
    for row in by_time:
        take_q[row] = afford(row, row_q[row])
    cases = [0] * len(products)
    for product, rows in zip(products, times, strict=True):
        if not orderable[product.index]:
            continue
        size = product.case_size
        units = sum(take_q[row] for row in rows)
        count, rest = divmod(units, size)
        if rest:
            need = size - rest
            tentative: list[tuple[int, int]] = []
            for row in rows:
                if need == 0:
                    break
                got = afford(row, min(row_t[row], need))
                if got:
                    tentative.append((row, got))
                    need -= got
            if need == 0:
                count += 1
                for row, got in tentative:
                    take_t[row] = got
            else:
                for row, got in tentative:
                    give_back(row, got)
        count = min(count, product.case_limit())
        if count < max(1, product.min_cases):
            count = 0
        cases[product.index] = count
        _trim(rows, take_q, take_t, units + sum(take_t[r] for r in rows) - count * size, give_back)

    def value_of(supplier_products: list[int]) -> int:
        return sum(
            cases[p] * products[p].case_size * products[p].price_at(cases[p])
            for p in supplier_products
        )

    def one_more_step(p: int) -> bool:
        """Give product p its next feasible case count (one more case, or its minimum from
        none) from the units still wanted, quantity first, then tolerance, rows in time order,
        as budgets allow; False (and nothing changed) if they do not reach it."""
        product = products[p]
        low = max(1, product.min_cases)
        target = cases[p] + 1 if cases[p] else low
        if target > product.case_limit():
            return False
        need = (target - cases[p]) * product.case_size
        taken: list[tuple[list[int], int, int]] = []
        for takes, amounts in ((take_q, row_q), (take_t, row_t)):
            for row in times[p]:
                if need == 0:
                    break
                room = amounts[row] - takes[row]
                got = afford(row, min(room, need)) if room > 0 else 0
                if got:
                    takes[row] += got
                    taken.append((takes, row, got))
                    need -= got
        if need:
            for takes, row, got in taken:
                takes[row] -= got
                give_back(row, got)
            return False
        cases[p] = target
        return True

    for supplier in prepared.suppliers:
        value = value_of(supplier.products)
        if value < supplier.min_order_value:
            # Short of the minimum: add cases (dearest cases first) from the units still wanted
            # while budgets allow, as optimal may; if the minimum stays out of reach, drop below.
            by_value = sorted(
                supplier.products,
                key=lambda p: (-products[p].case_size * products[p].base_price, p),
            )
            for p in by_value:
                while value < supplier.min_order_value and one_more_step(p):
                    value = value_of(supplier.products)
        if value < supplier.min_order_value:
            for p in supplier.products:
                if cases[p]:
                    cases[p] = 0
                    given = sum(take_q[r] + take_t[r] for r in times[p])
                    _trim(times[p], take_q, take_t, given, give_back)
    got_q, got_t = [0] * pairs, [0] * pairs
    for row, j in enumerate(row_pair):
        got_q[j] += take_q[row]
        got_t[j] += take_t[row]
    return Decision(cases, got_q, got_t)


def _trim(
    rows: list[int],
    take_q: list[int],
    take_t: list[int],
    excess: int,
    give_back: Callable[[int, int], None],
) -> None:
    """Take `excess` units back from the latest rows: tolerance first, then quantity."""
    for takes in (take_t, take_q):
        for row in reversed(rows):
            if excess <= 0:
                return
            back = min(takes[row], excess)
            if back:
                takes[row] -= back
                give_back(row, back)
                excess -= back
