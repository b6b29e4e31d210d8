"""Check that entries balance once per INSERT statement, not once per entry at commit.

The deferred per-entry trigger of 0002 summed all of a transaction's entries for every entry, at
commit: a round charging 20,000 members posts one transaction of 20,000 entries and paid for it
with 20,000 sums of 20,000 rows (quadratic; most of a big round's close). A statement-level
trigger sees the inserted rows as a transition table and checks each transaction they touch once,
so a transaction's entries are written in one statement (the posting service's COPY does that).
The deferred trigger on `ledger_transaction` stays: at commit, every transaction has two or more
entries summing to zero, so a transaction left without entries is refused too.
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;

CREATE FUNCTION ledger_check_statement_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.transaction_id AS tx_id, count(*) AS n, coalesce(sum(e.amount), 0) AS total
        INTO bad
        FROM ledger_entry e
        WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM new_entries)
        GROUP BY e.transaction_id
        HAVING count(*) < 2 OR sum(e.amount) <> 0
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % has % entries summing to %: it must have 2 or more '
            'summing to 0', bad.tx_id, bad.n, bad.total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_statement_balanced AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_statement_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_entry_statement_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_statement_balanced();
CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no params: "%" stays literal
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_statement_dispatch")]
    operations = [migrations.RunPython(forward, backward)]
