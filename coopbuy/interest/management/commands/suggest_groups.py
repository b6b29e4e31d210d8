"""`coopbuy suggest_groups`: expire the suggestions nobody answered, then propose groups to people
with registered interest and no group (or looking for another). Run it from cron (nightly), as the
other sweeps: see docs/deploy.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopbuy.interest.suggestions import TIME_LIMIT, suggestions_refresh


class Command(BaseCommand):
    help = "Expire unanswered suggestions, match registered interest into new ones, tell people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        result = suggestions_refresh(time_limit=options["time_limit"])
        self.stdout.write(
            f"{result.expired} suggestion(s) expired; {len(result.created)} new suggestion(s); "
            f"{result.placed} of {result.people} people placed."
        )
