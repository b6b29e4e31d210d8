"""The tender contract's input rules: every bad input names its field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from coopbuy.core.errors import ProblemError
from coopbuy.core.tender import tender_from_json

EXAMPLE = json.loads((Path(__file__).parent / "data" / "tender_spec_example.json").read_text())


def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


def broken(change: str) -> dict[str, Any]:
    data = example()
    bid = data["bids"][0]
    oats = bid["prices"][0]
    exec(change, {"data": data, "bid": bid, "oats": oats})  # a table of one-line edits
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("bid['prices'].append({'item': 'oats-25kg', 'unit_price': '2.00'})",
         'bids[0].prices[2].item: "oats-25kg" is priced twice in this bid'),
        ("data['weights']['organic'] = '0.50'", "weights: must sum to at most 0.5, not 0.55"),
        ("oats['unit_price'] = 2.9",
         'bids[0].prices[0].unit_price: must be a decimal string such as "3.10", not a number'),
        ("oats['item'] = 'rice'", 'bids[0].prices[0].item: unknown item "rice"'),
        ("data['split'] = 'cases'", "split: must be one of lot, item, units, not 'cases'"),
        ("del data['split']", "split: required"),
        ("data['currency'] = 'pounds'",
         'currency: must be a three-letter currency code such as "GBP"'),
        ("data['items'][0]['quantity'] = -1", "items[0].quantity: must be a non-negative integer"),
        ("data['items'][0]['quantity'] = 1.5", "items[0].quantity: must be a non-negative integer"),
        ("data['items'][1]['id'] = 'oats-25kg'", 'items[1].id: duplicate id "oats-25kg"'),
        ("data['bids'].append(dict(bid))", 'bids[1].id: duplicate id "suma-1"'),
        ("oats['capacity'] = -3", "bids[0].prices[0].capacity: must be a non-negative integer"),
        ("oats['capacty'] = 3", "bids[0].prices[0].capacty: unknown field"),
        ("oats['tiers'][0]['min_quantity'] = 0",
         "bids[0].prices[0].tiers[0].min_quantity: must be a positive integer"),
        ("oats['tiers'].append({'min_quantity': 100, 'unit_price': '2.00'})",
         "bids[0].prices[0].tiers[1].min_quantity: two tiers start at the same quantity"),
        ("bid['criteria']['fairtrade'] = '0.5'",
         "bids[0].criteria.fairtrade: unknown criterion: it is not among the weights"),
        ("bid['criteria']['organic'] = '1.5'",
         'bids[0].criteria.organic: must be between 0 and 1, not "1.5"'),
        ("bid['criteria']['organic'] = 0.8",
         'bids[0].criteria.organic: must be a decimal string between 0 and 1 such as "0.25", '
         "not a number"),
        ("data['weights']['organic'] = '0.00001'",
         "weights.organic: must have at most 4 decimal places"),
        ("bid['delivery_fee'] = '-4.00'", "bids[0].delivery_fee: must not be negative"),
        ("bid['min_order_value'] = '1.234'",
         "bids[0].min_order_value: must have at most 2 decimal places"),
        ("del bid['supplier']", "bids[0].supplier: required"),
        ("bid['prices'] = {}", "bids[0].prices: must be a list"),
        ("data['items'][0]['lot'] = ''", "items[0].lot: must be a non-empty string"),
        ("data['weights'] = ['organic']",
         'weights: must be an object such as {"organic": "0.10"}'),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(change: str, message: str) -> None:
    with pytest.raises(ProblemError) as caught:
        tender_from_json(broken(change))
    assert str(caught.value) == message


def test_not_an_object_and_defaults() -> None:
    with pytest.raises(ProblemError, match=r"^problem: must be an object$"):
        tender_from_json([])
    data = example()
    del data["weights"]
    data["bids"][0] = {"id": "b", "supplier": "s", "prices": [],
                       }  # fmt: skip
    problem = tender_from_json(data)
    assert problem.weights == {} and problem.bids[0].delivery_fee == 0
    assert problem.factor(problem.bids[0]) == 1


def test_the_example_reads_into_the_dataclasses() -> None:
    problem = tender_from_json(example())
    oats = problem.bids[0].prices[0]
    assert oats.price_at(99) == oats.unit_price and str(oats.price_at(100)) == "2.70"
    assert str(problem.factor(problem.bids[0])) == "0.910"
