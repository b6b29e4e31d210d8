"""Test-wide set-up: tasks run at once, plain http, cheap password hashing."""

from __future__ import annotations

from typing import Any

import pytest

# The race helpers assert for the tests that call them: show their values when they fail.
pytest.register_assert_rewrite("coopbuy.testing.races")


def pytest_configure(config: pytest.Config) -> None:
    """Settings that must hold before the live server starts (its middleware reads them once)."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing passwords properly costs a third of a second each; tests need no such strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _flush_past_the_ledger_guards()


def _flush_past_the_ledger_guards() -> None:
    """SQLite has no TRUNCATE: the test database's flush deletes rows, which the ledger's guards
    refuse; the flush (and only the flush) runs with them paused (see `coopbuy.ledger.guards`)."""
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return  # PostgreSQL's test flush is a TRUNCATE, which its triggers let through
    import django.db.backends.sqlite3.base  # noqa: F401  (loads the backend in its own order)
    from django.db.backends.sqlite3.operations import DatabaseOperations

    from coopbuy.ledger.guards import guards_paused

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        with guards_paused("test database flush", self.connection):
            flush(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign,assignment]


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, _media_root: Any) -> None:
    settings.MEDIA_ROOT = _media_root  # product images written by tests stay out of ./var


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "http://testserver"
