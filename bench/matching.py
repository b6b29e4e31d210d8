"""Benchmark of the matching engine (see bench/README.md). Prints figures, asserts nothing.

python bench/matching.py                       # 20,000 people, time limit 55 s, seed 1
python bench/matching.py --people 5000 --seeds 1 2 3
python bench/matching.py --parse-only --people 100000   # the parse against json.loads only
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import resource
import time
from collections import Counter
from typing import Any

from parse_timing import compare_parse

from coopbuy.core.matching import match, problem_from_json
from coopbuy.core.matching.jsontext import fast_problem_from_text
from coopbuy.core.matching.reach import near_pairs, points_of, regions, usable_arcs

# (town, latitude, longitude, population in thousands): GB towns and cities, town-centre
# coordinates to about 0.01 degree, populations of the built-up areas rounded (ONS/NRS figures).
TOWNS: list[tuple[str, float, float, int]] = [
    ("London", 51.507, -0.128, 9000), ("Birmingham", 52.486, -1.890, 2600),
    ("Manchester", 53.480, -2.242, 2700), ("Leeds", 53.800, -1.549, 1900),
    ("Glasgow", 55.864, -4.252, 1000), ("Liverpool", 53.408, -2.992, 900),
    ("Newcastle upon Tyne", 54.978, -1.618, 800), ("Sheffield", 53.381, -1.470, 700),
    ("Bristol", 51.455, -2.588, 670), ("Nottingham", 52.954, -1.158, 770),
    ("Leicester", 52.637, -1.135, 510), ("Edinburgh", 55.953, -3.189, 530),
    ("Cardiff", 51.481, -3.179, 480), ("Brighton", 50.822, -0.137, 480),
    ("Southampton", 50.909, -1.404, 850), ("Plymouth", 50.376, -4.143, 260),
    ("Norwich", 52.630, 1.297, 210), ("Cambridge", 52.205, 0.122, 150),
    ("Oxford", 51.752, -1.258, 160), ("York", 53.960, -1.087, 210),
    ("Exeter", 50.718, -3.534, 130), ("Aberdeen", 57.150, -2.094, 200),
    ("Dundee", 56.462, -2.971, 150), ("Inverness", 57.478, -4.224, 50),
    ("Swansea", 51.621, -3.944, 300), ("Newport", 51.588, -2.998, 150),
    ("Hull", 53.745, -0.336, 320), ("Stoke-on-Trent", 53.003, -2.179, 370),
    ("Derby", 52.923, -1.475, 270), ("Coventry", 52.407, -1.512, 360),
    ("Reading", 51.454, -0.973, 320), ("Milton Keynes", 52.041, -0.759, 260),
    ("Northampton", 52.240, -0.903, 220), ("Bournemouth", 50.720, -1.880, 470),
    ("Preston", 53.763, -2.703, 310), ("Blackpool", 53.817, -3.036, 240),
    ("Middlesbrough", 54.576, -1.235, 370), ("Sunderland", 54.906, -1.382, 170),
    ("Bradford", 53.796, -1.759, 350), ("Huddersfield", 53.646, -1.785, 160),
    ("Hebden Bridge", 53.742, -2.014, 5), ("Todmorden", 53.713, -2.098, 15),
    ("Halifax", 53.721, -1.862, 90), ("Lancaster", 54.047, -2.801, 50),
    ("Kendal", 54.328, -2.746, 29), ("Carlisle", 54.893, -2.934, 75),
    ("Durham", 54.776, -1.575, 48), ("Lincoln", 53.230, -0.540, 100),
    ("Ipswich", 52.057, 1.148, 180), ("Colchester", 51.889, 0.903, 130),
    ("Canterbury", 51.280, 1.080, 55), ("Hastings", 50.855, 0.573, 90),
    ("Bath", 51.381, -2.359, 95), ("Gloucester", 51.864, -2.245, 150),
    ("Cheltenham", 51.900, -2.078, 120), ("Worcester", 52.192, -2.220, 100),
    ("Hereford", 52.056, -2.716, 60), ("Shrewsbury", 52.707, -2.754, 75),
    ("Stroud", 51.745, -2.215, 33), ("Totnes", 50.432, -3.686, 8),
    ("Falmouth", 50.153, -5.072, 22), ("Truro", 50.263, -5.051, 21),
    ("Aberystwyth", 52.415, -4.083, 19), ("Bangor", 53.228, -4.129, 18),
    ("Wrexham", 53.046, -2.993, 65), ("Stirling", 56.117, -3.937, 38),
    ("Perth", 56.396, -3.437, 47), ("Fort William", 56.819, -5.105, 10),
    ("Dumfries", 55.070, -3.605, 33), ("Salisbury", 51.069, -1.795, 45),
    ("Frome", 51.228, -2.322, 28), ("Glastonbury", 51.148, -2.714, 9),
    ("Lewes", 50.873, 0.008, 17), ("Whitby", 54.486, -0.615, 13),
]  # fmt: skip
SUPPLIERS = [("suma", 25_000), ("infinity", 30_000), ("essential", 20_000), ("greencity", 15_000)]


def money(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def generate(seed: int, people: int) -> dict[str, Any]:
    """People around GB towns (more in bigger towns, spread wider), a few in the countryside."""
    rnd = random.Random(seed)
    weights = [pop**0.9 for _, _, _, pop in TOWNS]
    rows = []
    for i in range(people):
        _, lat, lon, pop = rnd.choices(TOWNS, weights=weights)[0]
        rural = rnd.random() < 0.05
        spread_km = 25.0 if rural else 1.0 + 1.2 * math.sqrt(pop / 20)
        dist = abs(rnd.gauss(0, spread_km))
        angle = rnd.uniform(0, 2 * math.pi)
        dlat = dist * math.cos(angle) / 111.2
        dlon = dist * math.sin(angle) / (111.2 * math.cos(math.radians(lat)))
        wanted = rnd.sample(SUPPLIERS, rnd.choice([2, 2, 3]))
        rows.append({
            "id": f"p{i:05d}", "lat": f"{lat + dlat:.5f}", "lon": f"{lon + dlon:.5f}",
            "max_km": str(rnd.choice([2, 3, 3, 4, 5, 5, 6, 8, 10])),
            "host": rnd.random() < 0.35,
            "wants": {s: money(rnd.randrange(1_500, 12_000, 50)) for s, _ in wanted},
        })  # fmt: skip
    return {
        "min_size": 5,
        "max_size": 16,
        "suppliers": [{"id": s, "min_order_value": money(m)} for s, m in SUPPLIERS],
        "people": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--time-limit", type=float, default=55.0)
    parser.add_argument(
        "--parse-only", action="store_true", help="only the parse against json.loads"
    )
    args = parser.parse_args()
    if args.parse_only:
        for seed in args.seeds:
            print(f"## matching parse: {args.people:,} people, seed {seed}")
            compare_parse(
                json.dumps(generate(seed, args.people)), problem_from_json, fast_problem_from_text
            )
        return
    print(f"## matching: {args.people:,} people around {len(TOWNS)} GB towns, max_km 2-10,"
          f" 2-3 of {len(SUPPLIERS)} suppliers each, 35 % hosts, groups of 5-16;"
          f" time limit {args.time_limit:.0f} s")  # fmt: skip
    print("seed  parse_s  reach_s  regions  largest(people/arcs)  match_s   placed  bound"
          "  placed%  gap      proven  travel_km")  # fmt: skip
    for seed in args.seeds:
        text = json.dumps(generate(seed, args.people))
        compare_parse(text, problem_from_json, fast_problem_from_text)
        gc.collect()
        t0 = time.perf_counter()
        problem = fast_problem_from_text(text)
        assert problem is not None
        t_parse = time.perf_counter() - t0
        # Where the regions come from (the engine does this again inside `match`).
        t0 = time.perf_counter()
        pts = points_of(problem)
        arcs = usable_arcs(pts, near_pairs(pts), problem.min_size, problem.max_size)
        found = regions(len(pts.ids), arcs)
        t_reach = time.perf_counter() - t0
        label = {p: i for i, r in enumerate(found) for p in r}
        arc_count = [0] * len(found)
        for p in arcs.person.tolist():
            arc_count[label[p]] += 1
        largest = max(range(len(found)), key=lambda i: len(found[i]), default=None)
        t0 = time.perf_counter()
        result = match(problem, time_limit=args.time_limit)
        t_match = time.perf_counter() - t0
        o = result.objective
        share = o.placed / args.people
        print(f"{seed:>4} {t_parse:>8.2f} {t_reach:>8.2f} {len(found):>8}"
              f" {len(found[largest]) if largest is not None else 0:>10}"
              f"/{arc_count[largest] if largest is not None else 0:<9}"
              f" {t_match:>8.2f} {o.placed:>8} {o.bound:>6} {share:>8.1%} {o.gap:>8.4%}"
              f" {o.proven_optimal!s:>6}  {o.travel_km}")  # fmt: skip
        reasons = Counter(u.reason for u in result.unmatched)
        print(f"      placed/bound {o.placed / max(1, o.bound):.4f}; {len(result.groups)} groups;"
              f" {len(arcs.person):,} usable arcs; least travel proven: {o.travel_proven};"
              f" unmatched: {dict(sorted(reasons.items()))}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
