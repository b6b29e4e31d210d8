"""Pooled rounds (the contract's "groups" section): both levels' rules, `alone`, exact money."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coopbuy.core.errors import ProblemError
from coopbuy.core.pooling import allocate_pooled
from coopbuy.core.pooling_json import pooled_problem_from_json, pooled_result_to_json
from coopbuy.core.problem import Policy
from coopbuy.core.tests.pooling_strategies import group_alone, pooled_problems, without_groups
from coopbuy.core.tests.strategies import POLICIES, run

EXAMPLE = json.loads((Path(__file__).parent / "data" / "pooled_example.json").read_text())


def pooled(
    data: dict[str, Any], policy: Policy | None = None, explain: bool = False
) -> dict[str, Any]:
    result = allocate_pooled(pooled_problem_from_json(data), policy=policy, explain_result=explain)
    return pooled_result_to_json(result, explain=explain)


def D(text: str) -> Decimal:
    return Decimal(text)


def test_the_example_by_hand() -> None:
    out = pooled(EXAMPLE)
    members = {m["id"]: m for m in out["members"]}
    # The pool fills 2 cases (12 units): tier 2.90. Alone, hebden (5 units) fills none and
    # todmorden (7 + 1 tolerance) one case at 3.10, carol first.
    assert out["products"][0]["cases"] == 2 and out["products"][0]["unit_price"] == "2.90"
    # suma's 4.50 over goods 11.60/2.90/14.50/5.80 (1.50, 0.37, 1.88, 0.75), plus the drop fees:
    # hebden 6.00 as 4.80/1.20, todmorden 4.00 as 2.86/1.14 (the penny to the largest share).
    assert {m: members[m]["delivery"] for m in members} == {
        "alice": "6.30", "bob": "1.57", "carol": "4.74", "dan": "1.89"
    }  # fmt: skip
    assert members["carol"]["alone"] == {
        "received_quantity": 5, "received_tolerance": 0, "goods": "15.50", "delivery": "3.75",
        "total": "19.25",
    }  # fmt: skip
    # carol: 5 x (3.10 - 2.90) + (3.75 - 4.74); dan: 2 x 0.20 + (0.75 - 1.89); alice: alone
    # she got nothing, so only the price effect counts.
    assert {m: members[m]["pooling_saving"] for m in members} == {
        "alice": "0.80", "bob": "0.20", "carol": "0.01", "dan": "-0.74"
    }  # fmt: skip
    hebden, todmorden = out["groups"]
    assert hebden == {
        "id": "hebden", "goods": "14.50", "delivery": "7.87", "drop_fee": "6.00",
        "total": "22.37", "members_receiving": 2, "received_quantity": 5,
        "alone": {"goods": "0.00", "delivery": "0.00", "total": "0.00", "received_quantity": 0},
        "pooling_saving": "1.00", "drop": [{"product": "oats", "units": 5}],
    }  # fmt: skip
    assert todmorden["pooling_saving"] == "-0.73" and todmorden["drop"][0]["units"] == 7
    assert list(out)[:6] == ["policy", "currency", "products", "allocations", "members", "groups"]


def test_explain_marks_units_only_the_pool_filled() -> None:
    lines = {line["member"]: line for line in pooled(EXAMPLE, explain=True)["allocations"]}
    assert lines["alice"]["pooled_case"]["units"] == 4
    assert lines["dan"]["pooled_case"] == {
        "units": 1,
        "text": "1 of the 2 units you receive comes from a case only the pooled order filled: "
        "todmorden alone would have ordered 1 case of oats and you would have received 1.",
    }
    assert "pooled_case" not in lines["carol"]  # she would have had all 5 alone
    assert all("pooled_case" not in line for line in pooled(EXAMPLE)["allocations"])


def test_a_group_that_receives_nothing_pays_no_drop_fee() -> None:
    data = json.loads(json.dumps(EXAMPLE))
    data["groups"].append({"id": "walsden", "drop_fee": "9.00"})
    data["members"].append({"id": "erin", "group": "walsden"})
    walsden = pooled(data)["groups"][2]
    assert walsden["id"] == "walsden" and walsden["drop_fee"] == "0.00"
    assert walsden["total"] == "0.00" and walsden["drop"] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["members"][3].pop("group"),
         "members[3].group: required: in a pooled round every member names their group"),
        (lambda d: d["members"][1].update(group="leeds"),
         'members[1].group: unknown group "leeds"'),
        (lambda d: d["members"][1].update(group=7), "members[1].group: must be a non-empty string"),
        (lambda d: d["members"].pop(3),
         'demand[3].member: "dan" is not listed in members: in a pooled round every member with '
         "demand is listed with their group"),
        (lambda d: d.update(groups=[]), "groups: must list at least one group"),
        (lambda d: d.update(groups={}), "groups: must be a list"),
        (lambda d: d["groups"][1].update(id="hebden"), 'groups[1].id: duplicate id "hebden"'),
        (lambda d: d["groups"][0].update(drop_fee=6.0),
         'groups[0].drop_fee: must be a decimal string such as "3.10", not a number'),
        (lambda d: d["groups"][0].update(fee="6.00"), "groups[0].fee: unknown field"),
        (lambda d: d["groups"][0].pop("id"), "groups[0].id: required"),
        (lambda d: d["members"][1].update(budget="x"),
         'members[1].budget: must be a decimal string such as "3.10", not "x"'),
    ],
)  # fmt: skip
def test_bad_pooled_input_names_the_field(change: Any, message: str) -> None:
    data = json.loads(json.dumps(EXAMPLE))
    change(data)
    with pytest.raises(ProblemError) as caught:
        pooled_problem_from_json(data)
    assert str(caught.value) == message


def _minor(text: str) -> int:
    return int(D(text) * 100)


@settings(max_examples=60, deadline=None)
@given(pooled_problems(), st.sampled_from(POLICIES))
def test_both_levels_add_up_exactly_and_alone_is_the_group_alone(
    data: dict[str, Any], policy: Policy
) -> None:
    out = pooled(data, policy)
    members = out["members"]
    products = {p["id"]: p for p in out["products"]}
    for key in ("goods", "delivery", "total"):
        assert sum(_minor(g[key]) for g in out["groups"]) == sum(_minor(m[key]) for m in members)
    fees = {g["id"]: g["drop_fee"] for g in data["groups"]}
    units_of: dict[tuple[str, str], int] = {}
    for line in out["allocations"]:
        units_of[(line["member"], line["product"])] = line["units"]
    for g in out["groups"]:
        mine = [m for m in members if m["group"] == g["id"]]
        for key in ("goods", "delivery", "total", "pooling_saving"):
            assert _minor(g[key]) == sum(_minor(m[key]) for m in mine)
        receiving = [m for m in mine if m["received_quantity"] + m["received_tolerance"]]
        assert g["members_receiving"] == len(receiving)
        assert g["drop_fee"] == (fees[g["id"]] if receiving else "0.00")
        want: dict[str, int] = {}
        for row in data["demand"]:
            if any(m["id"] == row["member"] for m in mine):
                want[row["product"]] = (
                    want.get(row["product"], 0) + row["quantity"] + row["tolerance"]
                )
        for d in g["drop"]:
            assert d["units"] <= want[d["product"]]  # never beyond its members' requests
        # `alone` is the engine run on the group alone
        alone = run(group_alone(data, g["id"]), policy)
        by_id = {m["id"]: m for m in alone["members"]}
        for m in mine:
            a = by_id[m["id"]]
            assert m["alone"] == {k: a[k] for k in ("received_quantity", "received_tolerance",
                                                    "goods", "delivery", "total")}  # fmt: skip
        assert g["alone"]["goods"] == f"{sum(D(a['goods']) for a in alone['members']):.2f}"
        # pooling_saving: price effect plus the delivery difference when alone had goods
        alone_price = {p["id"]: D(p["unit_price"]) for p in alone["products"]}
        for m in mine:
            price_gain = sum(
                u * (alone_price[p] - D(products[p]["unit_price"]))
                for (who, p), u in units_of.items()
                if who == m["id"]
            )
            delivery = D(m["alone"]["delivery"]) - D(m["delivery"]) if D(m["alone"]["goods"]) else 0
            assert D(m["pooling_saving"]) == price_gain + delivery
    for pid, product in products.items():
        assert (
            sum(d["units"] for g in out["groups"] for d in g["drop"] if d["product"] == pid)
            == (product["units"])
        )


@settings(max_examples=40, deadline=None)
@given(pooled_problems(), st.sampled_from(POLICIES))
def test_with_no_drop_fees_the_pool_is_the_plain_engine_on_everyone(
    data: dict[str, Any], policy: Policy
) -> None:
    for group in data["groups"]:
        group["drop_fee"] = "0.00"
    out = pooled(data, policy)
    del out["groups"]
    for m in out["members"]:
        del m["group"], m["alone"], m["pooling_saving"]
    assert out == run(without_groups(data), policy)


def _no_limits(data: dict[str, Any]) -> dict[str, Any]:
    data["members"] = [{"id": m["id"], "group": m["group"]} for m in data["members"]]
    for s in data["suppliers"]:
        s["min_order_value"] = "0.00"
    for p in data["products"]:
        p["max_cases"] = None
    return data


@settings(max_examples=80, deadline=None)
@given(pooled_problems(budgets=False))
def test_fcfs_pooling_never_loses_units_within_quantity(data: dict[str, Any]) -> None:
    data = _no_limits(data)
    out = pooled(data, "fcfs")
    within: dict[str, int] = {}
    for line in out["allocations"]:
        within[line["product"]] = within.get(line["product"], 0) + line["from_quantity"]
    alone_within: dict[str, int] = {}
    for g in data["groups"]:
        for line in run(group_alone(data, g["id"]), "fcfs")["allocations"]:
            p = line["product"]
            alone_within[p] = alone_within.get(p, 0) + line["from_quantity"]
    for p, units in alone_within.items():
        assert within.get(p, 0) >= units


@settings(max_examples=40, deadline=None)
@given(pooled_problems(budgets=False, max_members=4, max_products=3))
def test_optimal_pooling_never_delivers_less_value(data: dict[str, Any]) -> None:
    data = _no_limits(data)
    out = pooled(data, "optimal")
    assume(out["objective"]["proven_optimal"])
    alone = [run(group_alone(data, g["id"]), "optimal")["objective"] for g in data["groups"]]
    assert D(out["objective"]["delivered_value"]) >= sum(D(o["delivered_value"]) for o in alone)
