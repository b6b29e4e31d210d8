"""`coopbuy ledger check [--group SLUG]`: recompute every balance and verify every invariant."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.checks import check_groups


class Command(BaseCommand):
    help = "Ledger tools. `check` replays every entry and verifies the ledger's invariants."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Verify balances and invariants; non-zero if not.")
        check.add_argument("--group", metavar="SLUG", help="Check only this group.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.get("group")
        if slug is not None and not BuyingGroup.objects.filter(slug=slug).exists():
            raise CommandError(f"There is no group {slug!r}.")
        reports = check_groups(slug)
        failed = 0
        for report in reports:
            state = "FAIL" if report.problems else "ok"
            self.stdout.write(
                f"{report.group.slug}: {state}: {report.accounts} accounts, "
                f"{report.transactions} transactions, {report.entries} entries"
            )
            for problem in report.problems:
                self.stdout.write(f"  problem: {problem}")
            for warning in report.warnings:
                self.stdout.write(f"  note: {warning}")
            failed += bool(report.problems)
        problems = sum(len(r.problems) for r in reports)
        warnings = sum(len(r.warnings) for r in reports)
        summary = (
            f"{len(reports)} groups checked, {problems} problems in {failed} groups, "
            f"{warnings} members beyond their credit limit (reported, not failed)."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
