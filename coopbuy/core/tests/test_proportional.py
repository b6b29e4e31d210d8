from coopbuy.core.tests.strategies import run
from coopbuy.core.tests.test_fcfs import one_product, units


def test_proportional_shares_a_short_case_by_quantity_with_the_largest_remainder() -> None:
    # 6 units for quantities 2, 3, 2 (of 7): quotas 1.71, 2.57, 1.71; the two remainders of 5/7
    # win, the earlier first row (alice) before carol, bob's 4/7 loses.
    rows = [("alice", 2, 1, "10:00"), ("bob", 3, 0, "10:05"), ("carol", 2, 2, "10:30")]
    out = run(one_product(rows, case_size=6), "proportional", explain=True)
    assert units(out) == {"alice": (2, 0), "bob": (2, 0), "carol": (2, 0)}
    assert out["unmet"][0]["code"] == "shared_proportionally"


def test_proportional_shares_spare_units_by_tolerance_after_every_quantity() -> None:
    rows = [("a", 2, 1, "10:00"), ("b", 2, 3, "10:05")]  # Q 4, T 4: 2 cases of 3, 2 spare
    out = run(one_product(rows, case_size=3), "proportional")
    assert units(out) == {"a": (2, 0), "b": (2, 2)} or units(out) == {"a": (2, 1), "b": (2, 1)}
    # quotas 0.5 and 1.5: b's floor 1, then the equal remainders (0.5) go to the earlier row: a
    assert units(out) == {"a": (2, 1), "b": (2, 1)}


def test_equal_remainders_at_equal_times_go_by_member_id() -> None:
    rows = [("b", 1, 0, "10:00"), ("a", 1, 0, "10:00"), ("c", 1, 0, "10:00")]
    out = run(one_product(rows, case_size=2), "proportional")
    assert units(out) == {"a": (1, 0), "b": (1, 0)}
