"""Helpers for the matching tests: people placed by kilometres, an independent rule checker and a
brute-force optimum (all written without the engine's code, so they can disagree with it)."""

from __future__ import annotations

import math
from functools import cache
from itertools import combinations
from typing import Any

from coopbuy.core.matching import MatchResult, match, problem_from_json, result_to_json

BASE_LAT = 53.7
KM_PER_DEGREE = 6371.0088 * math.pi / 180


def person(ident: str, north_km: float = 0.0, east_km: float = 0.0, *, max_km: str = "5",
           host: bool = True, **wants: str) -> dict[str, Any]:  # fmt: skip
    """A person `north_km`/`east_km` from a fixed point (to about a metre), wanting `wants`."""
    lat = BASE_LAT + north_km / KM_PER_DEGREE
    lon = -2.0 + east_km / (KM_PER_DEGREE * math.cos(math.radians(BASE_LAT)))
    return {"id": ident, "lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "max_km": max_km,
            "host": host, "wants": wants}  # fmt: skip


def problem(people: list[dict[str, Any]], *, min_size: int = 2, max_size: int = 4,
            suppliers: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    sups = suppliers if suppliers is not None else {"suma": "0.00"}
    return {"min_size": min_size, "max_size": max_size,
            "suppliers": [{"id": k, "min_order_value": v} for k, v in sups.items()],
            "people": people}  # fmt: skip


def solve(data: dict[str, Any], time_limit: float = 20.0) -> tuple[MatchResult, dict[str, Any]]:
    result = match(problem_from_json(data), time_limit=time_limit)
    return result, result_to_json(result)


def metres(a: dict[str, Any], b: dict[str, Any]) -> int:
    """Haversine metres between two people, in plain Python floats."""
    la1, lo1, la2, lo2 = (math.radians(float(v)) for v in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return round(2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, h))))


def pence(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def reach_m(p: dict[str, Any]) -> int:
    whole, _, frac = p["max_km"].partition(".")
    return int(whole) * 1000 + int((frac + "000")[:3])


def check_rules(data: dict[str, Any], out: dict[str, Any]) -> None:
    """Rules 1-3 and the output's own arithmetic, checked from the JSON alone."""
    people = {p["id"]: p for p in data["people"]}
    minimum = {s["id"]: pence(s.get("min_order_value", "0")) for s in data["suppliers"]}
    seen: set[str] = set()
    for number, g in enumerate(out["groups"], start=1):
        assert g["id"] == f"g{number}"
        members = g["members"]
        assert members == sorted(members)
        assert not seen & set(members), "a person in two groups"
        seen |= set(members)
        assert data["min_size"] <= len(members) <= data["max_size"]
        pickup = people[g["pickup"]]
        assert g["pickup"] in members and pickup.get("host", True)
        dist = {m: metres(people[m], pickup) for m in members}
        assert all(dist[m] <= reach_m(people[m]) for m in members)
        wants = [pence(people[m]["wants"].get(g["supplier"], "0")) for m in members]
        assert all(w > 0 for w in wants)
        assert sum(wants) >= minimum[g["supplier"]]
        assert pence(g["expected_order_value"]) == sum(wants)
        assert abs(float(g["travel_km"]) - sum(dist.values()) / 1000) <= 0.005 + 1e-9
        assert abs(float(g["farthest_km"]) - max(dist.values()) / 1000) <= 0.005 + 1e-9
    assert [g["pickup"] for g in out["groups"]] == sorted(g["pickup"] for g in out["groups"])
    unmatched = [u["id"] for u in out["unmatched"]]
    assert unmatched == sorted(unmatched)
    assert sorted(seen | set(unmatched)) == sorted(people) and not seen & set(unmatched)
    assert out["objective"]["placed"] == len(seen)


def brute_force(data: dict[str, Any]) -> tuple[int, int]:
    """The best (people placed, metres travelled) over every set of valid groups: tiny only."""
    people = sorted(data["people"], key=lambda p: p["id"])
    n = len(people)
    minimum = {s["id"]: pence(s.get("min_order_value", "0")) for s in data["suppliers"]}
    d = [[metres(a, b) for b in people] for a in people]
    groups: list[tuple[int, int]] = []  # (bitmask, travel) of every valid group, best pickup
    for size in range(data["min_size"], min(n, data["max_size"]) + 1):
        for members in combinations(range(n), size):
            best: int | None = None
            for h in members:
                if not people[h].get("host", True):
                    continue
                if any(d[m][h] > reach_m(people[m]) for m in members):
                    continue
                for s, low in minimum.items():
                    wants = [pence(people[m]["wants"].get(s, "0")) for m in members]
                    if all(w > 0 for w in wants) and sum(wants) >= low:
                        travel = sum(d[m][h] for m in members)
                        best = travel if best is None else min(best, travel)
            if best is not None:
                groups.append((sum(1 << m for m in members), best))

    @cache
    def solve(free: int) -> tuple[int, int]:  # max placed, then min travel (as -travel)
        if not free:
            return (0, 0)
        first = (free & -free).bit_length() - 1
        rest = free & ~(1 << first)
        best = solve(rest)
        for mask, travel in groups:
            if mask & (1 << first) and mask & free == mask:
                placed, neg = solve(free & ~mask)
                best = max(best, (placed + bin(mask).count("1"), neg - travel))
        return best

    placed, neg_travel = solve((1 << n) - 1)
    return placed, -neg_travel


def placeable(data: dict[str, Any]) -> set[str]:
    """The people some valid group could hold (rule 6: the others are not merely not placed)."""
    people = sorted(data["people"], key=lambda p: p["id"])
    n = len(people)
    minimum = {s["id"]: pence(s.get("min_order_value", "0")) for s in data["suppliers"]}
    found: set[str] = set()
    for size in range(data["min_size"], min(n, data["max_size"]) + 1):
        for members in combinations(range(n), size):
            for h in members:
                if not people[h].get("host", True) or any(
                    metres(people[m], people[h]) > reach_m(people[m]) for m in members
                ):
                    continue
                for s, low in minimum.items():
                    wants = [pence(people[m]["wants"].get(s, "0")) for m in members]
                    if all(w > 0 for w in wants) and sum(wants) >= low:
                        found.update(people[m]["id"] for m in members)
    return found
