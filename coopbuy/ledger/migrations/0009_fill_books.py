"""One book per buying group; every account and transaction of the group joins it.

Transactions are append-only (a PostgreSQL trigger refuses UPDATE): the guard is switched off for
this migration's updates only, inside its transaction.
"""

from django.db import migrations


def forward(apps, schema_editor):
    BuyingGroup = apps.get_model("groups", "BuyingGroup")
    Book = apps.get_model("ledger", "Book")
    Account = apps.get_model("ledger", "Account")
    Transaction = apps.get_model("ledger", "Transaction")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_append_only"
        )
    for group in BuyingGroup.objects.order_by("pk").iterator():
        book, _created = Book.objects.get_or_create(
            group=group,
            defaults={"kind": "group", "name": group.name[:160], "currency": group.currency},
        )
        Account.objects.filter(group=group, book__isnull=True).update(book=book)
        Transaction.objects.filter(group=group, book__isnull=True).update(book=book)
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_transaction ENABLE TRIGGER ledger_transaction_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_books"), ("groups", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
