"""Who can reach whom: distances, the usable (person, pickup, supplier) arcs, regions, reasons.

An arc (p, h, s) says person p could be in a group for supplier s whose pickup is host h: p is
within their own reach of h, both want something from s, and some group with both of them meets
the size and minimum-order rules. The usable arcs are exactly those that some valid group uses
(`usable_arcs`), so the people with at least one are exactly the people any answer could place:
their count is the proven bound on rule 4 (1) that the solver's bound is compared with.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coopbuy.core.matching.problem import MatchProblem, Reason

EARTH_RADIUS_M = 6_371_008.8
_CELL_DEG = 0.1  # grid cell for the neighbour search (about 11 km north-south)
IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class Points:
    """The people in id order as columns: radians, reach in whole metres, host, wants in pence."""

    ids: list[str]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    reach_m: IntArray
    host: npt.NDArray[np.bool_]
    wants: IntArray  # [person, supplier] pence
    minimum: list[int]  # per supplier, pence


def points_of(problem: MatchProblem) -> Points:
    people = sorted(problem.people, key=lambda p: p.id)
    supplier_ix = {s.id: i for i, s in enumerate(problem.suppliers)}
    wants = np.zeros((len(people), len(problem.suppliers)), dtype=np.int64)
    for i, person in enumerate(people):
        for supplier, amount in person.wants.items():
            wants[i, supplier_ix[supplier]] = int(amount * 100)
    return Points(
        ids=[p.id for p in people],
        lat=np.radians(np.array([float(p.lat) for p in people], dtype=np.float64)),
        lon=np.radians(np.array([float(p.lon) for p in people], dtype=np.float64)),
        reach_m=np.array([int(p.max_km * 1000) for p in people], dtype=np.int64),
        host=np.array([p.host for p in people], dtype=np.bool_),
        wants=wants,
        minimum=[int(s.min_order_value * 100) for s in problem.suppliers],
    )


def distance_m(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> IntArray:
    """Haversine distance in whole metres (nearest), elementwise or broadcast."""
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    d: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.rint(d).astype(np.int64)


def near_pairs(pts: Points) -> tuple[IntArray, IntArray, IntArray]:
    """Every (person, host, metres) with the host within the person's reach (itself included).

    People are grouped by grid cell; each cell looks at the hosts in the cells its widest reach
    can touch, one distance matrix per cell. A reach that would wrap round a pole or the
    antimeridian looks at every host.
    """
    hosts = np.flatnonzero(pts.host)
    lat_deg, lon_deg = np.degrees(pts.lat), np.degrees(pts.lon)
    cell_lat = np.floor(lat_deg / _CELL_DEG).astype(np.int64)
    cell_lon = np.floor(lon_deg / _CELL_DEG).astype(np.int64)
    host_cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for h in hosts.tolist():
        host_cells[(int(cell_lat[h]), _wrap(int(cell_lon[h])))].append(h)
    host_cell_arrays = {k: np.array(v, dtype=np.int64) for k, v in host_cells.items()}
    people_cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p, (a, b) in enumerate(zip(cell_lat.tolist(), cell_lon.tolist(), strict=True)):
        people_cells[(a, b)].append(p)
    out_p: list[IntArray] = []
    out_h: list[IntArray] = []
    out_d: list[IntArray] = []
    deg_per_m = 180 / (math.pi * EARTH_RADIUS_M)
    for (ca, cb), members in sorted(people_cells.items()):
        people = np.array(members, dtype=np.int64)
        reach = int(pts.reach_m[people].max())
        dlat = reach * deg_per_m * 1.01 + 1e-6
        lat_lo, lat_hi = ca * _CELL_DEG - dlat, (ca + 1) * _CELL_DEG + dlat
        cos_edge = math.cos(math.radians(max(abs(lat_lo), abs(lat_hi))))
        candidates: IntArray
        if lat_lo <= -89.9 or lat_hi >= 89.9 or dlat / max(cos_edge, 1e-9) >= 90:
            candidates = hosts
        else:
            dlon = dlat / cos_edge
            lon_lo, lon_hi = cb * _CELL_DEG - dlon, (cb + 1) * _CELL_DEG + dlon
            a_range = range(math.floor(lat_lo / _CELL_DEG), math.floor(lat_hi / _CELL_DEG) + 1)
            b_range = range(math.floor(lon_lo / _CELL_DEG), math.floor(lon_hi / _CELL_DEG) + 1)
            b_set = {_wrap(b) for b in b_range}
            if len(a_range) * len(b_set) > len(host_cell_arrays):
                found = [
                    arr for (a, b), arr in host_cell_arrays.items() if a in a_range and b in b_set
                ]
            else:
                found = [
                    arr
                    for a in a_range
                    for b in sorted(b_set)
                    if (arr := host_cell_arrays.get((a, b))) is not None
                ]
            candidates = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
        if not len(candidates):
            continue
        d = distance_m(
            pts.lat[people][:, None],
            pts.lon[people][:, None],
            pts.lat[candidates][None, :],
            pts.lon[candidates][None, :],
        )
        ok_p, ok_h = np.nonzero(d <= pts.reach_m[people][:, None])
        out_p.append(people[ok_p])
        out_h.append(candidates[ok_h])
        out_d.append(d[ok_p, ok_h])
    if not out_p:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    return np.concatenate(out_p), np.concatenate(out_h), np.concatenate(out_d)


def _wrap(b: int) -> int:
    """A longitude cell index taken round the antimeridian into -1800..1799."""
    half = round(180 / _CELL_DEG)
    return (b + half) % (2 * half) - half


@dataclass(slots=True)
class Arcs:
    """The usable arcs, sorted by (host, supplier, person): columns of equal length."""

    person: IntArray
    host: IntArray
    supplier: IntArray
    metres: IntArray


def usable_arcs(pts: Points, pairs: tuple[IntArray, IntArray, IntArray], min_size: int,
                max_size: int) -> Arcs:  # fmt: skip
    """The arcs some valid group uses (see the module docstring).

    For a candidate (host h, supplier s) with the others who reach h and want s, k of them: no
    group if 1 + k < min_size. Otherwise the best group holding h and p takes p and the biggest
    spenders among the rest up to max_size members, so p is usable exactly when that group's
    spend reaches the minimum; the host is usable when the best group of all does.
    """
    pp, hh, dd = pairs
    order = np.lexsort((pp, hh))
    pp, hh, dd = pp[order], hh[order], dd[order]
    out: list[tuple[IntArray, int, int, IntArray]] = []
    if len(hh):
        bounds = np.flatnonzero(np.diff(hh)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(hh)]))
    else:
        starts = ends = np.empty(0, dtype=np.int64)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        h = int(hh[start])
        people, metres = pp[start:end], dd[start:end]
        for s in range(pts.wants.shape[1]):
            w_h = int(pts.wants[h, s])
            if w_h <= 0:
                continue
            keep = (pts.wants[people, s] > 0) & (people != h)
            others, others_m = people[keep], metres[keep]
            if 1 + len(others) < min_size:
                continue
            w = pts.wants[others, s]
            rank = np.argsort(-w, kind="stable")
            sorted_w = w[rank]
            top_full = w_h + int(sorted_w[: max_size - 1].sum())
            minimum = pts.minimum[s]
            if top_full < minimum:
                continue
            ok = np.ones(len(others), dtype=np.bool_)
            if len(others) > max_size - 1:
                in_top = np.zeros(len(others), dtype=np.bool_)
                in_top[rank[: max_size - 1]] = True
                base = w_h + int(sorted_w[: max(0, max_size - 2)].sum())
                ok = in_top | (base + w >= minimum) if max_size >= 2 else in_top
            chosen = others[ok]
            out.append((np.concatenate(([h], chosen)), s, h,
                        np.concatenate(([0], others_m[ok]))))  # fmt: skip
    if not out:
        empty = np.empty(0, dtype=np.int64)
        return Arcs(empty, empty.copy(), empty.copy(), empty.copy())
    return Arcs(
        person=np.concatenate([p for p, _, _, _ in out]),
        host=np.concatenate([np.full(len(p), h, dtype=np.int64) for p, _, h, _ in out]),
        supplier=np.concatenate([np.full(len(p), s, dtype=np.int64) for p, s, _, _ in out]),
        metres=np.concatenate([m for _, _, _, m in out]),
    )


def regions(n: int, arcs: Arcs) -> list[list[int]]:
    """People linked by usable arcs (directly or through others), each list sorted, in order of
    their first person; people with no usable arc are in no region."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = np.unique(arcs.person * n + arcs.host)  # one per (person, host), not per supplier
    for p, h in zip((links // n).tolist(), (links % n).tolist(), strict=True):
        if p == h:
            continue
        a, b = find(p), find(h)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for p in sorted(set(arcs.person.tolist())):
        groups[find(p)].append(p)
    return [groups[k] for k in sorted(groups)]


def reasons_unplaceable(pts: Points, pairs: tuple[IntArray, IntArray, IntArray], arcs: Arcs,
                        min_size: int) -> dict[int, Reason]:  # fmt: skip
    """Rule 6 for the people no valid group can hold: `minimum_not_reached` when some host within
    their reach has at least `min_size` people (them included) who reach it, else `no_one_near`."""
    pp, hh, _ = pairs
    crowd = np.bincount(hh, minlength=len(pts.ids)) if len(hh) else np.zeros(len(pts.ids), int)
    crowded = crowd[hh] >= min_size
    near_crowd = np.zeros(len(pts.ids), dtype=np.bool_)
    near_crowd[pp[crowded]] = True
    placeable = np.zeros(len(pts.ids), dtype=np.bool_)
    placeable[arcs.person] = True
    return {
        i: ("minimum_not_reached" if near_crowd[i] else "no_one_near")
        for i in np.flatnonzero(~placeable).tolist()
    }
