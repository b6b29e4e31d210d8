from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.basket import BasketRow, plan_change

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def _stored(plan_rows: tuple[BasketRow, ...], first_key: int) -> list[BasketRow]:
    """Give new rows keys, as the database would."""
    out = []
    for i, row in enumerate(plan_rows):
        out.append(row if row.key is not None else BasketRow(first_key + i, *_fields(row)))
    return out


def _fields(row: BasketRow) -> tuple[int, int, datetime]:
    return row.quantity, row.tolerance, row.placed_at


def test_spec_example_raise_adds_a_row_and_tolerance_stays_on_the_earliest() -> None:
    first = plan_change([], quantity=2, tolerance=3, now=T0)
    assert [_fields(r) for r in first.rows] == [(2, 3, T0)]
    stored = _stored(first.rows, 1)
    later = T0 + timedelta(hours=2)
    second = plan_change(stored, quantity=4, tolerance=1, now=later)
    assert [_fields(r) for r in second.rows] == [(2, 1, T0), (2, 0, later)]
    assert second.rows[0].key == 1 and second.rows[1].key is None
    assert second.delete == ()


def test_lowering_takes_units_from_the_latest_rows_first() -> None:
    rows = [
        BasketRow(1, 2, 1, T0),
        BasketRow(2, 2, 0, T0 + timedelta(hours=1)),
        BasketRow(3, 3, 0, T0 + timedelta(hours=2)),
    ]
    plan = plan_change(rows, quantity=3, tolerance=1, now=T0 + timedelta(hours=3))
    assert [(r.key, r.quantity) for r in plan.rows] == [(1, 2), (2, 1)]
    assert plan.delete == (3,)


def test_zero_quantity_with_tolerance_keeps_the_earliest_row() -> None:
    rows = [BasketRow(1, 2, 0, T0), BasketRow(2, 1, 0, T0 + timedelta(hours=1))]
    plan = plan_change(rows, quantity=0, tolerance=2, now=T0 + timedelta(hours=2))
    assert [(r.key, r.quantity, r.tolerance) for r in plan.rows] == [(1, 0, 2)]
    assert plan.delete == (2,)


def test_zero_and_zero_deletes_every_row() -> None:
    rows = [BasketRow(5, 2, 1, T0), BasketRow(7, 1, 0, T0 + timedelta(hours=1))]
    plan = plan_change(rows, quantity=0, tolerance=0, now=T0 + timedelta(hours=2))
    assert plan.rows == () and plan.delete == (5, 7)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5)), min_size=1, max_size=8))
def test_any_sequence_of_changes_gives_the_asked_totals(steps: list[tuple[int, int]]) -> None:
    rows: list[BasketRow] = []
    next_key = 1
    for i, (quantity, tolerance) in enumerate(steps):
        now = T0 + timedelta(minutes=i)
        before = {r.key: r for r in rows}
        plan = plan_change(rows, quantity=quantity, tolerance=tolerance, now=now)
        assert plan.quantity == quantity and plan.tolerance == tolerance
        assert all(r.tolerance == 0 for r in plan.rows[1:])
        assert all(r.quantity or r.tolerance for r in plan.rows), "no empty row is stored"
        assert set(plan.delete) <= set(before)
        assert not set(plan.delete) & {r.key for r in plan.rows}
        # kept stored rows never move in time and never grow
        for r in plan.rows:
            if r.key is not None:
                assert r.placed_at == before[r.key].placed_at
                assert r.quantity <= before[r.key].quantity
        # at most one new row, and only when the quantity went up (or a bare tolerance row)
        assert sum(r.key is None for r in plan.rows) <= 1
        rows = _stored(plan.rows, next_key)
        next_key += len(plan.rows) + 1


def test_a_tolerance_only_row_goes_when_the_tolerance_moves_to_a_new_quantity() -> None:
    only_tolerance = BasketRow(1, 0, 3, T0)
    plan = plan_change([only_tolerance], quantity=5, tolerance=0, now=T0 + timedelta(hours=1))
    assert plan.rows == (BasketRow(None, 5, 0, T0 + timedelta(hours=1)),)
    assert plan.delete == (1,)
