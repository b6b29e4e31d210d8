"""Benchmark of the allocation engine (see bench/README.md). Prints figures, asserts nothing.

python bench/allocation.py                 # every part, full size
python bench/allocation.py --rows 100000   # smaller fcfs/proportional run
python bench/allocation.py --problems 5    # fewer optimal problems (the full run has 20)
python bench/allocation.py --skip-large --skip-process   # the optimal parts only
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from coopbuy.core.allocation import allocate, finish, run_policy
from coopbuy.core.jsonio import problem_from_json
from coopbuy.core.jsontext import problem_from_text, result_to_text
from coopbuy.core.metrics import most_value
from coopbuy.core.policies.budget_start import allocate_within_budgets
from coopbuy.core.prepared import prepare
from coopbuy.core.problem import AllocationResult


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
    """Part 1: validation + allocation on `rows` rows, against `json.loads` of the same text."""
    members, products = max(1, rows // 20), max(1, rows // 200)
    text = json.dumps(generate(1, rows=rows, members=members, products=products, suppliers=40))
    print(f"## fcfs and proportional: {rows:,} rows, {members:,} members, {products:,} products,"
          f" {len(text) / 1e6:.0f} MB of JSON")  # fmt: skip
    loads: list[tuple[float, float]] = []
    t, c, parsed = timed(lambda: [json.loads(text)])
    loads.append((t, c))
    t_exact, c_exact, _ = timed(lambda: problem_from_json(parsed[0]))
    parsed.clear()  # the million dicts go before the fast path is measured
    t_fast, c_fast, problem = timed(lambda: problem_from_text(text))
    print(f"exact path: json.loads + validation of the dicts {t + t_exact:.2f} s"
          f" (CPU {c + c_exact:.2f} s); fast path: msgspec parse + validation {t_fast:.2f} s"
          f" (CPU {c_fast:.2f} s)")  # fmt: skip
    runs = []
    for policy in ("fcfs", "proportional"):
        t_alloc, c_alloc, result = timed(lambda p=policy: allocate(problem, policy=p))
        t_write, c_write, _ = timed(lambda r=result: result_to_text(r))
        t, c, _ = timed(lambda: json.loads(text))  # interleaved: the divisor of this very moment
        loads.append((t, c))
        runs.append((policy, t_alloc, c_alloc, t_write, c_write))
    t_loads = statistics.median(x for x, _ in loads)
    c_loads = statistics.median(x for _, x in loads)
    print(
        f"json.loads (median of {len(loads)}, interleaved): {t_loads:.2f} s (CPU {c_loads:.2f} s)"
    )
    print("policy        parse+validate+allocate  /loads  (CPU)   allocate() alone  /loads  (CPU)"
          "  write the result  /loads  (CPU)")  # fmt: skip
    for policy, t_alloc, c_alloc, t_write, c_write in runs:
        total, cpu = t_fast + t_alloc, c_fast + c_alloc
        print(f"{policy:<13} {total:>18.2f} s {total / t_loads:>8.2f} ({cpu / c_loads:.2f})"
              f" {t_alloc:>13.2f} s {t_alloc / t_loads:>7.2f} ({c_alloc / c_loads:.2f})"
              f" {t_write:>10.2f} s {t_write / t_loads:>7.2f}"
              f" ({c_write / c_loads:.2f})")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss, whole process incl. the JSON text): {peak:,.0f} MiB")
    stages = [f"parse + validation {c_fast:.2f}"]
    for policy in ("fcfs", "proportional"):  # after the figures above: it does not change them
        _, c_prepare, prepared = timed(lambda p=problem: prepare(p))
        _, c_policy, decision = timed(lambda p=policy, w=prepared: run_policy(w, p, 10.0))
        _, c_finish, _ = timed(lambda p=policy, w=prepared, d=decision: finish(w, d, p, False))
        stages.append(f"{policy}: prepare {c_prepare:.2f}, policy {c_policy:.2f},"
                      f" finish {c_finish:.2f}")  # fmt: skip
    print(f"stages, CPU s (one run each): {'; '.join(stages)}")


#: A process that only reads the problem and writes a result-sized JSON: the divisor of part 0.
#: argv: problem file, number of allocation lines, number of members, "json" or "msgspec".
BASELINE = r"""
import json, sys
path, lines, members, how = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
raw = open(path, "rb").read()
if how == "msgspec":
    import msgspec
    data = msgspec.json.decode(raw)
