"""Bank lines whose top-up was reversed before reversing reopened them: back to review.

Since this change, reversing a top-up booked from a bank statement line puts the line back among
those waiting for review, with no member chosen (`services.ledger_reverse`). Lines reversed before
still say "booked" while their money is gone; this reopens them the same way.
"""

from django.db import migrations


def reopen(apps, schema_editor):
    StatementLine = apps.get_model("ledger", "StatementLine")
    StatementLine.objects.filter(status="booked", transaction__reversed_by__isnull=False).update(
        status="unmatched", account=None, transaction=None
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_balanced_per_statement")]
    operations = [migrations.RunPython(reopen, migrations.RunPython.noop)]
