"""The pooled contract's JSON: `"groups"` and each member's `"group"` in, the pooled result out.

`pooled_problem_from_json` takes the `groups` key and the members' `group` fields off a copy of
the input, lets `jsonio.problem_from_json` validate everything else exactly as for a single group
(so every other message and path is the usual one), then checks the pooled rules: `groups` is a
non-empty list of `{"id", "drop_fee"}` with unique ids, every listed member names one of them
(`members[3].group: required ...`), and every member with demand is listed. A problem without
`groups` never comes here (`has_groups`): its output is what it always was.
"""

from __future__ import annotations

from typing import Any

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.money import format_minor, minor_units_for, parse_money, to_minor
from coopbuy.core.pooling import Alone, Group, PooledProblem, PooledResult

_MISSING = object()


def has_groups(data: object) -> bool:
    """Whether the input is a pooled problem (an object with a `groups` key)."""
    return isinstance(data, dict) and "groups" in data


def pooled_problem_from_json(data: dict[str, Any]) -> PooledProblem:
    """Validate a pooled problem (see the module docstring)."""
    stripped = {k: v for k, v in data.items() if k != "groups"}
    member_groups: list[object] = []
    raw_members = data.get("members", [])
    if isinstance(raw_members, list):
        plain: list[object] = []
        for raw in raw_members:
            if isinstance(raw, dict) and "group" in raw:
                member_groups.append(raw["group"])
                plain.append({k: v for k, v in raw.items() if k != "group"})
            else:
                member_groups.append(_MISSING)
                plain.append(raw)
        stripped["members"] = plain
    problem = problem_from_json(stripped)
    groups = _groups(data["groups"], minor_units_for(problem.currency))
    ids = {g.id for g in groups}
    member_group: dict[str, str] = {}
    for i, (member, group) in enumerate(zip(problem.members, member_groups, strict=True)):
        path = f"members[{i}].group"
        if group is _MISSING:
            raise ProblemError(path, "required: in a pooled round every member names their group")
        if not isinstance(group, str) or not group:
            raise ProblemError(path, "must be a non-empty string")
        if group not in ids:
            raise ProblemError(path, f'unknown group "{group}"')
        member_group[member.id] = group
    for i, member_id in enumerate(problem.demand.member):
        if member_id not in member_group:
            raise ProblemError(
                f"demand[{i}].member",
                f'"{member_id}" is not listed in members: in a pooled round every member with '
                "demand is listed with their group",
            )
    return PooledProblem(problem, groups, member_group)


def _groups(raw: object, mu: int) -> tuple[Group, ...]:
    if not isinstance(raw, list):
        raise ProblemError("groups", "must be a list")
    if not raw:
        raise ProblemError("groups", "must list at least one group")
    groups: list[Group] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"groups[{i}]"
        if not isinstance(item, dict):
            raise ProblemError(path, "must be an object")
        for key in item:
            if key not in ("id", "drop_fee"):
                raise ProblemError(f"{path}.{key}", "unknown field")
        if "id" not in item:
            raise ProblemError(f"{path}.id", "required")
        ident = item["id"]
        if not isinstance(ident, str) or not ident:
            raise ProblemError(f"{path}.id", "must be a non-empty string")
        if ident in seen:
            raise ProblemError(f"{path}.id", f'duplicate id "{ident}"')
        seen.add(ident)
        fee = parse_money(item.get("drop_fee", "0"), field=f"{path}.drop_fee", minor_units=mu)
        groups.append(Group(ident, fee))
    return tuple(groups)


def pooled_result_to_json(result: PooledResult, *, explain: bool = False) -> dict[str, Any]:
    """The contract's output plus the pooled additions (keys after the usual ones)."""
    base = result_to_json(result.result, explain=explain)
    mu = result.result.allocations.minor_units

    def money(amount: Any) -> str:
        return format_minor(to_minor(amount, mu), mu)

    def alone(a: Alone, *, tolerance: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"received_quantity": a.received_quantity}
        if tolerance:
            out["received_tolerance"] = a.received_tolerance
        out.update(goods=money(a.goods), delivery=money(a.delivery), total=money(a.total))
        return out

    for line, extra in zip(base["members"], result.members, strict=True):
        line["group"] = extra.group
        line["alone"] = alone(extra.alone, tolerance=True)
        line["pooling_saving"] = money(extra.pooling_saving)
    if explain:
        cases = {(c.member, c.product): c for c in result.pooled_cases}
        for line in base["allocations"]:
            case = cases.get((line["member"], line["product"]))
            if case is not None:
                line["pooled_case"] = {"units": case.units, "text": case.text}
    groups = [
        {
            "id": g.id, "goods": money(g.goods), "delivery": money(g.delivery),
            "drop_fee": money(g.drop_fee), "total": money(g.total),
            "members_receiving": g.members_receiving, "received_quantity": g.received_quantity,
            "alone": {"goods": money(g.alone.goods), "delivery": money(g.alone.delivery),
                      "total": money(g.alone.total),
                      "received_quantity": g.alone.received_quantity},
            "pooling_saving": money(g.pooling_saving),
            "drop": [{"product": d.product, "units": d.units} for d in g.drop],
        }
        for g in result.groups
    ]  # fmt: skip
    out: dict[str, Any] = {}
    for key, value in base.items():
        out[key] = value
        if key == "members":
            out["groups"] = groups
    return out