else:
    data = json.loads(raw)
rows = data["demand"]
out = {"policy": "fcfs", "currency": data["currency"],
       "allocations": [{"member": r["member"], "product": r["product"], "units": r["quantity"],
                        "from_quantity": r["quantity"], "from_tolerance": r["tolerance"],
                        "amount": "0.00"} for r in rows[:lines]],
       "members": [{"id": r["member"], "goods": "0.00", "delivery": "0.00", "total": "0.00",
                    "requested_quantity": 0, "received_quantity": 0, "received_tolerance": 0}
                   for r in rows[:members]]}
if how == "msgspec":
    sys.stdout.buffer.write(msgspec.json.encode(out))
else:
    sys.stdout.write(json.dumps(out, indent=2))
"""


def run_process(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child process."""
    t0 = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(
            f"{argv[:4]} failed: {child.stderr.read().decode() if child.stderr else ''}"
        )
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench_process(rows: int, repeats: int) -> None:
    """Part 0: `coopbuy allocate` as a whole process against a read-and-write-only process."""
    members, products = max(1, rows // 20), max(1, rows // 200)
    data = generate(2, rows=rows, members=members, products=products, suppliers=40)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "problem.json"
        path.write_text(json.dumps({**data, "policy": "fcfs"}))
        result = allocate(problem_from_text(path.read_bytes()))
        lines, n_members = str(len(result.allocations)), str(len(result.members))
        engine = [sys.executable, "-m", "coopbuy.cli", "allocate", str(path)]
        base = [sys.executable, "-c", BASELINE, str(path), lines, n_members]
        size = path.stat().st_size / 1e6
        print(f"## whole process: `coopbuy allocate` (fcfs) on {rows:,} rows"
              f" ({size:.0f} MB in, {lines} allocation lines out)")  # fmt: skip
        runs: dict[str, list[tuple[float, float, float]]] = {
            "engine": [],
            "json": [],
            "msgspec": [],
        }
        for _ in range(repeats):  # interleaved, so each ratio divides figures of one moment
            runs["engine"].append(run_process(engine))
            runs["json"].append(run_process([*base, "json"]))
            runs["msgspec"].append(run_process([*base, "msgspec"]))
    med = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in runs.items()}
    e, j, m = med["engine"], med["json"], med["msgspec"]
    print(f"median of {repeats}: coopbuy allocate {e[0]:.2f} s (CPU {e[1]:.2f} s, peak RSS"
          f" {e[2]:,.0f} MiB); read + write with json (indent=2, as the CLI prints)"
          f" {j[0]:.2f} s (CPU {j[1]:.2f} s); with msgspec (compact) {m[0]:.2f} s"
          f" (CPU {m[1]:.2f} s)")  # fmt: skip
    print(f"ratio (goal <= 2.0): {e[0] / j[0]:.2f} wall, {e[1] / j[1]:.2f} CPU against json;"
          f" {e[0] / m[0]:.2f} wall, {e[1] / m[1]:.2f} CPU against msgspec")  # fmt: skip


def supplier_values(data: dict[str, Any], budgets: bool) -> dict[str, int]:
    """Each supplier's order value (pence) under fcfs, or fcfs within the budgets (what
    `optimal` falls back on), with no supplier minimum."""
    plain = {**data, "suppliers": [{"id": s["id"]} for s in data["suppliers"]]}
    if not budgets:
        result = allocate(problem_from_json({**plain, "members": []}), policy="fcfs")
    else:
        prepared = prepare(problem_from_json(plain))
        result = finish(prepared, allocate_within_budgets(prepared), "optimal", False)
    return {s.id: int(s.goods * 100) for s in result.suppliers}


