import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_fill_books")]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="book",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="accounts",
                to="ledger.book",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="book",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transactions",
                to="ledger.book",
            ),
        ),
    ]
