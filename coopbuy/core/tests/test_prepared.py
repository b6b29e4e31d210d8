"""The column-wise aggregation (numpy) and the row-by-row one agree field for field."""

from typing import Any

import numpy as np
from hypothesis import given, settings

from coopbuy.core.jsonio import problem_from_json
from coopbuy.core.prepared import (
    Prepared,
    _aggregate_columns,
    _numeric_columns,
    member_ranks,
    prepare,
)
from coopbuy.core.prepared_rows import aggregate_rows
from coopbuy.core.tests.strategies import problems

FIELDS = (
    "pair_member", "pair_product", "want_quantity", "want_tolerance", "pair_first_row",
    "members_with_pairs", "member_pair_counts", "member_ids", "row_pair",
)  # fmt: skip


def aggregated(data: dict[str, Any], how: Any) -> tuple[Prepared, list[tuple[int, int]]]:
    problem = problem_from_json(data)
    prepared = prepare(problem)  # then redo the aggregation with `how` on fresh lists
    for name in FIELDS:
        setattr(prepared, name, [])
    prepared.columns = prepared._product_rows = None
    prepared._pair_first_row = prepared._row_pair = None
    index = {p.id: p.index for p in prepared.products}
    row_product = [index[p] for p in problem.demand.product]
    if how is _aggregate_columns:
        columns = _numeric_columns(problem.demand)
        assert columns is not None
        ranks = member_ranks(problem.demand)
        how(problem, prepared, np.array(row_product, np.int64), *ranks, *columns)
    else:
        how(problem, prepared, row_product)
    totals = [(p.total_quantity, p.total_tolerance) for p in prepared.products]
    return prepared, totals


@settings(max_examples=200, deadline=None)
@given(problems(max_products=4, max_members=5))
def test_columns_and_rows_give_the_same_working_form(data: dict[str, Any]) -> None:
    if not data["demand"]:
        return
    by_columns, totals_c = aggregated(data, _aggregate_columns)
    by_rows, totals_r = aggregated(data, aggregate_rows)
    for name in FIELDS:
        assert getattr(by_columns, name) == getattr(by_rows, name), name
    assert totals_c == totals_r
    assert by_columns.product_rows() == by_rows.product_rows()
    for p in range(len(by_columns.products)):
        assert by_columns.rows_in_time_order(p) == by_rows.rows_in_time_order(p)


def test_amounts_too_large_for_int64_take_the_row_by_row_path() -> None:
    huge = 2**70
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s"}],
        "products": [{"id": "p", "supplier": "s", "case_size": 2, "unit_price": "0.00"}],
        "demand": [
            {"member": "a", "product": "p", "quantity": huge, "placed_at": "2026-11-20T10:00:00Z"}
        ],
    }
    prepared = prepare(problem_from_json(data))
    assert prepared.want_quantity == [huge] and prepared.products[0].total_quantity == huge
