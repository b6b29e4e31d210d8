"""SQLite guards for the ledger: append-only tables and balanced transactions (see ledger.guards).

PostgreSQL has its own (0002, 0004); this migration does nothing there.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE TRIGGER ledger_{table}_no_{op} BEFORE {OP} ON ledger_{table}
WHEN NOT EXISTS (SELECT 1 FROM ledger_guard_pause)
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: {OP} on ledger_{table} is not allowed (post a reversal)');
END
"""

FORWARD = [
    "CREATE TABLE IF NOT EXISTS ledger_guard_pause (reason TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS ledger_posting_tally (
        transaction_id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pence INTEGER NOT NULL
    )""",
    # The tally of what exists already.
    """INSERT OR REPLACE INTO ledger_posting_tally (transaction_id, n, pence)
        SELECT transaction_id, count(*), sum(CAST(round(amount * 100) AS INTEGER))
        FROM ledger_entry GROUP BY transaction_id""",
    *(
        APPEND_ONLY.format(table=table, op=op.lower(), OP=op)
        for table in ("transaction", "entry")
        for op in ("UPDATE", "DELETE")
    ),
    """CREATE TRIGGER ledger_transaction_declares_entries BEFORE INSERT ON ledger_transaction
    BEGIN
        SELECT RAISE(ABORT, 'ledger transaction must declare 2 or more entries (entry_count)')
        WHERE NEW.entry_count < 2 AND NOT EXISTS (SELECT 1 FROM ledger_guard_pause);
        SELECT RAISE(ABORT, 'the previous ledger transaction is missing entries')
        FROM ledger_transaction x
        WHERE x.id = (SELECT max(id) FROM ledger_transaction)
          AND coalesce((SELECT n FROM ledger_posting_tally WHERE transaction_id = x.id), 0)
              < x.entry_count
          AND NOT EXISTS (SELECT 1 FROM ledger_guard_pause);
    END""",
    """CREATE TRIGGER ledger_entry_tally AFTER INSERT ON ledger_entry
    BEGIN
        INSERT INTO ledger_posting_tally (transaction_id, n, pence)
        VALUES (NEW.transaction_id, 1, CAST(round(NEW.amount * 100) AS INTEGER))
        ON CONFLICT (transaction_id) DO UPDATE SET n = n + 1, pence = pence + excluded.pence;
        SELECT RAISE(ABORT, 'ledger transaction has more entries than it declared')
        FROM ledger_posting_tally t JOIN ledger_transaction x ON x.id = t.transaction_id
        WHERE t.transaction_id = NEW.transaction_id AND t.n > x.entry_count
          AND NOT EXISTS (SELECT 1 FROM ledger_guard_pause);
        SELECT RAISE(ABORT, 'ledger transaction entries do not sum to zero')
        FROM ledger_posting_tally t JOIN ledger_transaction x ON x.id = t.transaction_id
        WHERE t.transaction_id = NEW.transaction_id AND t.n = x.entry_count AND t.pence <> 0
          AND NOT EXISTS (SELECT 1 FROM ledger_guard_pause);
    END""",
    # A transaction deleted past the guards (a test database's flush) takes its tally with it.
    """CREATE TRIGGER ledger_transaction_forget_tally AFTER DELETE ON ledger_transaction
    BEGIN
        DELETE FROM ledger_posting_tally WHERE transaction_id = OLD.id;
    END""",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_transaction_forget_tally",
    "DROP TRIGGER IF EXISTS ledger_entry_tally",
    "DROP TRIGGER IF EXISTS ledger_transaction_declares_entries",
    *(
        f"DROP TRIGGER IF EXISTS ledger_{table}_no_{op}"
        for table in ("transaction", "entry")
        for op in ("update", "delete")
    ),
    "DROP TABLE IF EXISTS ledger_posting_tally",
    "DROP TABLE IF EXISTS ledger_guard_pause",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_entry_count")]

    operations = [migrations.RunPython(forward, backward)]
