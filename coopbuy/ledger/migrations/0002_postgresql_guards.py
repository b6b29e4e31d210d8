"""PostgreSQL guards for the ledger: append-only tables and balanced transactions at commit.

A CHECK constraint cannot span rows, so "a transaction's entries sum to zero" is a constraint
trigger, DEFERRABLE INITIALLY DEFERRED: it runs at commit, when all entries are in. Another trigger
refuses any UPDATE or DELETE of transactions and entries (TRUNCATE, used only by test flushes, is a
statement-level operation and does not fire it). SQLite has neither: the posting service and
`coopbuy ledger check` hold the same rules there.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed (post a reversal)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    tx_id bigint;
    n integer;
    total numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entry' THEN
        tx_id := NEW.transaction_id;
    ELSE
        tx_id := NEW.id;
    END IF;
    SELECT count(*), coalesce(sum(amount), 0) INTO n, total
        FROM ledger_entry WHERE transaction_id = tx_id;
    IF n < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % has % entries summing to %: it must have 2 or more '
            'summing to 0', tx_id, n, total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_transaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_transaction_balanced ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_balanced();
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;
DROP FUNCTION IF EXISTS ledger_refuse_change();
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
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
