"""The embedded SQLite database: a page read during a long write does not fail, a second writer
waits its turn instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from coopbuy.config.environment import ConfigurationError, sqlite_options

HOLD = 2.0  # seconds the long writer keeps the write lock (a bank import takes about 8)


def _connect(path: Path) -> DatabaseWrapper:
    wrapper = DatabaseWrapper(
        {
            "NAME": str(path),
            "OPTIONS": sqlite_options(),
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=f"concurrency-{path.name}-{threading.get_ident()}",
    )
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture
def own_database(django_db_blocker: Any) -> Iterator[None]:
    """These connections open a database file of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.mark.usefixtures("own_database")
def test_a_reader_and_a_second_writer_during_a_long_write(tmp_path: Path) -> None:
    path = tmp_path / "coopbuy.sqlite3"
    setup = _connect(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE balance (id INTEGER PRIMARY KEY, amount INTEGER)")
        cursor.execute("INSERT INTO balance (amount) VALUES (10)")
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    setup.close()
    writing = threading.Event()

    def long_write() -> None:
        writer = _connect(path)
        with writer.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("UPDATE balance SET amount = amount + 5")
            writing.set()
            time.sleep(HOLD)
            cursor.execute("COMMIT")
        writer.close()

    thread = threading.Thread(target=long_write)
    thread.start()
    assert writing.wait(10)
    reader = _connect(path)
    began = time.monotonic()
    with reader.cursor() as cursor:  # the member's page: reads what was committed, at once
        assert cursor.execute("SELECT amount FROM balance").fetchone()[0] == 10
    assert time.monotonic() - began < HOLD / 2
    second = _connect(path)
    with second.cursor() as cursor:  # the worker's write: waits for the lock, then goes on
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("UPDATE balance SET amount = amount * 2")
        cursor.execute("COMMIT")
    waited = time.monotonic() - began
    thread.join(10)
    with reader.cursor() as cursor:
        assert cursor.execute("SELECT amount FROM balance").fetchone()[0] == 30
    assert waited >= HOLD / 2
    reader.close()
    second.close()


def test_the_busy_timeout_outlasts_a_long_import_and_is_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = sqlite_options()
    assert options["timeout"] == 60.0 and "busy_timeout=60000" in str(options["init_command"])
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", "15")
    assert "busy_timeout=15000" in str(sqlite_options()["init_command"])
    for bad in ("0", "soon", "99999"):
        monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", bad)
        with pytest.raises(ConfigurationError, match="SQLITE_BUSY_TIMEOUT"):
            sqlite_options()