def generate_hard(seed: int, *, budgets: bool) -> dict[str, Any]:
    """A round where supplier minimums, free-delivery thresholds and budgets bind.

    Half the members (with `budgets`) get a budget of 40-90 % of their quantity's value, and a
    quarter of the products `min_cases` 2 or 3. The suppliers' thresholds are then set from what
    fcfs orders (V; with budgets: fcfs within the budgets, optimal's fallback) and the most the
    demand could be worth with every tolerance used (M): one supplier's minimum lies between V
    and M (fcfs falls short and orders nothing from it; optimal may reach it with tolerance),
    one's free-delivery threshold lies between them, the third's minimum just below V.
    """
    rnd = random.Random(seed)
    data = generate(seed, rows=4500, members=300, products=200, suppliers=3)
    for product in data["products"]:
        if rnd.random() < 0.25:
            product["min_cases"] = rnd.choice([2, 3])
    if budgets:
        price = {p["id"]: int(p["unit_price"].replace(".", "")) for p in data["products"]}
        wanted: dict[str, int] = {}
        for row in data["demand"]:
            value = row["quantity"] * price[row["product"]]
            wanted[row["member"]] = wanted.get(row["member"], 0) + value
        data["members"] = [{"id": m, "budget": money(int(v * rnd.uniform(0.4, 0.9)))}
                           for m, v in sorted(wanted.items()) if rnd.random() < 0.5]  # fmt: skip
    ordered = supplier_values(data, budgets)
    prepared = prepare(problem_from_json(data))
    most = {
        s.id: sum(most_value(prepared.products[p]) for p in s.products) for s in prepared.suppliers
    }
    roles = rnd.sample(["minimum", "free", "near"], 3)
    for supplier, role in zip(data["suppliers"], roles, strict=True):
        v, m = ordered[supplier["id"]], most[supplier["id"]]
        supplier["min_order_value"] = money(int(v * rnd.uniform(0.9, 0.98)))
        supplier["free_delivery_over"] = money(int(m * 1.5))
        if role == "minimum":
            supplier["min_order_value"] = money(v + int((m - v) * rnd.uniform(0.3, 0.7)))
        elif role == "free":
            supplier["free_delivery_over"] = money(v + int((m - v) * rnd.uniform(0.2, 0.6)))
    return data


def bench_optimal(n: int, time_limit: float) -> None:
    """Part 2: today's rounds (minimums never bind) with budgets: proven or not, time, gap."""
    print(f"\n## optimal with budgets: 300 members x 200 products x 3 suppliers, {n} seeds,"
          f" time limit {time_limit:.0f} s (goal: proven under 5 s)")  # fmt: skip
    print("seed  rows  time_s  proven  gap")
    times, proven, gaps = [], 0, list[float | None]()
    for seed in range(n):
        data = generate(100 + seed, rows=4500, members=300, products=200, suppliers=3,
                        minimums=True, budgets=True)  # fmt: skip
        problem = problem_from_json(data)
        t, _, opt = timed(lambda: allocate(problem, policy="optimal", time_limit=time_limit))  # noqa: B023
        o = opt.objective
        times.append(t)
        proven += bool(o.proven_optimal)
        gaps.append(o.gap)
        print(f"{seed:>4} {len(data['demand']):>5} {t:>7.2f} {o.proven_optimal!s:>7}"
              f" {pct(o.gap):>9}  value {o.delivered_value}")  # fmt: skip
    print(f"proven optimal {proven} of {n}; time median {statistics.median(times):.2f} s,"
          f" max {max(times):.2f} s; gaps: {gap_summary(gaps)}")  # fmt: skip


def pct(gap: float | None) -> str:
    return "no bound" if gap is None else f"{gap:.3%}"


def gap_summary(gaps: list[float | None]) -> str:
    known = [g for g in gaps if g is not None]
    unknown = len(gaps) - len(known)
    if not known:
        return f"no bound in {unknown} of {len(gaps)}"
    return (f"median {statistics.median(known):.3%}, max {max(known):.3%}"
            f" ({unknown} of {len(gaps)} without a bound)")  # fmt: skip


