"""Suggestions expire (`expires_at`); members may look for another group (`another_group`)."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

import coopbuy.interest.models


def expire_from_creation(apps, schema_editor):
    Suggestion = apps.get_model("interest", "Suggestion")
    days = timedelta(days=settings.COOPBUY_SUGGESTION_DAYS)
    Suggestion.objects.update(expires_at=F("created_at") + days)


class Migration(migrations.Migration):
    dependencies = [("interest", "0002_suggestions")]

    operations = [
        migrations.AddField(
            model_name="interest",
            name="another_group",
            field=models.BooleanField(
                default=False,
                help_text="A member is matched into suggested groups only with this on.",
                verbose_name="I am in a group and would like another one too",
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="expires_at",
            field=models.DateTimeField(
                db_index=True, default=coopbuy.interest.models.suggestion_expiry
            ),
        ),
        migrations.RunPython(expire_from_creation, migrations.RunPython.noop),
    ]
