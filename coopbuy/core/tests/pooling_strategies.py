"""Hypothesis strategies for pooled rounds: a small problem whose members are spread over groups."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from coopbuy.core.tests.strategies import pounds, problems


@st.composite
def pooled_problems(draw: st.DrawFn, /, **kwargs: Any) -> dict[str, Any]:
    data = draw(problems(**kwargs))
    n_groups = draw(st.integers(1, 3))
    groups = [
        {"id": f"g{g}", "drop_fee": pounds(draw(st.sampled_from([0, 0, 1, 250, 999])))}
        for g in range(n_groups)
    ]
    listed = {m["id"]: m for m in data["members"]}
    ids = sorted({row["member"] for row in data["demand"]} | set(listed))
    data["members"] = [
        {**listed.get(m, {"id": m}), "group": f"g{draw(st.integers(0, n_groups - 1))}"} for m in ids
    ]
    data["groups"] = groups
    return data


def group_alone(data: dict[str, Any], group: str) -> dict[str, Any]:
    """The plain (single-group) problem of `group` alone, written from the JSON independently."""
    alone = copy.deepcopy(data)
    del alone["groups"]
    mine = {m["id"] for m in data["members"] if m["group"] == group}
    alone["members"] = [
        {k: v for k, v in m.items() if k != "group"} for m in data["members"] if m["id"] in mine
    ]
    alone["demand"] = [row for row in data["demand"] if row["member"] in mine]
    return alone


def without_groups(data: dict[str, Any]) -> dict[str, Any]:
    plain = copy.deepcopy(data)
    del plain["groups"]
    plain["members"] = [{k: v for k, v in m.items() if k != "group"} for m in data["members"]]
    return plain
