"""Every row lock in groups, rounds, the ledger and campaigns is FOR NO KEY UPDATE (ADR 0005)."""

from __future__ import annotations

import re
from pathlib import Path

import coopbuy

AREAS = ("groups", "rounds", "ledger", "campaigns")
PLAIN = re.compile(r"select_for_update\((?![^)]*no_key=True)[^)]*\)")


def test_no_area_takes_a_lock_that_blocks_foreign_key_checks() -> None:
    root = Path(coopbuy.__file__).parent
    found = []
    for area in AREAS:
        for path in (root / area).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PLAIN.search(line) and not line.lstrip().startswith(("#", '"', "`")):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []
