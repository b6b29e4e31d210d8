"""`coopbuy ledger check [--group SLUG]`: recompute every balance and verify every invariant.

`coopbuy ledger send-statements [--month YYYY-MM] [--group SLUG]`: email last month's (or the given
month's) statements to members, once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.mailing import statements_send


class Command(BaseCommand):
    help = "Ledger tools. `check` replays every entry and verifies the ledger's invariants."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Verify balances and invariants; non-zero if not.")
        check.add_argument("--group", metavar="SLUG", help="Check only this group.")
        send = sub.add_parser("send-statements", help="Email members their monthly statement.")
        send.add_argument("--month", metavar="YYYY-MM", help="Default: last month.")
        send.add_argument("--group", metavar="SLUG", help="Only this group.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.get("group")
        if slug is not None and not BuyingGroup.objects.filter(slug=slug).exists():
            raise CommandError(f"There is no group {slug!r}.")
        if options["action"] == "send-statements":
            self.send_statements(slug, options.get("month"))
            return
        self.run_check(slug)

    def send_statements(self, slug: str | None, month: str | None) -> None:
        if month is None:
            first = timezone.localdate().replace(day=1) - timedelta(days=1)
            year, number = first.year, first.month
        else:
            try:
                year, number = (int(part) for part in month.split("-"))
                date(year, number, 1)
            except ValueError:
                raise CommandError(f"--month must look like 2026-03, not {month!r}.") from None
        groups = BuyingGroup.objects.order_by("slug")
        if slug is not None:
            groups = groups.filter(slug=slug)
        total = 0
        for group in groups:
            queued = statements_send(group=group, year=year, month=number)
            self.stdout.write(f"{group.slug}: {queued} statements queued")
            total += queued
        self.stdout.write(self.style.SUCCESS(f"{total} statements for {year}-{number:02d} queued."))

    def run_check(self, slug: str | None) -> None:
        reports = check_books(slug)
        failed = 0
        for report in reports:
            state = "FAIL" if report.problems else "ok"
            self.stdout.write(
                f"{report.label}: {state}: {report.accounts} accounts, "
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
            f"{len(reports)} books checked, {problems} problems in {failed} books, "
            f"{warnings} members beyond their credit limit (reported, not failed)."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
