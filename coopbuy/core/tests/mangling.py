"""Break a valid problem in small ways for the fast-parse property tests (allocation, matching,
tender): up to two values replaced, deleted or added anywhere, with values that break a field in
some way or keep it valid in an unusual one."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

ODD: st.SearchStrategy[Any] = st.sampled_from(
    [-1, 0, 1, 2**40, 2**70, 1.0, 1.5, True, False, None, "", " ", "x", "2", "2026-11-20T10:00:00",
     "2026-11-20T10:00:00+01:00", "2026-11-20 10:00:00Z", "20261120T100000Z", "3.10", "3.105",
     "-1.00", "1e2", " 3.10", "0.5", "0.12345", "90.5", "-180", "GBP", "units", [], {},
     {"s0": "1.00"}, "p0", "m0", "s0", "i0", "\u00e9t\u00e9", "a\"b"]
)  # fmt: skip


def odd(draw: st.DrawFn) -> Any:
    """A fresh copy: `sampled_from` hands out the same [] and {} every time, and a problem that
    holds one of them twice could end up inside itself (json.dumps: circular reference)."""
    return copy.deepcopy(draw(ODD))


def mangle(draw: st.DrawFn, data: dict[str, Any], added_keys: Sequence[str]) -> dict[str, Any]:
    """`data` (changed in place) with up to two values replaced, deleted or added (a key drawn
    from `added_keys`: typos, optional fields, unknown sections)."""
    for _ in range(draw(st.integers(0, 2))):
        target: Any = data
        while isinstance(target, (dict, list)) and target and draw(st.booleans()):
            key = draw(
                st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
            )
            if not isinstance(target[key], (dict, list)):
                break
            target = target[key]
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if isinstance(target, dict):
            keys = sorted(target)
            if action == "add" or not keys:
                target[draw(st.sampled_from(added_keys))] = odd(draw)
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = odd(draw)
        elif isinstance(target, list) and target:
            i = draw(st.integers(0, len(target) - 1))
            if action == "delete":
                del target[i]
            else:
                target[i] = odd(draw)
    return data
