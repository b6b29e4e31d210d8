import copy
import json
from pathlib import Path
from typing import Any

import pytest

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonio import problem_from_json

SPEC = json.loads((Path(__file__).parent / "data" / "spec_example.json").read_text())


def broken(path: list[Any], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    (["demand", 2, "quantity"], -1, "demand[2].quantity: must be a non-negative integer"),
    (["demand", 2, "quantity"], 1.5, "demand[2].quantity: must be a non-negative integer"),
    (["demand", 2, "quantity"], True, "demand[2].quantity: must be a non-negative integer"),
    (["demand", 1, "tolerance"], "2", "demand[1].tolerance: must be a non-negative integer"),
    (["demand", 0, "product"], "rice", 'demand[0].product: unknown product "rice"'),
    (["demand", 0, "member"], "", "demand[0].member: must be a non-empty string"),
    (["demand", 0, "placed_at"], "yesterday", 'demand[0].placed_at: must be an ISO-8601 time with a time zone, such as "2026-11-20T10:00:00Z", not "yesterday"'),  # noqa: E501
    (["demand", 0, "placed_at"], "2026-11-20T10:00:00", 'demand[0].placed_at: must be an ISO-8601 time with a time zone, such as "2026-11-20T10:00:00Z"; "2026-11-20T10:00:00" has no time zone'),  # noqa: E501
    (["demand", 0, "placed_at"], KeyError, "demand[0].placed_at: required"),
    (["demand", 0, "tolerence"], 1, "demand[0].tolerence: unknown field"),
    (["demand", 0], [], "demand[0]: must be an object"),
    (["products", 0, "case_size"], 0, "products[0].case_size: must be a positive integer"),
    (["products", 0, "unit_price"], 3.1, 'products[0].unit_price: must be a decimal string such as "3.10", not a number'),  # noqa: E501
    (["products", 0, "unit_price"], "3.105", "products[0].unit_price: must have at most 2 decimal places"),  # noqa: E501
    (["products", 0, "supplier"], "acme", 'products[0].supplier: unknown supplier "acme"'),
    (["products", 0, "max_cases"], -1, "products[0].max_cases: must be a non-negative integer"),
    (["products", 0, "price_tiers", 0, "min_cases"], 0, "products[0].price_tiers[0].min_cases: must be a positive integer"),  # noqa: E501
    (["suppliers", 0, "delivery_fee"], "-4.50", "suppliers[0].delivery_fee: must not be negative"),
    (["members", 0, "budget"], 120, 'members[0].budget: must be a decimal string such as "3.10", not a number'),  # noqa: E501
    (["policy"], "random", "policy: must be one of fcfs, proportional, optimal, not 'random'"),
    (["currency"], "pounds", 'currency: must be a three-letter currency code such as "GBP"'),
    (["suppliers"], KeyError, "suppliers: required"),
    (["demand"], {}, "demand: must be a list"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "message"), BAD)
def test_every_bad_input_names_its_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(ProblemError) as err:
        problem_from_json(broken(path, value))
    assert str(err.value) == message


def test_duplicate_ids_are_refused() -> None:
    data = copy.deepcopy(SPEC)
    data["products"].append(dict(data["products"][0]))
    with pytest.raises(ProblemError, match=r'^products\[1\]\.id: duplicate id "oats-25kg"$'):
        problem_from_json(data)


def test_max_cases_below_min_cases_is_refused() -> None:
    data = broken(["products", 0, "min_cases"], 3)
    data["products"][0]["max_cases"] = 2
    with pytest.raises(
        ProblemError, match=r"^products\[0\]\.max_cases: must not be below min_cases$"
    ):
        problem_from_json(data)


def test_defaults_and_offsets_are_read() -> None:
    data = copy.deepcopy(SPEC)
    del data["demand"][0]["tolerance"]
    data["demand"][1]["placed_at"] = "2026-11-20T11:05:00+01:00"
    problem = problem_from_json(data)
    assert problem.demand.tolerance == (0, 0, 2)
    assert problem.demand.placed_at[1] == problem.demand.placed_at[0].replace(minute=5)
