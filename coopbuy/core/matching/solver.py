"""One region's groups: a heuristic start, then a facility-location MILP solved with HiGHS.

Columns: one binary per usable arc x[p, h, s] (person p in the group for supplier s at host h's
address); the host's own arc x[h, h, s] doubles as "the group (h, s) is open". Rows: each person
in at most one group; a group's other members at most max_size - 1 and at least min_size - 1
times open; their spend plus the host's at least the minimum times open; and, for each arc,
x[p, h, s] <= x[h, h, s] (the strong link, which keeps the LP bound close).

Two stages, as rule 4 orders them, rather than one weighted sum: (1) maximise the people placed;
(2) with placed >= the best of (1), minimise the metres travelled. Both objectives are integers,
so `mip_abs_gap` 0.99 and `mip_rel_gap` 0 prove each exactly. The heuristic's answer
(`heuristic.py`) is kept if HiGHS finds nothing better in time; it is not handed to HiGHS as a
start, because HiGHS reported such a start as optimal when it was not (see `_run`).
Each group also gets a travel cut (`_travel_floor`): valid, though it did not move the LP bound
of the regions measured. The answers are checked against a brute force on tiny problems
(tests/test_matching_optimum.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from coopbuy.core.matching.heuristic import heuristic
from coopbuy.core.matching.reach import Arcs, IntArray, Points

INF = float("inf")
#: Arcs HiGHS gets through per second of presolve and first LP, measured low (loaded machine).
ARCS_PER_SECOND = 5_000


@dataclass(slots=True)
class RegionAnswer:
    chosen: list[int]  # indices into the Arcs columns
    placed: int
    travel_m: int
    bound: int  # proven upper bound on the people this region can place
    travel_proven: bool


@dataclass(slots=True)
class Region:
    """A region's arcs (indices into `Arcs`) and where each candidate group's own arc is."""

    people: list[int]
    arcs: IntArray
    candidate: IntArray  # per arc: its candidate group's number, 0..n_candidates-1
    own_arc: IntArray  # per candidate: the position (in `arcs`) of the host's own arc


def region_of(people: list[int], arc_ix: IntArray, arcs: Arcs) -> Region:
    hosts, sups = arcs.host[arc_ix], arcs.supplier[arc_ix]
    n_sup = int(arcs.supplier.max()) + 1 if len(arcs.supplier) else 1
    key = hosts * n_sup + sups
    uniq, candidate = np.unique(key, return_inverse=True)
    own = arcs.person[arc_ix] == hosts
    own_arc = np.empty(len(uniq), dtype=np.int64)
    own_arc[candidate[own]] = np.flatnonzero(own)
    return Region(people, arc_ix, candidate.astype(np.int64), own_arc)


def _travel_floor(
    region: Region, arcs: Arcs, pts: Points, other: IntArray, min_size: int
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Per candidate group, metres its other members travel at least when it is open: the larger
    of its min_size - 1 nearest others' metres and the fractional-knapsack least metres that
    bring the spend from the host's want up to the minimum. A valid cut (any valid group travels
    at least both), and it makes the LP pay for opening a group, as a fixed cost would."""
    n_cand = len(region.own_arc)
    floor = np.zeros(n_cand)
    cand = region.candidate[other]
    order = np.lexsort((arcs.metres[region.arcs[other]], cand))
    sorted_other = other[order]
    bounds = np.searchsorted(cand[order], np.arange(n_cand + 1))
    for c in range(n_cand):
        members = region.arcs[sorted_other[bounds[c] : bounds[c + 1]]]
        metres = arcs.metres[members].astype(np.float64)
        by_size = float(metres[: min_size - 1].sum())
        own = region.arcs[region.own_arc[c]]
        s = int(arcs.supplier[own])
        need = float(pts.minimum[s] - pts.wants[int(arcs.person[own]), s])
        by_spend = 0.0
        if need > 0:
            want = pts.wants[arcs.person[members], s].astype(np.float64)
            ratio = np.argsort(metres / want, kind="stable")
            got = np.cumsum(want[ratio])
            k = int(np.searchsorted(got, need))  # the first k take less than the need
            if k < len(ratio):
                before = float(got[k - 1]) if k else 0.0
                by_spend = float(metres[ratio[:k]].sum()) + metres[ratio[k]] * (
                    (need - before) / want[ratio[k]]
                )
        floor[c] = np.floor(max(by_size, by_spend) * (1 - 1e-9))
    return floor


