"""Benchmark of the allocation engine (see bench/README.md). Prints figures, asserts nothing.

python bench/allocation.py                 # both parts, full size
python bench/allocation.py --rows 100000   # smaller fcfs/proportional run
python bench/allocation.py --problems 5    # fewer optimal problems
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import time
from typing import Any

from coopbuy.core.allocation import allocate
from coopbuy.core.jsonio import problem_from_json


def money(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def generate(seed: int, *, rows: int, members: int, products: int, suppliers: int,
             minimums: bool = False, budgets: bool = False) -> dict[str, Any]:  # fmt: skip
    """A buying round: popular and rare products, a few raises, times at one-second resolution."""
    rnd = random.Random(seed)
    sups = [
        {"id": f"sup{s:02d}", "min_order_value": money(minimums and rnd.randrange(50_000, 200_000)),
         "delivery_fee": money(rnd.randrange(500, 3000)),
         "free_delivery_over": money(rnd.randrange(300_000, 900_000))}
        for s in range(suppliers)
    ]  # fmt: skip
    prods = []
    for p in range(products):
        price = rnd.randrange(50, 3000)
        tiers = (
            [{"min_cases": 5, "unit_price": money(price * 95 // 100)}] if rnd.random() < 0.3 else []
        )
        prods.append({"id": f"prod{p:05d}", "supplier": f"sup{rnd.randrange(suppliers):02d}",
                      "case_size": rnd.choice([1, 2, 3, 4, 6, 6, 10, 12, 12, 24]),
                      "unit_price": money(price), "price_tiers": tiers,
                      "retail_unit_price": money(price * 13 // 10)})  # fmt: skip
    weights = [1 / (i + 1) ** 0.8 for i in range(products)]  # popular products get most rows
    start = 1_795_000_000
    demand = []
    product_of = rnd.choices(range(products), weights=weights, k=rows)
    for p in product_of:
        t = time.gmtime(start + rnd.randrange(14 * 86_400))
        demand.append({"member": f"mem{rnd.randrange(members):05d}", "product": f"prod{p:05d}",
                       "quantity": rnd.choice([1, 1, 1, 2, 2, 3, 4, 6]),
                       "tolerance": rnd.choice([0, 0, 0, 0, 1, 2]),
                       "placed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", t)})  # fmt: skip
    member_list = []
    if budgets:
        member_list = [{"id": f"mem{m:05d}", "budget": money(rnd.randrange(2_000, 15_000))}
                       for m in range(members) if rnd.random() < 0.5]  # fmt: skip
    return {"currency": "GBP", "suppliers": sups, "products": prods, "members": member_list,
            "demand": demand}  # fmt: skip


def timed(fn: Any) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of `fn()`; the CPU figure is steadier on a shared machine."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - t0, time.process_time() - c0, value


def bench_large(rows: int) -> None:
    members, products = max(1, rows // 20), max(1, rows // 200)
    text = json.dumps(generate(1, rows=rows, members=members, products=products, suppliers=40))
    print(f"## fcfs and proportional: {rows:,} rows, {members:,} members, {products:,} products,"
          f" {len(text) / 1e6:.0f} MB of JSON")  # fmt: skip
    t_loads, c_loads, data = timed(lambda: json.loads(text))
    t_build, c_build, problem = timed(lambda: problem_from_json(data))
    print(f"json.loads {t_loads:.2f} s (CPU {c_loads:.2f} s); validation (dict -> Problem)"
          f" {t_build:.2f} s (CPU {c_build:.2f} s)")  # fmt: skip
    print(
        "policy        validate+allocate  ratio/loads  allocate() alone  ratio/loads  (CPU ratio)"
    )
    for policy in ("fcfs", "proportional"):
        t_alloc, c_alloc, _ = timed(lambda p=policy: allocate(problem, policy=p))
        total = t_build + t_alloc
        cpu_ratio = (c_build + c_alloc) / c_loads
        print(f"{policy:<13} {total:>12.2f} s {total / t_loads:>12.2f} {t_alloc:>14.2f} s"
              f" {t_alloc / t_loads:>12.2f}  ({cpu_ratio:.2f})")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss, whole process incl. the JSON text and dicts): {peak:,.0f} MiB")


def bench_optimal(n: int, time_limit: float) -> None:
    print("\n## optimal: 300 members x 200 products x 3 suppliers, minimum order values, budgets")
    print("seed  rows  time_s  proven  gap     | no budgets: time_s proven  value_opt"
          "   value_fcfs  gain%  suppliers_min_met opt/fcfs")  # fmt: skip
    times, proven_times, gains = [], [], []
    for seed in range(n):
        data = generate(100 + seed, rows=4500, members=300, products=200, suppliers=3,
                        minimums=True, budgets=True)  # fmt: skip
        problem = problem_from_json(data)
        t, _, opt = timed(lambda: allocate(problem, policy="optimal", time_limit=time_limit))  # noqa: B023
        times.append(t)
        if opt.objective.proven_optimal:
            proven_times.append(t)
        # The gain is measured where fcfs is feasible too: the same round without budgets.
        free = problem_from_json({**data, "members": []})
        t_free, _, opt_free = timed(lambda: allocate(free, policy="optimal", time_limit=time_limit))  # noqa: B023
        fcfs = allocate(free, policy="fcfs")
        v_opt, v_fcfs = opt_free.objective.delivered_value, fcfs.objective.delivered_value
        gain = float((v_opt - v_fcfs) / v_fcfs * 100) if v_fcfs else 0.0
        gains.append(gain)
        met_opt = sum(s.ordered and s.meets_minimum for s in opt_free.suppliers)
        met_fcfs = sum(s.ordered and s.meets_minimum for s in fcfs.suppliers)
        o, f = opt.objective, opt_free.objective
        print(f"{seed:>4} {len(data['demand']):>5} {t:>7.2f} {o.proven_optimal!s:>7}"
              f" {o.gap or 0:.4f}  | {t_free:>16.2f} {f.proven_optimal!s:>6}"
              f" {v_opt:>11} {v_fcfs:>11} {gain:>6.2f}   {met_opt}/{met_fcfs}")  # fmt: skip
    print(f"with budgets: proven optimal {len(proven_times)} of {n}; time median"
          f" {statistics.median(times):.2f} s, max {max(times):.2f} s"
          f" (limit {time_limit:.0f} s)")  # fmt: skip
    print(f"without budgets: value gain of optimal over fcfs: mean {statistics.mean(gains):.2f} %,"
          f" min {min(gains):.2f} %, max {max(gains):.2f} %")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--problems", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-optimal", action="store_true")
    args = parser.parse_args()
    if not args.skip_large:
        bench_large(args.rows)
    if not args.skip_optimal:
        bench_optimal(args.problems, args.time_limit)


if __name__ == "__main__":
    main()
