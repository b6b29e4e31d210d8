from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.pooled_receiving import (
    pool_delivery,
    reallocate_drop,
    reallocate_pool,
    regroup_delivery,
)
from coopbuy.core.problem import DemandRow
from coopbuy.core.receiving import Held

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)
GROUP = {"a": "g1", "b": "g2", "c": "g1", "d": "g2"}


def _rows(*spec: tuple[str, int, int]) -> list[DemandRow]:
    return [DemandRow(m, "p", q, t, T0 + timedelta(minutes=i)) for i, (m, q, t) in enumerate(spec)]


def test_fcfs_federation_shortage_takes_from_the_pools_latest_orders_whatever_their_group() -> None:
    demand = _rows(("a", 4, 0), ("b", 4, 0), ("c", 2, 0), ("d", 2, 0))
    held = {"a": Held(4, 0), "b": Held(4, 0), "c": Held(2, 0), "d": Held(2, 0)}
    out = reallocate_pool(policy="fcfs", demand=demand, held=held, member_group=GROUP, units=9)
    assert out.held == {"a": Held(4, 0), "b": Held(4, 0), "c": Held(1, 0), "d": Held(0, 0)}
    assert out.drops == {"g1": (6, 5), "g2": (6, 4)}


def test_proportional_federation_shortage_shares_the_pool_in_proportion() -> None:
    demand = _rows(("a", 6, 0), ("b", 3, 0), ("c", 3, 0))
    held = {"a": Held(6, 0), "b": Held(3, 0), "c": Held(3, 0)}
    out = reallocate_pool(
        policy="proportional", demand=demand, held=held, member_group=GROUP, units=6
    )
    # 3, 1.5, 1.5: the remainder's unit goes to the earlier row (b)
    assert out.held == {"a": Held(3, 0), "b": Held(2, 0), "c": Held(1, 0)}
    assert out.drops == {"g1": (9, 4), "g2": (3, 2)}


def test_federation_extras_fill_unmet_demand_across_the_pool_and_the_rest_is_leftover() -> None:
    demand = _rows(("a", 2, 1), ("b", 3, 2), ("c", 1, 0))
    held = {"a": Held(2, 0), "b": Held(2, 0), "c": Held(1, 0)}
    out = reallocate_pool(policy="fcfs", demand=demand, held=held, member_group=GROUP, units=11)
    # fcfs: unmet quantity first (b's 1), then tolerance in time order (a's 1, b's 2); 1 left.
    assert out.held == {"a": Held(2, 1), "b": Held(3, 2), "c": Held(1, 0)}
    assert out.drops == {"g1": (3, 4), "g2": (2, 5)}
    assert out.leftover == 2


def test_negative_units_and_drops_over_demand_are_refused() -> None:
    demand = _rows(("a", 2, 0))
    with pytest.raises(ValueError, match="negative"):
        reallocate_pool(
            policy="fcfs", demand=demand, held={"a": Held(2, 0)}, member_group=GROUP, units=-1
        )
    with pytest.raises(ValueError, match="negative"):
        reallocate_drop(policy="fcfs", demand=demand, held={"a": Held(2, 0)}, units=-1)
    with pytest.raises(ValueError, match="more than the group asked for"):
        reallocate_drop(policy="fcfs", demand=demand, held={"a": Held(1, 0)}, units=3)


def test_a_drop_counted_again_upwards_gives_units_back_by_the_same_rule() -> None:
    demand = _rows(("a", 3, 0), ("c", 2, 0))
    held = {"a": Held(3, 0), "c": Held(0, 0)}
    assert reallocate_drop(policy="fcfs", demand=demand, held=held, units=5) == {
        "a": Held(3, 0),
        "c": Held(2, 0),
    }


def test_drop_shortage_stays_within_the_group() -> None:
    demand = _rows(("a", 3, 1), ("c", 2, 0))
    held = {"a": Held(3, 1), "c": Held(2, 0)}
    assert reallocate_drop(policy="fcfs", demand=demand, held=held, units=4) == {
        "a": Held(3, 0),
        "c": Held(1, 0),
    }


@settings(max_examples=200, deadline=None)  # no deadline: the machine is shared
@given(
    spec=st.lists(
        st.tuples(st.sampled_from("abcd"), st.integers(0, 6), st.integers(0, 3)),
        min_size=1,
        max_size=8,
    ),
    policy=st.sampled_from(["fcfs", "proportional", "optimal"]),
    cut=st.integers(0, 200),
)
def test_federation_shortage_or_extra_is_exact_at_both_levels(
    spec: list[tuple[str, int, int]], policy: str, cut: int
) -> None:
    demand = _rows(*spec)
    held: dict[str, Held] = {}
    for m, q, t in spec:
        h = held.get(m, Held(0, 0))
        held[m] = Held(h.from_quantity + q, h.from_tolerance + t)
    total = sum(h.units for h in held.values())
    units = total * cut // 100
    out = reallocate_pool(
        policy=policy,  # type: ignore[arg-type]
        demand=demand,
        held=held,
        member_group=GROUP,
        units=units,
    )
    assert sum(h.units for h in out.held.values()) + out.leftover == units
    wanted = {m: sum(q + t for w, q, t in spec if w == m) for m in held}
    for m, h in out.held.items():
        if units <= total:  # a shortage only takes back
            assert h.from_quantity <= held[m].from_quantity
            assert h.from_tolerance <= held[m].from_tolerance
        else:  # extras only add, never past what the member asked for
            assert held[m].units <= h.units <= wanted[m]
    assert out.leftover == max(0, units - sum(wanted.values()))
    for g, (before, after) in out.drops.items():
        assert after <= before if units <= total else after >= before
        assert after == sum(h.units for m, h in out.held.items() if GROUP[m] == g)


@settings(max_examples=200, deadline=None)  # no deadline: the machine is shared
@given(
    goods=st.dictionaries(st.sampled_from("abcd"), st.integers(0, 5000), min_size=1),
    fee=st.integers(0, 2000),
    drop=st.integers(0, 700),
)
def test_delivery_shares_add_up_to_the_fees_of_those_receiving(
    goods: dict[str, int], fee: int, drop: int
) -> None:
    receiving = set(goods)
    shares = pool_delivery(
        goods=goods, receiving=receiving, member_group=GROUP, supplier_fee=fee,
        drop_fees={"g1": drop, "g2": drop},
    )  # fmt: skip
    groups_receiving = {GROUP[m] for m in receiving}
    assert sum(shares.values()) == fee + drop * len(groups_receiving)
    regrouped = regroup_delivery(total=fee, goods=goods, receiving=receiving)
    assert sum(regrouped.values()) == fee


def test_nobody_receiving_pays_no_delivery() -> None:
    goods = {"a": 0, "b": 0}
    shares = pool_delivery(
        goods=goods, receiving=set(), member_group=GROUP, supplier_fee=500, drop_fees={"g1": 100}
    )
    assert shares == {"a": 0, "b": 0}
    assert regroup_delivery(total=300, goods=goods, receiving=set()) == {"a": 0, "b": 0}
