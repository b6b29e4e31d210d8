"""Deterministic interleavings for race tests: run a competing action at a chosen moment.

`act_right_after(monkeypatch, module, "name", action)` replaces `module.name` (a function the code
under test calls, e.g. a view's permission helper) by one that calls the real function, then runs
`action` to the end in another thread, on its own database connection (so it commits on its own,
as another request would), and only then returns the real result. PostgreSQL only: SQLite
serialises writers on the file, so the other thread would wait for the test's own transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections


def act_right_after(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, action: Callable[[], object]
) -> list[object]:
    """Run `action` once, right after the first call of `module.name`; returns what it returned
    (a list that is empty until it ran)."""
    real = getattr(module, name)
    done: list[object] = []

    def then_act(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not done:
            failures: list[BaseException] = []

            def run() -> None:
                try:
                    done.append(action())
                except BaseException as error:  # re-raised in the test's thread below
                    failures.append(error)
                finally:
                    connections.close_all()

            other = threading.Thread(target=run)
            other.start()
            other.join(30)
            if failures:
                raise failures[0]
            assert done, "the competing action did not finish in 30 s"
        return result

    monkeypatch.setattr(module, name, then_act)
    return done
