"""Name every existing posting's source by id, and move system keys into their own namespace.

- Round charges and adjustments: the round id from their key ("round-N-close",
  "round-N-receiving-M") or, failing that, from the label's "· #N"; reversals: their original's.
- Top-ups booked from a bank line ("statement-line-N[-k]"): the line.
- A supplier invoice's difference: the invoice. Everything else was entered by hand: `manual`.
- Member invoices: the round from their label; supplier invoices: the round their label names.
- Keys the system derived become "sys:…", the API's "api-<digest>" become "usr:<digest>" (the
  same digest `coopbuy.ledger.keys.user_key` computes). A key a person typed stays as it was:
  outside "sys:", it can never take a system key's place.

Transactions are append-only (on PostgreSQL a trigger refuses UPDATE): the guard is switched off
for this migration's updates only, inside its transaction.
"""

import re

from django.db import migrations

ROUND_KINDS = ("round_charge", "round_adjust")
ROUND_KEY = re.compile(r"^round-(\d+)-")
LABEL_ID = re.compile(r"#(\d+)$")
LINE_KEY = re.compile(r"^statement-line-(\d+)(?:-\d+)?$")
DEMO_KEY = re.compile(r"^demo-opening-\d+$")
API_KEY = re.compile(r"^api-([0-9a-f]{64})$")


def _round_id(key, label):
    match = ROUND_KEY.match(key) or LABEL_ID.search(label or "")
    return int(match.group(1)) if match else None


def forward(apps, schema_editor):
    Transaction = apps.get_model("ledger", "Transaction")
    Invoice = apps.get_model("ledger", "Invoice")
    SupplierInvoice = apps.get_model("ledger", "SupplierInvoice")
    StatementLine = apps.get_model("ledger", "StatementLine")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_append_only"
        )
    invoice_of = dict(
        SupplierInvoice.objects.filter(transaction__isnull=False).values_list(
            "transaction_id", "pk"
        )
    )
    lines = set(StatementLine.objects.values_list("pk", "group_id"))
    sources = {}
    reversals = []
    for tx in Transaction.objects.order_by("pk").iterator():
        kind, source_id, key = "manual", None, tx.idempotency_key
        if tx.kind in ROUND_KINDS:
            source_id = _round_id(key, tx.round_reference)
            kind = "round" if source_id is not None else "manual"
            if ROUND_KEY.match(key):
                key = f"sys:{key}"
        elif tx.kind == "top_up" and LINE_KEY.match(key):
            line_id = int(LINE_KEY.match(key).group(1))
            if (line_id, tx.group_id) in lines:
                kind, source_id, key = "statement_line", line_id, f"sys:{key}"
        elif tx.kind == "supplier_inv" and tx.pk in invoice_of:
            kind, source_id = "supplier_invoice", invoice_of[tx.pk]
        elif tx.kind == "reversal" and tx.reverses_id is not None:
            reversals.append(tx)
        if DEMO_KEY.match(key):
            key = f"sys:{key}"
        elif API_KEY.match(key):
            key = f"usr:{API_KEY.match(key).group(1)}"
        sources[tx.pk] = (kind, source_id)
        if (kind, source_id, key) != ("manual", None, tx.idempotency_key):
            Transaction.objects.filter(pk=tx.pk).update(
                source_kind=kind, source_id=source_id, idempotency_key=key
            )
    for tx in reversals:
        kind, source_id = sources.get(tx.reverses_id, ("manual", None))
        if kind != "manual":
            Transaction.objects.filter(pk=tx.pk).update(source_kind=kind, source_id=source_id)
    for invoice in Invoice.objects.iterator():
        round_id = _round_id("", invoice.round_reference)
        if round_id is not None:
            Invoice.objects.filter(pk=invoice.pk).update(source_kind="round", source_id=round_id)
    labelled = {
        (group, label): source_id
        for group, label, source_id in Transaction.objects.filter(source_kind="round")
        .exclude(round_reference="")
        .values_list("group_id", "round_reference", "source_id")
    }
    for invoice in SupplierInvoice.objects.exclude(round_reference="").iterator():
        source_id = labelled.get((invoice.group_id, invoice.round_reference))
        if source_id is not None:
            SupplierInvoice.objects.filter(pk=invoice.pk).update(
                source_kind="round", source_id=source_id
            )
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction ENABLE TRIGGER ledger_transaction_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_sources")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
