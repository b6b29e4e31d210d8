from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coopbuy.core.allocation import allocate
from coopbuy.core.problem import Demand, DemandRow, Problem, Product, Supplier
from coopbuy.core.receiving import Held, reallocate

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _rows(*spec: tuple[str, int, int]) -> list[DemandRow]:
    return [DemandRow(m, "p", q, t, T0 + timedelta(minutes=i)) for i, (m, q, t) in enumerate(spec)]


def test_fcfs_shortage_takes_from_the_latest_demand_first() -> None:
    demand = _rows(("a", 2, 1), ("b", 3, 0), ("c", 2, 0))
    held = {"a": Held(2, 0), "b": Held(3, 0), "c": Held(1, 0)}  # the spec's example: 6 units
    result = reallocate(policy="fcfs", demand=demand, held=held, units=4)
    assert result.held == {"a": Held(2, 0), "b": Held(2, 0), "c": Held(0, 0)}


def test_fcfs_shortage_takes_tolerance_units_back_before_quantity() -> None:
    demand = _rows(("a", 4, 2), ("b", 4, 0))
    held = {"a": Held(4, 2), "b": Held(4, 0)}
    result = reallocate(policy="fcfs", demand=demand, held=held, units=9)
    assert result.held == {"a": Held(4, 1), "b": Held(4, 0)}


def test_proportional_shortage_by_largest_remainder() -> None:
    demand = _rows(("a", 6, 0), ("b", 3, 0), ("c", 3, 0))
    held = {"a": Held(6, 0), "b": Held(3, 0), "c": Held(3, 0)}
    result = reallocate(policy="proportional", demand=demand, held=held, units=7)
    # exact shares 3.5, 1.75, 1.75 -> 3, 1, 1 + two units by largest remainder (b, c)
    assert result.held == {"a": Held(3, 0), "b": Held(2, 0), "c": Held(2, 0)}


def test_extra_units_fill_unmet_requests_and_the_rest_is_leftover() -> None:
    demand = _rows(("a", 2, 1), ("b", 3, 0), ("c", 2, 0))
    held = {"a": Held(2, 0), "b": Held(3, 0), "c": Held(1, 0)}
    result = reallocate(policy="fcfs", demand=demand, held=held, units=10)
    assert result.held == {"a": Held(2, 1), "b": Held(3, 0), "c": Held(2, 0)}
    assert result.leftover == 2


@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.integers(0, 7), st.integers(0, 4)),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(["fcfs", "proportional", "optimal"]),
    st.integers(0, 60),
)
def test_reallocation_never_exceeds_requests_and_uses_exactly_what_arrived(
    spec: list[tuple[str, int, int]], policy: str, arrived: int
) -> None:
    demand = _rows(*spec)
    problem = Problem(
        "GBP",
        (Supplier("s"),),
        (Product("p", "s", 3, Decimal(1)),),
        (),
        Demand.from_rows(demand),
    )
    result = allocate(problem, policy="fcfs" if policy == "fcfs" else "proportional")
    held = {
        line.member: Held(line.from_quantity, line.from_tolerance) for line in result.allocations
    }
    after = reallocate(policy=policy, demand=demand, held=held, units=arrived)  # type: ignore[arg-type]
    assert sum(h.units for h in after.held.values()) + after.leftover == arrived
    for member, h in after.held.items():
        assert h.from_quantity <= sum(r.quantity for r in demand if r.member == member)
        assert h.from_tolerance <= sum(r.tolerance for r in demand if r.member == member)
    if arrived <= sum(h.units for h in held.values()):
        assert after.leftover == 0
        assert all(after.held[m].units <= h.units for m, h in held.items())


def test_a_member_holding_units_without_a_demand_row_sorts_after_aware_times() -> None:
    """A holder with no row was keyed by a naive `datetime.max`: a TypeError beside aware times."""
    result = reallocate(
        policy="proportional",
        demand=_rows(("a", 2, 0), ("b", 2, 0)),
        held={"a": Held(2, 0), "b": Held(2, 0), "z": Held(1, 0)},
        units=4,
    )
    assert sum(h.units for h in result.held.values()) == 4
    assert result.held["z"].units <= 1
