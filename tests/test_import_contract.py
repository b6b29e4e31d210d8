"""The import contract must name every part of coopbuy, so a new area cannot slip past it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_coopbuy_package_and_module_is_forbidden_to_the_core() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    assert contract["source_modules"] == ["coopbuy.core"]
    parts = {
        f"coopbuy.{path.stem}"
        for path in (ROOT / "coopbuy").iterdir()
        if path.name not in {"core", "__init__.py", "__main__.py", "__pycache__"}
        and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    missing = parts - set(contract["forbidden_modules"])
    assert not missing, f"add {sorted(missing)} to the import contract in pyproject.toml"
    assert {"django"} <= set(contract["forbidden_modules"])
