"""The parse figure the engine benchmarks share (`matching.py`, `tender.py`): a contract's text
read three ways, interleaved so each ratio divides figures measured at the same moment of a
shared machine: `json.loads` alone (the baseline), the exact path (`json.loads` + the dict
validators) and the fast path (msgspec into typed structs + the same validators)."""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def _cpu(fn: Callable[[], Any]) -> tuple[float, float]:
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def compare_parse(
    text: str,
    exact: Callable[[Any], Any],
    fast: Callable[[str], Any],
    *,
    repeats: int = 3,
) -> dict[str, float]:
    """Medians (CPU seconds) of `json.loads(text)`, `exact(json.loads(text))` and `fast(text)`
    over `repeats` interleaved rounds, printed with the ratios to `json.loads`; returned too."""
    if fast(text) is None:
        raise SystemExit("the fast path declined the benchmark's own problem")
    runs: dict[str, list[float]] = {"json.loads": [], "exact": [], "fast": []}
    walls: dict[str, list[float]] = {"json.loads": [], "exact": [], "fast": []}
    for _ in range(repeats):
        for name, fn in (
            ("json.loads", lambda: json.loads(text)),
            ("exact", lambda: exact(json.loads(text))),
            ("fast", lambda: fast(text)),
        ):
            wall, cpu = _cpu(fn)
            runs[name].append(cpu)
            walls[name].append(wall)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    base = medians["json.loads"]
    print(f"  parse of {len(text) / 1e6:.1f} MB, CPU median of {repeats} interleaved"
          f" (wall median):")  # fmt: skip
    for name, label in (
        ("json.loads", "json.loads alone (baseline)"),
        ("exact", "exact path: json.loads + validation"),
        ("fast", "fast path: msgspec structs + validation"),
    ):
        print(f"    {label:<42} {medians[name]:6.3f} s ({statistics.median(walls[name]):6.3f} s)"
              f"  {medians[name] / base:5.2f}x json.loads")  # fmt: skip
    return medians
