"""The database cannot be reached: answer 503 with Retry-After, not 500.

While PostgreSQL is down or restarting (or the connection to it broke), every request that needs it
fails with `django.db.OperationalError` or `InterfaceError`. That is not a bug of ours and it will
pass: pages answer a short page saying so (`coopbuy.web.unavailable`, Django's `handler500`), the
API `{"detail": ...}` as problem+json (`coopbuy.api.problems`), both 503 with `Retry-After`.

Only a failure of the connection itself counts. The same exception classes also carry errors a
working database raises about one statement, which keep their own handling (today: a 500, logged):
a serialization failure or a deadlock (SQLSTATE class 40), a lock or statement timeout (55P03,
57014), SQLite's "database is locked". A connection failure is recognised by its SQLSTATE (class
08, connection exception; 57P01-57P03, the server shutting down or starting up), by psycopg's
errors that carry none (refused, closed, lost: raised by the client, the server never answered), by
`InterfaceError` (a connection already closed), and on SQLite by a database file that cannot be
opened.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 60
SERVER_GONE = frozenset({"57P01", "57P02", "57P03"})  # admin/crash shutdown, cannot connect now


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be reached (not that a statement failed)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if type(cause).__module__.startswith("psycopg"):
        sqlstate = getattr(cause, "sqlstate", None)
        return sqlstate is None or sqlstate.startswith("08") or sqlstate in SERVER_GONE
    if type(cause).__module__ == "sqlite3":
        return "unable to open database file" in str(cause)
    return False


def unavailable_detail() -> str:
    return _("coopbuy is briefly unavailable, try again in a minute.")
