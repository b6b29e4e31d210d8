"""Shared Hypothesis strategies: small but complete problems in the contract's JSON form."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from coopbuy.core.allocation import allocate
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.problem import Policy

POLICIES: tuple[Policy, ...] = ("fcfs", "proportional", "optimal")


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def run(
    data: dict[str, Any], policy: Policy | None = None, explain: bool = False
) -> dict[str, Any]:
    """The contract end to end: JSON in, JSON out."""
    result = allocate(problem_from_json(data), policy=policy, explain_result=explain)
    return result_to_json(result, explain=explain)


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_products: int = 4,
    max_members: int = 5,
    max_quantity: int = 6,
    max_tolerance: int = 4,
    budgets: bool = True,
    distinct_times: bool = False,
) -> dict[str, Any]:
    n_suppliers = draw(st.integers(1, 2))
    suppliers = []
    for s in range(n_suppliers):
        free = draw(st.none() | st.integers(0, 3000))
        suppliers.append(
            {
                "id": f"s{s}",
                "min_order_value": pounds(draw(st.sampled_from([0, 0, 500, 1500]))),
                "delivery_fee": pounds(draw(st.integers(0, 999))),
                "free_delivery_over": None if free is None else pounds(free),
            }
        )
    products = []
    for p in range(draw(st.integers(1, max_products))):
        price = draw(st.integers(0, 500))
        tiers = []
        if draw(st.booleans()):
            tiers.append(
                {
                    "min_cases": draw(st.integers(1, 3)),
                    "unit_price": pounds(draw(st.integers(0, price))),
                }
            )
        min_cases = draw(st.sampled_from([0, 0, 0, 1, 2]))
        max_cases = draw(st.none() | st.integers(min_cases, min_cases + 3))
        retail = draw(st.none() | st.integers(0, 700))
        products.append(
            {
                "id": f"p{p}",
                "supplier": f"s{draw(st.integers(0, n_suppliers - 1))}",
                "case_size": draw(st.integers(1, 6)),
                "unit_price": pounds(price),
                "price_tiers": tiers,
                "min_cases": min_cases,
                "max_cases": max_cases,
                "retail_unit_price": None if retail is None else pounds(retail),
            }
        )
    member_ids = [f"m{i}" for i in range(draw(st.integers(1, max_members)))]
    members = []
    if budgets:
        for m in member_ids:
            if draw(st.booleans()):
                members.append({"id": m, "budget": pounds(draw(st.integers(0, 4000)))})
    n_rows = draw(st.integers(0, 12))
    minutes = (
        draw(st.lists(st.integers(0, 10_000), min_size=n_rows, max_size=n_rows, unique=True))
        if distinct_times
        else draw(st.lists(st.integers(0, 5), min_size=n_rows, max_size=n_rows))
    )
    demand = [
        {
            "member": draw(st.sampled_from(member_ids)),
            "product": f"p{draw(st.integers(0, len(products) - 1))}",
            "quantity": draw(st.integers(0, max_quantity)),
            "tolerance": draw(st.integers(0, max_tolerance)),
            "placed_at": f"2026-11-{20 + minute // 1440:02d}T{minute % 1440 // 60:02d}:{minute % 60:02d}:00Z",  # noqa: E501
        }
        for minute in minutes
    ]
    return {
        "currency": "GBP",
        "suppliers": suppliers,
        "products": products,
        "members": members,
        "demand": demand,
    }
