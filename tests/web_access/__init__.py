"""The web matrix's allow-list, area by area (see `tests/test_web_authorization.py`).

`levels.py` holds the levels, the base pages' levels and their path values. An area with pages of
its own adds a module here with `LEVELS` (page name -> level, see `levels.py`) and
`parameters(world) -> dict` (its path parameters' values, `name.param` for one page only; the
objects come from its API access module's `seed`, `coopbuy/api/tests/access/`), and one line to
`areas()`.
"""

from __future__ import annotations

from types import ModuleType


def areas() -> list[ModuleType]:
    from tests.web_access import federations, pooled, programmes, subsidies, teamdeals, tenders

    return [federations, pooled, tenders, programmes, subsidies, teamdeals]
