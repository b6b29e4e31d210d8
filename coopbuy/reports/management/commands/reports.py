"""`coopbuy reports rebuild [--group SLUG]`: recompute every round's report aggregates.

`coopbuy reports check [--group SLUG]`: recompute them without writing and list every difference
from what is stored; exits 1 when there is one.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopbuy.groups.models import BuyingGroup
from coopbuy.reports.services import reports_check, reports_rebuild


class Command(BaseCommand):
    help = "Report aggregates: `rebuild` recomputes them, `check` compares a rebuild with them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("rebuild", "Recompute every closed round's figures from the rounds."),
            ("check", "Compare a rebuild with the stored figures; exit 1 if they differ."),
        ):
            sub.add_parser(name, help=text).add_argument(
                "--group", metavar="SLUG", help="Only this group."
            )

    def handle(self, *args: Any, **options: Any) -> None:
        group_id = None
        if options.get("group"):
            group = BuyingGroup.objects.filter(slug=options["group"]).first()
            if group is None:
                raise CommandError(f"There is no group {options['group']!r}.")
            group_id = group.pk
        if options["action"] == "rebuild":
            count = reports_rebuild(group_id=group_id)
            self.stdout.write(self.style.SUCCESS(f"Figures of {count} rounds rebuilt."))
            return
        differences = reports_check(group_id=group_id)
        if not differences:
            self.stdout.write(self.style.SUCCESS("The stored figures equal a rebuild."))
            return
        for difference in differences:
            self.stdout.write(str(difference))
        self.stderr.write(f"{len(differences)} difference(s): run `coopbuy reports rebuild`.")
        sys.exit(1)
