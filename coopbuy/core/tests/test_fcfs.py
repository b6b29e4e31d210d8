import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.tests.strategies import run

DATA = Path(__file__).parent / "data"


def one_product(rows: list[tuple[str, int, int, str]], **product: Any) -> dict[str, Any]:
    supplier = product.pop("supplier", {"id": "s"})
    return {
        "currency": "GBP",
        "suppliers": [supplier],
        "products": [{"id": "p", "supplier": "s", "unit_price": "1.00", **product}],
        "demand": [
            {
                "member": m,
                "product": "p",
                "quantity": q,
                "tolerance": t,
                "placed_at": f"2026-11-20T{at}:00Z",
            }
            for m, q, t, at in rows
        ],
    }


def units(out: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {a["member"]: (a["from_quantity"], a["from_tolerance"]) for a in out["allocations"]}


def test_spec_example_gives_exactly_the_spec_output() -> None:
    problem = json.loads((DATA / "spec_example.json").read_text())
    expected = json.loads((DATA / "spec_example_output.json").read_text())
    assert run(problem) == expected


def test_a_raise_is_a_new_row_so_the_later_units_come_last() -> None:
    # A orders 2 (+3) at 17:00, B 2 at 18:00, A raises to 4 (+1) at 19:00: A's first row is now
    # 2 (+1) and the raise a new row of 2. Q = 6, T = 1: one case of 5, A gets 3 and B 2.
    rows = [("A", 2, 1, "17:00"), ("B", 2, 0, "18:00"), ("A", 2, 0, "19:00")]
    out = run(one_product(rows, case_size=5), "fcfs")
    assert out["products"][0]["cases"] == 1
    assert units(out) == {"A": (3, 0), "B": (2, 0)}


# | rows (member, quantity, tolerance, time)      | case | cases | units per member          |
FCFS_TABLE = [
    ([("a", 4, 0, "10:00"), ("b", 3, 0, "11:00")], 6, 1, {"a": (4, 0), "b": (2, 0)}),
    ([("a", 4, 0, "10:00"), ("b", 1, 1, "11:00")], 6, 1, {"a": (4, 0), "b": (1, 1)}),
    ([("a", 4, 2, "10:00"), ("b", 1, 2, "11:00")], 6, 1, {"a": (4, 1), "b": (1, 0)}),
    ([("a", 1, 0, "10:00"), ("b", 1, 3, "11:00")], 6, 0, {}),
    ([("b", 2, 0, "11:00"), ("a", 2, 0, "10:00")], 3, 1, {"a": (2, 0), "b": (1, 0)}),
    ([("a", 0, 6, "10:00")], 6, 0, {}),  # never a case of tolerance alone
]


def test_fcfs_worked_examples() -> None:
    for rows, size, cases, expected in FCFS_TABLE:
        out = run(one_product(rows, case_size=size), "fcfs")
        assert (out["products"][0]["cases"], units(out)) == (cases, expected), rows


def test_fcfs_gives_late_orders_nothing_when_cases_run_out() -> None:
    rows = [("a", 3, 0, "10:00"), ("b", 3, 0, "10:01"), ("c", 2, 0, "10:02")]
    out = run(one_product(rows, case_size=3), "fcfs", explain=True)
    assert units(out) == {"a": (3, 0), "b": (3, 0)}
    assert [(u["member"], u["code"]) for u in out["unmet"]] == [("c", "later_orders_came_first")]


def test_equal_times_are_served_in_file_order() -> None:
    rows = [("z", 2, 0, "10:00"), ("a", 2, 0, "10:00")]
    assert units(run(one_product(rows, case_size=3), "fcfs")) == {"z": (2, 0), "a": (1, 0)}


def test_max_cases_caps_the_order_and_says_so() -> None:
    rows = [("a", 6, 0, "10:00"), ("b", 6, 0, "11:00")]
    out = run(one_product(rows, case_size=3, max_cases=2), "fcfs", explain=True)
    assert out["products"][0]["cases"] == 2
    assert units(out) == {"a": (6, 0)}
    assert out["unmet"][0]["code"] == "max_cases"


def test_min_cases_is_reached_when_demand_fits_and_dropped_when_not() -> None:
    fits = [("a", 4, 2, "10:00")]  # 1 case by the rule, 2 fit in 6 units
    out = run(one_product(fits, case_size=3, min_cases=2), "fcfs")
    assert out["products"][0]["cases"] == 2 and units(out) == {"a": (4, 2)}
    short = [("a", 4, 1, "10:00")]  # 5 < 6: order none
    assert run(one_product(short, case_size=3, min_cases=2), "fcfs")["products"][0]["cases"] == 0
    tolerance_case = [("a", 2, 4, "10:00")]  # the minimum may be reached with tolerance
    out = run(one_product(tolerance_case, case_size=3, min_cases=2), "fcfs")
    assert out["products"][0]["cases"] == 2 and units(out) == {"a": (2, 4)}


def test_min_cases_is_reached_with_tolerance_under_every_policy() -> None:
    # The spec's example, Foodsoft's minimum order quantity: Q 9, T 1, case size 1, min_cases 10.
    rows = [("a", 5, 0, "10:00"), ("b", 4, 1, "11:00")]
    for policy in ("fcfs", "proportional", "optimal"):
        out = run(one_product(rows, case_size=1, min_cases=10), policy)
        assert out["products"][0]["cases"] == 10, policy
        assert units(out) == {"a": (5, 0), "b": (4, 1)}, policy


def test_min_cases_is_not_reached_by_tolerance_when_nobody_needs_the_product() -> None:
    rows = [("a", 0, 6, "10:00")]  # no quantity at all: the minimum is not bought on tolerance
    for policy in ("fcfs", "proportional"):
        assert run(one_product(rows, case_size=3, min_cases=2), policy)["products"][0]["cases"] == 0


def test_min_cases_reached_with_tolerance_shares_tolerance_in_time_order() -> None:
    # Q 7 + T 5, case 4, min_cases 3: the rule gives 2 cases (8 units: 7 + 1 of tolerance), the
    # minimum lifts it to 3 (12 units): every quantity, then the tolerance in time order.
    rows = [("a", 3, 2, "10:00"), ("b", 4, 0, "10:05"), ("c", 0, 3, "10:10")]
    out = run(one_product(rows, case_size=4, min_cases=3), "fcfs")
    assert out["products"][0]["cases"] == 3
    assert units(out) == {"a": (3, 2), "b": (4, 0), "c": (0, 3)}
    out = run(one_product(rows, case_size=4, min_cases=4), "fcfs")  # 16 > 12: none
    assert out["products"][0]["cases"] == 0


def test_supplier_below_its_minimum_orders_nothing() -> None:
    supplier = {"id": "s", "min_order_value": "10.00", "delivery_fee": "2.00"}
    out = run(
        one_product([("a", 6, 0, "10:00")], case_size=3, supplier=supplier), "fcfs", explain=True
    )
    assert out["products"][0]["cases"] == 0 and out["allocations"] == []
    assert out["suppliers"][0] == {
        "id": "s", "ordered": False, "goods": "0.00", "delivery_fee": "0.00", "meets_minimum": False,  # noqa: E501
    }  # fmt: skip
    assert out["unmet"][0]["code"] == "supplier_minimum_not_reached"


def test_tier_price_applies_to_every_unit_and_free_delivery_over_threshold() -> None:
    supplier = {"id": "s", "delivery_fee": "5.00", "free_delivery_over": "8.00"}
    rows = [("a", 5, 0, "10:00"), ("b", 5, 0, "11:00")]
    out = run(
        one_product(
            rows,
            case_size=5,
            price_tiers=[{"min_cases": 2, "unit_price": "0.80"}],
            supplier=supplier,
        ),
        "fcfs",
    )
    assert out["products"][0]["unit_price"] == "0.80"
    assert [a["amount"] for a in out["allocations"]] == ["4.00", "4.00"]
    assert out["suppliers"][0]["delivery_fee"] == "0.00"  # 8.00 reaches the threshold


def reference_fcfs(data: dict[str, Any], cases: int) -> dict[str, tuple[int, int]]:
    """The spec's two passes written plainly: rows sorted by (time, file position), served."""
    rows = sorted(enumerate(data["demand"]), key=lambda r: (r[1]["placed_at"], r[0]))
    units = cases * data["products"][0]["case_size"]
    got: dict[str, list[int]] = {}
    for field, slot in (("quantity", 0), ("tolerance", 1)):
        for _, row in rows:
            take = min(row[field], units)
            units -= take
            if take:
                got.setdefault(row["member"], [0, 0])[slot] += take
    return {m: (q, t) for m, (q, t) in got.items()}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefgh"), st.integers(0, 3), st.integers(0, 3), st.integers(0, 9)
        ),
        min_size=1,
        max_size=80,
    ),
    st.integers(1, 12),
    st.booleans(),
)
def test_fcfs_serves_long_queues_exactly_in_time_order(
    rows: list[tuple[str, int, int, int]], case_size: int, tolerance: bool
) -> None:
    # Many rows and few cut units: the partial selection (not a full sort) finds the cut rows.
    # Without tolerance the last case is rarely filled, so the quantity pass is cut too.
    data = one_product(
        [(m, q, t if tolerance else 0, f"10:{minute:02d}") for m, q, t, minute in rows],
        case_size=case_size,
    )
    out = run(data, "fcfs")
    assert units(out) == reference_fcfs(data, out["products"][0]["cases"])


def test_a_dropped_supplier_is_explained_with_the_value_its_order_reached() -> None:
    supplier = {"id": "s", "min_order_value": "10.00"}
    out = run(one_product([("a", 6, 0, "10:00")], case_size=3, supplier=supplier), "fcfs", True)
    assert out["unmet"][0]["text"].endswith(
        "the order from s came to 6.00, below its minimum of 10.00."
    )