def _quiet_highs(highspy: Any) -> Any:
    """A HiGHS instance that prints nothing (see `core.policies.optimal_model.quiet_highs`)."""
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    h = core() if core is not None else highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


class RegionSolver:
    """One region's model in HiGHS, solved in two steps the engine calls in turn for every region
    (first the most people everywhere, then the least travel with the time left).

    `exact` false leaves a big region to the heuristic: its bound is its head count, and its
    travel is never called proven.
    """

    def __init__(self, region: Region, arcs: Arcs, pts: Points, min_size: int, max_size: int, *,
                 exact: bool) -> None:  # fmt: skip
        self.region, self.arcs, self.pts = region, arcs, pts
        self.min_size, self.max_size, self.exact = min_size, max_size, exact
        self.n = len(region.arcs)
        self.best = np.zeros(self.n)
        start = heuristic(region.people, region.arcs, region.candidate, region.own_arc, arcs, pts,
                          min_size, max_size)  # fmt: skip
        self.best[start] = 1.0
        self.bound = len(region.people)
        self.placed_done = int(self.best.sum()) >= self.bound  # no better count exists
        self.travel_proven = False
        self._h: Any = None

    def _worth(self, time_limit: float) -> bool:
        """Run HiGHS only with time for at least its presolve and first LP, which it does not
        interrupt: a 12,000-arc region overran a 3 s limit by 20 s on a loaded machine."""
        return self.exact and time_limit > max(0.01, self.n / ARCS_PER_SECOND)

    @property
    def placed(self) -> int:
        return int(self.best.sum())

    def _highs(self) -> Any:
        import highspy  # here: only a run that solves something pays for loading HiGHS

        if self._h is None:
            self._h = _quiet_highs(highspy)
            _build(self._h, highspy, self.region, self.arcs, self.pts, self.min_size,
                   self.max_size)  # fmt: skip
            self._h.setOptionValue("mip_rel_gap", 0.0)
            self._h.setOptionValue("mip_abs_gap", 0.99)
        return self._h

    def _run(self, cost: Any, maximise: bool, time_limit: float) -> tuple[bool, Any]:
        """Solve with this objective from the best answer so far; (optimal?, solution or None)."""
        import highspy

        h = self._highs()
        cols = np.arange(self.n, dtype=np.int32)
        h.changeColsCost(self.n, cols, cost)
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        # No `setSolution(self.best)`: HiGHS (1.15) reported a given start as optimal for the
        # travel stage while a start-free solve found less travel (a brute force on tiny problems
        # caught it). The best answer so far is kept below if HiGHS finds nothing better.
        h.setOptionValue("time_limit", max(0.01, time_limit))
        h.run()
        info = h.getInfo()
        found = None
        if info.primal_solution_status == 2:
            found = np.rint(np.asarray(h.getSolution().col_value))
        optimal = bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal)
        if maximise and self.exact and info.mip_dual_bound < INF:
            self.bound = min(self.bound, int(np.floor(info.mip_dual_bound + 1e-6)))
        return optimal, found

    def most_placed(self, time_limit: float) -> None:
        """Step 1: the most people placed (rule 4 (1)), and the bound on it."""
        if self.placed_done or not self._worth(time_limit):
            return
        optimal, found = self._run(np.ones(self.n), True, time_limit)
        if found is not None and found.sum() > self.best.sum():
            self.best = found
        if optimal and self.exact:
            self.bound = self.placed
        self.placed_done = optimal or self.placed >= self.bound

    def least_travel(self, time_limit: float) -> None:
        """Step 2: the least travel keeping the people placed (rule 4 (2)); needs step 1 done."""
        if not self.placed_done or not self._worth(time_limit):
            return
        h = self._highs()
        cols = np.arange(self.n, dtype=np.int32)
        h.addRow(self.placed - 0.5, INF, self.n, cols, np.ones(self.n))
        metres = self.arcs.metres[self.region.arcs].astype(np.float64)
        optimal, found = self._run(metres, False, time_limit)
        if (
            found is not None
            and found.sum() >= self.placed
            and float(found @ metres) < float(self.best @ metres)
        ):
            self.best = found
        self.travel_proven = optimal and self.exact

    def answer(self) -> RegionAnswer:
        picked = np.flatnonzero(self.best > 0.5)
        chosen = self.region.arcs[picked]
        return RegionAnswer(
            chosen=chosen.tolist(),
            placed=len(picked),
            travel_m=int(self.arcs.metres[chosen].sum()),
            bound=self.bound,
            travel_proven=self.travel_proven,
        )