def binding(data: dict[str, Any], result: AllocationResult) -> tuple[int, int]:
    """Suppliers whose minimum the result misses, and those whose free delivery it misses."""
    spec = {s["id"]: s for s in data["suppliers"]}
    below = sum(not s.meets_minimum for s in result.suppliers)
    fee = sum(
        s.goods < float(spec[s.id].get("free_delivery_over") or "inf") for s in result.suppliers
    )
    return below, fee


def bench_hard(n: int, time_limit: float) -> None:
    """Part 3: rounds where minimums, free delivery and budgets bind; optimal's gain over fcfs."""
    print(f"\n## harder rounds: minimums, free delivery and budgets bind ({n} seeds,"
          f" time limit {time_limit:.0f} s)")  # fmt: skip
    print("seed | no budgets: fcfs value  opt value  gain%  opt s proven | below minimum fcfs/opt"
          "  fee paid fcfs/opt | budgets: bind  opt s  proven  gap    value")  # fmt: skip
    gains, times, proven, binds = [], [], 0, [0, 0, 0, 0]
    gaps: list[float | None] = []
    for seed in range(n):
        free = generate_hard(200 + seed, budgets=False)
        problem = problem_from_json(free)
        fcfs = allocate(problem, policy="fcfs")
        t_free, _, opt = timed(lambda: allocate(problem, policy="optimal", time_limit=time_limit))  # noqa: B023
        v_f, v_o = fcfs.objective.delivered_value, opt.objective.delivered_value
        gain = float((v_o - v_f) / v_f * 100) if v_f else 0.0
        gains.append(gain)
        below_f, fee_f = binding(free, fcfs)
        below_o, fee_o = binding(free, opt)
        binds = [binds[0] + below_f, binds[1] + below_o, binds[2] + fee_f, binds[3] + fee_o]
        data = generate_hard(200 + seed, budgets=True)
        problem = problem_from_json(data)
        t, _, budgeted = timed(lambda: allocate(problem, policy="optimal", time_limit=time_limit))  # noqa: B023
        wanted = {m["id"] for m in data["members"]}
        short = sum(
            1
            for m in budgeted.members
            if m.id in wanted and m.received_quantity < m.requested_quantity
        )
        o = budgeted.objective
        times.append(t)
        proven += bool(o.proven_optimal)
        gaps.append(o.gap)
        free_proven = opt.objective.proven_optimal
        print(f"{seed:>4} | {v_f:>22} {v_o:>10} {gain:>6.2f} {t_free:>6.2f} {free_proven!s:>6}"
              f" | {below_f}/{below_o}{'':>19}{fee_f}/{fee_o} | {short:>4}/{len(wanted):<4}"
              f" {t:>5.2f} {o.proven_optimal!s:>7} {pct(o.gap):>9}"
              f" {o.delivered_value:>9}")  # fmt: skip
    print(f"gain of optimal over fcfs (no budgets): mean {statistics.mean(gains):.2f} %,"
          f" min {min(gains):.2f} %, max {max(gains):.2f} %; suppliers below their minimum:"
          f" fcfs {binds[0]}, optimal {binds[1]} of {3 * n}; paying a fee: fcfs {binds[2]},"
          f" optimal {binds[3]}")  # fmt: skip
    print(f"with budgets: proven {proven} of {n}; time median {statistics.median(times):.2f} s,"
          f" max {max(times):.2f} s; gaps: {gap_summary(gaps)} (bind: budgeted members who got"
          " less than their quantity)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--process-rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--problems", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--skip-process", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-optimal", action="store_true")
    args = parser.parse_args()
    if not args.skip_process:
        bench_process(args.process_rows, args.repeats)
    if not args.skip_large:
        bench_large(args.rows)
    if not args.skip_optimal:
        bench_optimal(args.problems, args.time_limit)
        bench_hard(args.problems, args.time_limit)


if __name__ == "__main__":
    main()
