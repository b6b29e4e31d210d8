"""`coopbuy suggest_groups`: propose groups to people with registered interest and no group."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopbuy.interest.suggestions import TIME_LIMIT, suggestions_refresh


class Command(BaseCommand):
    help = "Match registered interest into suggested groups and tell the people proposed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        result = suggestions_refresh(time_limit=options["time_limit"])
        self.stdout.write(
            f"{len(result.created)} new suggestion(s); "
            f"{result.placed} of {result.people} people placed."
        )
