"""Each transaction declares how many entries it has (SQLite's guards check the sum then)."""

from django.db import migrations, models
from django.db.models import Count


def forward(apps, schema_editor):
    Transaction = apps.get_model("ledger", "Transaction")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_append_only"
        )
    counted = Transaction.objects.annotate(n=Count("entries")).values_list("pk", "n")
    for pk, n in counted.iterator():
        Transaction.objects.filter(pk=pk).update(entry_count=n)
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction ENABLE TRIGGER ledger_transaction_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_books_required")]

    operations = [
        migrations.AddField(
            model_name="transaction",
            name="entry_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
