"""The matching contract's input checks: every bad input names its field (specs/matching.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from coopbuy.core.errors import ProblemError
from coopbuy.core.matching import problem_from_json
from coopbuy.core.tests.matching_support import person, problem

GOOD = problem(
    [person("p0", 0, suma="60.00"), person("p1", 1, suma="10.00"), person("p2", 2, suma="1"),
     person("p3", 3, suma="1"), person("p4", 4, suma="1")],
    min_size=2, max_size=4, suppliers={"suma": "250.00"},
)  # fmt: skip


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def setter(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (setter(("people", 4, "max_km"), 5.0), "people[4].max_km: must be a positive decimal string"),  # noqa: E501
        (setter(("people", 4, "max_km"), "0"), "people[4].max_km: must be a positive decimal string"),  # noqa: E501
        (setter(("people", 4, "max_km"), "-1"), "people[4].max_km: must be a positive decimal string"),  # noqa: E501
        (setter(("people", 4, "max_km"), "1e3"), "people[4].max_km: must be a positive decimal string"),  # noqa: E501
        (setter(("people", 4, "max_km"), "NaN"), "people[4].max_km: must be a positive decimal string"),  # noqa: E501
        (setter(("people", 4, "max_km"), "30000"), "people[4].max_km: must be at most 20016 (half way round the Earth)"),  # noqa: E501
        (setter(("people", 1, "lat"), "90.1"), 'people[1].lat: must be a decimal string from -90 to 90, such as "53.7424"'),  # noqa: E501
        (setter(("people", 1, "lat"), 53.7), 'people[1].lat: must be a decimal string from -90 to 90, such as "53.7424"'),  # noqa: E501
        (setter(("people", 1, "lon"), "-180.5"), 'people[1].lon: must be a decimal string from -180 to 180, such as "53.7424"'),  # noqa: E501
        (setter(("people", 2, "host"), "yes"), "people[2].host: must be true or false"),
        (setter(("people", 2, "wants"), ["suma"]), 'people[2].wants: must be an object such as {"suma": "60.00"}'),  # noqa: E501
        (setter(("people", 2, "wants", "abel"), "5.00"), 'people[2].wants.abel: unknown supplier "abel"'),  # noqa: E501
        (setter(("people", 2, "wants", "suma"), 5.5), 'people[2].wants.suma: must be a decimal string such as "3.10", not a number'),  # noqa: E501
        (setter(("people", 2, "wants", "suma"), "-5"), "people[2].wants.suma: must not be negative"),  # noqa: E501
        (setter(("people", 2, "wants", "suma"), "5.001"), "people[2].wants.suma: must have at most 2 decimal places"),  # noqa: E501
        (setter(("people", 3, "id"), "p1"), 'people[3].id: duplicate id "p1"'),
        (setter(("people", 3, "id"), ""), "people[3].id: must be a non-empty string"),
        (setter(("people", 3, "id"), 3), "people[3].id: must be a non-empty string"),
        (setter(("people", 3, "max_kms"), "5"), "people[3].max_kms: unknown field"),
        (lambda d: d["people"][0].pop("lat"), "people[0].lat: required"),
        (setter(("people", 0), "p0"), "people[0]: must be an object"),
        (setter(("people",), {}), "people: must be a list"),
        (setter(("suppliers", 0, "min_order_value"), 250), 'suppliers[0].min_order_value: must be a decimal string such as "3.10", not a number'),  # noqa: E501
        (setter(("suppliers", 0, "name"), "Suma"), "suppliers[0].name: unknown field"),
        (lambda d: d["suppliers"].append({"id": "suma"}), 'suppliers[1].id: duplicate id "suma"'),
        (setter(("min_size",), 5), "min_size: must not be greater than max_size (4)"),
        (setter(("min_size",), 0), "min_size: must be a positive integer"),
        (setter(("max_size",), "16"), "max_size: must be a positive integer"),
        (setter(("max_size",), True), "max_size: must be a positive integer"),
        (lambda d: d.pop("people"), "people: required"),
        (setter(("colour",), "red"), "colour: unknown field"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(change: Any, message: str) -> None:
    with pytest.raises(ProblemError) as caught:
        problem_from_json(broken(change))
    assert str(caught.value) == message


def test_the_problem_must_be_an_object() -> None:
    with pytest.raises(ProblemError, match=r"^problem: must be an object$"):
        problem_from_json([])


def test_defaults_host_true_no_wants_and_no_minimum() -> None:
    data = {"min_size": 1, "max_size": 1, "suppliers": [{"id": "suma"}],
            "people": [{"id": "a", "lat": "0", "lon": "0", "max_km": "1"}]}  # fmt: skip
    parsed = problem_from_json(data)
    assert parsed.people[0].host is True and dict(parsed.people[0].wants) == {}
    assert str(parsed.suppliers[0].min_order_value) == "0"