def _build(h: Any, highspy: Any, region: Region, arcs: Arcs, pts: Points, min_size: int,
           max_size: int) -> None:  # fmt: skip
    """Columns and rows of the region's model (see the module docstring), one call each."""
    n = len(region.arcs)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
    )
    person = arcs.person[region.arcs]
    supplier = arcs.supplier[region.arcs]
    want = pts.wants[person, supplier].astype(np.float64)
    cand = region.candidate
    own = region.own_arc
    n_cand = len(own)
    is_own = np.zeros(n, dtype=np.bool_)
    is_own[own] = True
    other = np.flatnonzero(~is_own)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    lower: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    upper: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    next_row = 0

    def block(r: IntArray, c: IntArray, v: Any, lo: Any, up: Any, count: int) -> None:
        nonlocal next_row
        rows.append(r + next_row)
        cols.append(c)
        vals.append(np.asarray(v, dtype=np.float64))
        lower.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (count,)))
        upper.append(np.broadcast_to(np.asarray(up, dtype=np.float64), (count,)))
        next_row += count

    # each person in at most one group
    local = {p: i for i, p in enumerate(region.people)}
    person_row = np.array([local[p] for p in person.tolist()], dtype=np.int64)
    block(person_row, np.arange(n), np.ones(n), -INF, 1.0, len(region.people))
    # size: others - (max-1) open <= 0 and others - (min-1) open >= 0, per candidate
    c_ix = np.arange(n_cand)
    block(np.concatenate((cand[other], c_ix)), np.concatenate((other, own)),
          np.concatenate((np.ones(len(other)), np.full(n_cand, -(max_size - 1.0)))),
          -INF, 0.0, n_cand)  # fmt: skip
    if min_size > 1:
        block(np.concatenate((cand[other], c_ix)), np.concatenate((other, own)),
              np.concatenate((np.ones(len(other)), np.full(n_cand, -(min_size - 1.0)))),
              0.0, INF, n_cand)  # fmt: skip
    # spend: others' wants + (host's want - minimum) open >= 0
    minimum = np.array(pts.minimum, dtype=np.float64)[supplier[own]]
    block(np.concatenate((cand[other], c_ix)), np.concatenate((other, own)),
          np.concatenate((want[other], want[own] - minimum)), 0.0, INF, n_cand)  # fmt: skip
    # travel: an open group's others travel at least its lower bound (see `_travel_floor`)
    floor = _travel_floor(region, arcs, pts, other, min_size)
    metres = arcs.metres[region.arcs].astype(np.float64)
    block(np.concatenate((cand[other], c_ix)), np.concatenate((other, own)),
          np.concatenate((metres[other], -floor)), 0.0, INF, n_cand)  # fmt: skip
    # strong link: x[p, h, s] - x[h, h, s] <= 0
    k = np.arange(len(other))
    block(np.concatenate((k, k)), np.concatenate((other, own[cand[other]])),
          np.concatenate((np.ones(len(other)), -np.ones(len(other)))), -INF, 0.0,
          len(other))  # fmt: skip
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    v = np.concatenate(vals)
    order = np.lexsort((c, r))
    r, c, v = r[order], c[order], v[order]
    starts = np.searchsorted(r, np.arange(next_row)).astype(np.int32)
    h.addRows(next_row, np.concatenate(lower), np.concatenate(upper), len(v), starts,
              c.astype(np.int32), v)  # fmt: skip
