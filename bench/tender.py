"""Benchmark of the tender engine (see bench/README.md). Prints figures, asserts nothing.

python bench/tender.py                      # 200 items x 30 bids, split=units, 5 seeds
python bench/tender.py --items 50 --bids 10 --seeds 3 --split item
python bench/tender.py --parse-only --items 2000 --bids 100   # the parse against json.loads only
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from parse_timing import compare_parse

from coopbuy.core.tender import award, tender_from_json
from coopbuy.core.tender.jsontext import fast_tender_from_text


def money(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def generate(seed: int, *, items: int, bids: int, split: str) -> dict[str, Any]:
    """A federation's basket and realistic bids: each bidder prices most items around a market
    price, some with volume tiers and capacity caps, with a delivery fee and a minimum order."""
    rnd = random.Random(seed)
    quantities = [rnd.randrange(10, 400) for _ in range(items)]
    basket = [
        {"id": f"item{i:03d}", "quantity": q, "lot": f"lot{i % 10}"}
        for i, q in enumerate(quantities)
    ]
    market = [rnd.randrange(80, 4000) for _ in range(items)]
    weights = {"organic": "0.15", "local": "0.10", "packaging": "0.05"}
    offers = []
    for b in range(bids):
        level = rnd.uniform(0.85, 1.15)  # a bidder is cheap or dear across the board
        prices = []
        for i, item in enumerate(basket):
            if rnd.random() > 0.8:
                continue  # not every bidder stocks everything
            base = max(1, round(market[i] * level * rnd.uniform(0.9, 1.1)))
            tiers: list[dict[str, Any]] = []
            threshold = 0
            for _ in range(rnd.choice([0, 0, 1, 1, 2, 3])):
                threshold += rnd.randrange(20, 150)
                base_cut = round(base * (1 - 0.03 * (len(tiers) + 1)))
                tiers.append({"min_quantity": threshold, "unit_price": money(base_cut)})
            capacity = rnd.choice([None, None, None, rnd.randrange(5, quantities[i] + 1)])
            prices.append({"item": item["id"], "unit_price": money(base), "capacity": capacity,
                           "tiers": tiers})  # fmt: skip
        offers.append(
            {
                "id": f"bid{b:02d}",
                "supplier": f"supplier{b:02d}",
                "delivery_fee": money(rnd.randrange(2_000, 30_000)),
                "min_order_value": money(rnd.choice([0, 50_000, 200_000, 1_000_000])),
                "criteria": {k: f"{rnd.randrange(0, 11) / 10:.1f}" for k in weights},
                "prices": prices,
            }
        )
    return {"currency": "GBP", "split": split, "weights": weights, "items": basket,
            "bids": offers}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--bids", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--split", default="units", choices=["units", "item", "lot"])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--parse-only", action="store_true", help="only the parse against json.loads"
    )
    args = parser.parse_args()
    print(f"tender parse: {args.items} items x {args.bids} bids, seed 0")
    text = json.dumps(generate(0, items=args.items, bids=args.bids, split=args.split))
    compare_parse(text, tender_from_json, fast_tender_from_text)
    if args.parse_only:
        return
    print(
        f"tender: {args.items} items x {args.bids} bids, split={args.split}"
        " (goal: proven in < 10 s)"
    )
    for seed in range(args.seeds):
        problem = fast_tender_from_text(
            json.dumps(generate(seed, items=args.items, bids=args.bids, split=args.split))
        )
        assert problem is not None
        start, cpu = time.perf_counter(), time.process_time()
        result = award(problem, time_limit=args.time_limit)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        o = result.objective
        winners = sum(b.awarded for b in result.bids)
        stopped = f" (stopped in stage {o.stopped_in_stage})" if o.stopped_in_stage else ""
        print(
            f"  seed {seed}: {elapsed:6.2f} s wall, {cpu:6.2f} s CPU  proven={o.proven_optimal}"
            f"{stopped}  gap={o.gap:.2e}"
            f"  bids awarded {winners}/{len(result.bids)}  cost {result.totals.cost}"
            f"  uncovered {result.totals.demand_units - result.totals.covered_units} units"
        )


if __name__ == "__main__":
    main()
