"""The database's own guards on the ledger, on PostgreSQL and on SQLite, and the one way past them.

PostgreSQL (migrations 0002, 0004): triggers refuse UPDATE and DELETE of transactions and entries
and a transaction whose entries do not sum to zero at commit.

SQLite (migration 0012) has no deferred or statement-level triggers, so it holds the same rules
row by row:

- BEFORE UPDATE / DELETE triggers on `ledger_transaction` and `ledger_entry` refuse the change;
- each transaction declares how many entries it has (`entry_count`, two or more, written by
  `services.post` with the transaction); an AFTER INSERT trigger on entries keeps a running tally
  per transaction (`ledger_posting_tally`: entries seen and their sum in pence, one upsert per
  entry, so a round of 20,000 members costs 20,000 small updates, not 20,000² reads) and refuses
  an entry beyond the declared count, and the last entry if the sum is not zero;
- a new transaction is refused while the previous one is still missing entries.
What SQLite cannot refuse is a transaction left short of its entries by the very last statement
before COMMIT (it has no deferred triggers); `services.post` writes the entries right after the
transaction, and `coopbuy ledger check` reports any such transaction.

`guards_paused()` is the one way past them, for data migrations and for the test database's flush
(SQLite has no TRUNCATE: a flush is DELETE): on SQLite it puts a row in `ledger_guard_pause`, a
table no model maps (so no flush empties it); on PostgreSQL it runs the pending deferred checks
and disables the append-only triggers, inside the current transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

PAUSE_TABLE = "ledger_guard_pause"
PG_TRIGGERS = (
    ("ledger_transaction", "ledger_transaction_append_only"),
    ("ledger_entry", "ledger_entry_append_only"),
)


@contextmanager
def guards_paused(
    reason: str, connection: BaseDatabaseWrapper = default_connection
) -> Iterator[None]:
    """Let UPDATE and DELETE through the ledger's guards inside the block (never in a request)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {PAUSE_TABLE} (reason) VALUES (%s)", [reason])
        elif connection.vendor == "postgresql":
            # Deferred checks still pending (rows written earlier in this transaction) run now:
            # PostgreSQL alters no table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in PG_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {PAUSE_TABLE} WHERE reason = %s", [reason])
            elif connection.vendor == "postgresql":
                for table, trigger in PG_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
