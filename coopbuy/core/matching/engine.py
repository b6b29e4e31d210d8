"""`match(problem)`: regions found, each solved, the answer put together (see the package doc)."""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

import numpy as np

from coopbuy.core.matching.problem import (
    Group,
    MatchProblem,
    MatchResult,
    Objective,
    Reason,
    Unmatched,
)
from coopbuy.core.matching.reach import (
    Arcs,
    near_pairs,
    points_of,
    reasons_unplaceable,
    regions,
    usable_arcs,
)
from coopbuy.core.matching.solver import RegionAnswer, RegionSolver, region_of
from coopbuy.core.money import from_minor

#: A region with more usable arcs than this is left to the heuristic: the LP relaxation alone of
#: a 33,000-arc region took HiGHS 35-40 s on the 2-core machine (bench/README.md).
EXACT_ARCS = 8_000


def match(problem: MatchProblem, *, time_limit: float = 30.0) -> MatchResult:
    """Propose groups by rule 4 within `time_limit` seconds of solver time (see rule 5)."""
    deadline = time.monotonic() + time_limit
    pts = points_of(problem)
    pairs = near_pairs(pts)
    arcs = usable_arcs(pts, pairs, problem.min_size, problem.max_size)
    reasons: dict[int, Reason] = reasons_unplaceable(pts, pairs, arcs, problem.min_size)
    found = regions(len(pts.ids), arcs)
    label = np.full(len(pts.ids), -1, dtype=np.int64)
    for i, people in enumerate(found):
        label[people] = i
    by_region = np.argsort(label[arcs.person], kind="stable")
    counts = np.bincount(label[arcs.person], minlength=len(found))
    splits = np.split(by_region, np.cumsum(counts)[:-1]) if found else []
    solvers: list[RegionSolver] = []
    # Small regions first: they finish early and leave their share of the time to the big ones.
    for i in sorted(range(len(found)), key=lambda i: (len(splits[i]), i)):
        arc_ix = np.sort(splits[i])
        exact = len(arc_ix) <= EXACT_ARCS
        region = region_of(found[i], arc_ix, arcs)
        solvers.append(
            RegionSolver(region, arcs, pts, problem.min_size, problem.max_size, exact=exact)
        )
    # Rule 4 (1) everywhere first, then (2) with the time left; each region gets a share of the
    # time left in proportion to its arcs among the regions still to do.
    for step in (RegionSolver.most_placed, RegionSolver.least_travel):
        weights = [solver.n if solver.exact else 0 for solver in solvers]
        left = sum(weights)
        for solver, weight in zip(solvers, weights, strict=True):
            share = max(0.0, deadline - time.monotonic()) * weight / max(1, left)
            left -= weight
            step(solver, share)
    answers = [solver.answer() for solver in solvers]
    return _result(problem, pts.ids, arcs, answers, reasons)


def _result(problem: MatchProblem, ids: list[str], arcs: Arcs, answers: list[RegionAnswer],
            reasons: dict[int, Reason]) -> MatchResult:  # fmt: skip
    supplier_ids = [s.id for s in problem.suppliers]
    wants = {p.id: p.wants for p in problem.people}
    members: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for a in (a for answer in answers for a in answer.chosen):
        key = (int(arcs.host[a]), int(arcs.supplier[a]))
        members[key].append((int(arcs.person[a]), int(arcs.metres[a])))
    groups: list[Group] = []
    placed: set[int] = set()
    for number, (host, s) in enumerate(sorted(members), start=1):
        people = sorted(members[(host, s)])
        placed.update(p for p, _ in people)
        supplier = supplier_ids[s]
        spend = sum((wants[ids[p]].get(supplier, Decimal(0)) for p, _ in people), Decimal(0))
        groups.append(
            Group(
                id=f"g{number}",
                supplier=supplier,
                pickup=ids[host],
                members=tuple(ids[p] for p, _ in people),
                expected_order_value=from_minor(int(spend * 100)),
                farthest_m=max(m for _, m in people),
                travel_m=sum(m for _, m in people),
            )
        )
    unmatched = tuple(
        Unmatched(ids[i], reasons.get(i, "not_placed")) for i in range(len(ids)) if i not in placed
    )
    bound = sum(a.bound for a in answers)
    n_placed = len(placed)
    proven = all(a.placed >= a.bound and a.travel_proven for a in answers)
    objective = Objective(
        placed=n_placed,
        travel_m=sum(g.travel_m for g in groups),
        travel_km=sum((g.travel_km for g in groups), Decimal("0.00")),
        proven_optimal=proven,
        gap=(bound - n_placed) / bound if bound else 0.0,
        bound=bound,
        travel_proven=all(a.travel_proven for a in answers),
    )
    return MatchResult(tuple(groups), unmatched, objective)
