"""The customers' groups already opened show their member list to their coordinators only."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def hide_member_lists(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    BuyingGroup = apps.get_model("groups", "BuyingGroup")
    BuyingGroup.objects.filter(deal_setup__isnull=False).update(members_listed_to_members=False)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_group_member_list_to_members"),
        ("teamdeals", "0001_deals_and_teams"),
    ]

    operations = [migrations.RunPython(hide_member_lists, migrations.RunPython.noop)]
