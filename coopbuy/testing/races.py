"""Deterministic interleavings for race tests: run a competing action at a chosen moment.

`act_right_after(monkeypatch, module, "name", action)` replaces `module.name` (a function the code
under test calls, e.g. a view's permission helper) by one that calls the real function, then runs
`action` to the end in another thread, on its own database connection (so it commits on its own,
as another request would), and only then returns the real result. PostgreSQL only: SQLite
serialises writers on the file, so the other thread would wait for the test's own transaction.

`act_right_before` does the same before the real function runs. `start_right_after` is for an
action that may have to wait for a lock the code under test holds: it starts the action and goes
on as soon as the action has finished or is seen waiting for a lock (`pg_blocking_pids`); the
test then `join`s it, after the code under test has committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connections


def _run_to_the_end(action: Callable[[], object], done: list[object]) -> None:
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
            _run_to_the_end(action, done)
        return result

    monkeypatch.setattr(module, name, then_act)
    return done


def act_right_before(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    action: Callable[[], object],
    *,
    call: int = 1,
) -> list[object]:
    """Run `action` once to the end, right before the `call`-th call of `module.name` (which then
    runs as it would); returns what the action returned (empty until it ran)."""
    real = getattr(module, name)
    done: list[object] = []
    calls = [0]

    def act_then(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == call:
            _run_to_the_end(action, done)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, act_then)
    return done


@dataclass
class Competitor:
    """An action running on its own connection, started by `start_right_after`."""

    started: bool = False
    waited_for_a_lock: bool = False  # seen waiting for a row lock before it finished
    done: list[object] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    thread: threading.Thread | None = None

    def join(self, timeout: float = 30) -> object:
        """Wait for the action to end; its result (its exception is raised here)."""
        assert self.thread is not None, "the hooked function was never called"
        self.thread.join(timeout)
        if self.failures:
            raise self.failures[0]
        assert self.done, f"the competing action did not finish in {timeout} s"
        return self.done[0]


def start_right_after(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    action: Callable[[], object],
    *,
    call: int = 1,
    timeout: float = 30,
) -> Competitor:
    """Start `action` on another connection right after the `call`-th call of `module.name`, and
    return to the code under test once the action has finished or is waiting for a lock.

    PostgreSQL only: the other connection's wait is read from the lock manager
    (`pg_blocking_pids`: a row lock held by the code under test's transaction, for instance).
    """
    real = getattr(module, name)
    competitor = Competitor()
    calls = [0]

    def then_start(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        calls[0] += 1
        if calls[0] != call:
            return result
        backend: list[int] = []

        def run() -> None:
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    backend.append(cursor.fetchone()[0])
                competitor.done.append(action())
            except BaseException as error:  # raised in the test's thread by `join`
                competitor.failures.append(error)
            finally:
                connections.close_all()

        competitor.thread = threading.Thread(target=run)
        competitor.thread.start()
        competitor.started = True
        deadline = time.monotonic() + timeout
        while competitor.thread.is_alive() and time.monotonic() < deadline:
            if backend and _waits_for_a_lock(backend[0]):
                competitor.waited_for_a_lock = True
                break
            time.sleep(0.02)
        return result

    monkeypatch.setattr(module, name, then_start)
    return competitor


def _waits_for_a_lock(pid: int) -> bool:
    """Whether the backend `pid` is waiting for a lock another session holds (read live from the
    lock manager: `pg_stat_activity` would be the snapshot of the caller's open transaction)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        row = cursor.fetchone()
    return row is not None and bool(row[0])


# A role taken away just before or just after a service's own role check (docs/adr/0005, point 6):
# the service locks the actor's role row while it checks, and a revoke locks the same row.


def revoke_then_look(
    revoke: Callable[[], object], effect: Callable[[], bool]
) -> Callable[[], bool]:
    """The revoke, then whether (on the revoke's connection, once it committed) the service's
    write is there: it is if the revoke waited for the service's commit."""

    def act() -> bool:
        revoke()
        return effect()

    return act


def assert_revoked_just_before_the_check_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    check: str,
    *,
    revoke: Callable[[], object],
    act: Callable[[], object],
    effect: Callable[[], bool],
    refusal: type[BaseException],
    match: str,
    call: int = 1,
) -> None:
    """`revoke` commits on its own connection right before the service's `call`-th call of
    `module.check`; `act` (the service) is then refused with `refusal` matching `match`, and its
    write (`effect`) is not there."""
    revoked = act_right_before(monkeypatch, module, check, revoke, call=call)
    with pytest.raises(refusal, match=match):
        act()
    assert revoked, f"{check} was never called"
    assert not effect(), "the service wrote as someone whose role had been taken away"


def assert_revoked_just_after_the_check_waits_for_the_commit(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    check: str,
    *,
    revoke: Callable[[], object],
    act: Callable[[], object],
    effect: Callable[[], bool],
    call: int = 1,
) -> None:
    """`revoke` starts on its own connection right after the service's `call`-th call of
    `module.check`; it must queue behind the service's locks and commit only after the service:
    once it has committed, the service's write (`effect`) is there."""
    competitor = start_right_after(
        monkeypatch, module, check, revoke_then_look(revoke, effect), call=call
    )
    act()
    assert competitor.started, f"{check} was never called"
    assert competitor.waited_for_a_lock, "the revoke did not queue behind the service"
    assert competitor.join() is True, "the revoke committed before the service's write"
    assert effect()
