"""Matching: propose new buying groups from people who have none (shared/specs/matching.md).

`match(problem, time_limit=30.0) -> MatchResult` is the engine, `problem_from_json` and
`result_to_json` the contract's JSON; `coopbuy match PROBLEM.json` (coopbuy/match_cli.py) wraps
them. Plain dataclasses, no Django.

How it works: `reach` finds, on a grid, every host within each person's reach (haversine, Earth
radius 6371.0088 km) and keeps the usable arcs (person, pickup, supplier): those some valid group
uses. People with none cannot be placed by any answer (rule 6 gives them `no_one_near` or
`minimum_not_reached`); the rest split into regions, the connected parts of the "can share a
pickup" graph. Each region gets a quick valid answer from `heuristic` (most constrained people
first, repairs, shorter trips); a region of at most `engine.EXACT_ARCS` usable arcs is then
solved exactly by `solver` (HiGHS on a facility-location MILP: first the most people placed
for every region, smallest first, each with a share of the time left in proportion to its
arcs; then, with the time still left, the least travel). The time limit counts from the call:
finding the arcs and the heuristics run first and are never cut short (about 17 s for 20,000
people on a loaded 2-core machine), and HiGHS gets what is left. HiGHS does not interrupt its
presolve and first LP, so a region is given to it only with at least a second per 5,000 arcs
(`solver.ARCS_PER_SECOND`), and regions past `engine.EXACT_ARCS` (8,000) never.

Decisions where the spec is silent:

- Distances are whole metres (the haversine distance rounded to the nearest metre). "Within
  reach" means that distance is at most `max_km` x 1000; least travel (rule 4 (2)) is the least
  sum of those metres. A group's `travel_km` is its members' metres summed, then rounded half up
  to 2 places; the objective's `travel_km` is the sum of the groups' (so the printed figures add
  up); `farthest_km` is its farthest member's metres.
- Money (`wants`, `min_order_value`) is a decimal string with at most 2 places; a want of "0"
  is as good as not naming the supplier. `min_order_value` may be omitted (0); `host` defaults to
  true; `wants` to none. Unknown fields are errors. `max_km` is at most 20016 (half the Earth's
  circumference). `min_size` and `max_size` are positive integers, `min_size <= max_size`.
- People are taken in id order, so the same people in any order give the same answer. Ties
  (rule 4 (3)) are broken by HiGHS's deterministic search over a model built in id order: the
  same input gives the same output whenever the answer is proven; when the time limit stops a
  search, the answer depends on how far it got.
- Rule 5's bound: the people who have a usable arc can all be placed at best; in a region solved
  in full, HiGHS's own proven bound (from its LP relaxation and cuts) replaces that count when
  lower. `gap = (bound - placed) / bound`, 0.0 when nobody can be placed.
- A region with more than `engine.EXACT_ARCS` usable arcs (a city where everyone reaches
  hundreds of hosts) keeps the heuristic's answer: HiGHS needs tens of seconds for the LP
  relaxation alone of a 30,000-arc region on a 2-core machine, longer than the whole budget.
  Its bound is its head count (every person in it has a usable arc), so the gap on (1) is
  honest but pessimistic; its travel is never called proven, so `proven_optimal` is false.
  At the spec's scale (bench/matching.py, 20,000 people over Great Britain) the heuristic
  places over 99 % of that bound.
- Rule 6: `no_one_near` when no host within the person's reach has at least `min_size` people
  (the person included, whatever they want) within their own reach of it; `minimum_not_reached`
  when one has, but no valid group can hold the person (for lack of spend, or of enough people
  wanting the same supplier); `not_placed` when some valid group could hold them, but the answer
  does not.
"""

from coopbuy.core.matching.engine import match
from coopbuy.core.matching.jsonio import problem_from_json, result_to_json
from coopbuy.core.matching.problem import (
    Group,
    MatchProblem,
    MatchResult,
    Objective,
    Person,
    Supplier,
    Unmatched,
)

__all__ = [
    "Group",
    "MatchProblem",
    "MatchResult",
    "Objective",
    "Person",
    "Supplier",
    "Unmatched",
    "match",
    "problem_from_json",
    "result_to_json",
]
