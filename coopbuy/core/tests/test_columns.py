"""The vectorised (numpy) paths agree with the row-by-row ones they replace on big rounds."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.jsonio import problem_from_json
from coopbuy.core.policies.fcfs import allocate_fcfs, decide_cases
from coopbuy.core.policies.proportional import (
    _allocate_proportional_columns,
    allocate_proportional,
)
from coopbuy.core.prepared import Prepared, _time_keys, prepare, stable_order
from coopbuy.core.tests.strategies import problems


def drop_columns(prepared: Prepared) -> None:
    """Build the lists the row paths read (lazily, from the columns), then drop the columns."""
    prepared.product_rows()
    _ = prepared.row_pair, prepared.pair_first_row, prepared.pair_member, prepared.pair_product
    _ = prepared.want_quantity, prepared.want_tolerance
    prepared.columns = None


@st.composite
def zoned(draw: st.DrawFn) -> dict[str, Any]:
    """A problem whose times are written with assorted UTC offsets (equal instants included)."""
    data = draw(problems(max_products=3, max_members=6, max_quantity=6, max_tolerance=4))
    for row in data["demand"]:
        instant = datetime.fromisoformat(row["placed_at"])
        zone = timezone(timedelta(minutes=draw(st.sampled_from([0, 60, -330, 765]))))
        row["placed_at"] = instant.astimezone(zone).isoformat()
    return data


@settings(max_examples=300, deadline=None)
@given(st.one_of(problems(max_products=3, max_members=6), zoned()))
def test_fcfs_on_columns_equals_fcfs_row_by_row(data: dict[str, Any]) -> None:
    prepared = prepare(problem_from_json(data))
    by_columns = allocate_fcfs(prepared)
    drop_columns(prepared)  # the row-by-row path (also taken for amounts beyond int64)
    by_rows = allocate_fcfs(prepared)
    assert by_columns == by_rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**40), max_size=40), st.sampled_from([1, 2**16, 2**40, 2**62]))
def test_stable_order_is_the_stable_argsort(values: list[int], scale: int) -> None:
    # scale picks the branch: radix on small keys, unique keys, or the stable sort itself
    keys = np.array([v % scale for v in values], np.int64)
    assert stable_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()


def test_time_keys_are_exact_microseconds_in_the_datetimes_order() -> None:
    base = datetime(2026, 11, 20, 10, tzinfo=UTC)
    times = [
        base + timedelta(microseconds=1),
        base.astimezone(timezone(timedelta(hours=-5))),  # the same instant as base
        base,
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ]
    keys = _time_keys(times)
    assert keys is not None
    assert keys[0] == keys[2] + 1 and keys[1] == keys[2]
    assert np.argsort(keys, kind="stable").tolist() == sorted(range(5), key=times.__getitem__)
    naive = [datetime(2026, 1, 1), datetime(2025, 1, 1)]  # noqa: DTZ001 (naive on purpose)
    naive_keys = _time_keys(naive)
    assert naive_keys is not None and naive_keys[1] < naive_keys[0]
    assert _time_keys([*naive, base]) is None  # naive and aware cannot be compared


@settings(max_examples=300, deadline=None)
@given(st.one_of(problems(max_products=3, max_members=6), zoned()))
def test_proportional_on_columns_equals_the_per_product_loop(data: dict[str, Any]) -> None:
    prepared = prepare(problem_from_json(data))
    by_columns = allocate_proportional(prepared)
    drop_columns(prepared)  # the per-product loop (also taken when int64 could overflow)
    by_loop = allocate_proportional(prepared)
    assert by_columns == by_loop


def test_proportional_falls_back_to_the_loop_when_int64_could_overflow() -> None:
    m = 2**31 - 1  # the largest amount the columns take; units x want then passes 2^62
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s"}],
        "products": [{"id": "p", "supplier": "s", "case_size": 3, "unit_price": "0.00"}],
        "demand": [
            {"member": who, "product": "p", "quantity": m, "placed_at": "2026-11-20T10:00Z"}
            for who in "aabc"
        ],
    }
    prepared = prepare(problem_from_json(data))
    assert prepared.columns is not None
    assert not _allocate_proportional_columns(prepared, prepared.columns, decide_cases(prepared))
    # 4m units wanted, 4m - 1 in whole cases: a's quota is 2m - 1/2, b's and c's m - 1/4 each,
    # so b and c (remainder 3/4) get the two units left after the floors
    assert allocate_proportional(prepared).got_quantity == [2 * m - 1, m, m]
