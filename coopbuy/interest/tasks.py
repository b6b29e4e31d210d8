"""Background work of interest: refresh the suggested groups (so does `coopbuy suggest_groups`)."""

from __future__ import annotations

from django.tasks import task

from coopbuy.interest.suggestions import suggestions_refresh


@task
def refresh_suggestions() -> int:
    """Match everyone with interest and no group; returns how many suggestions are new."""
    return len(suggestions_refresh().created)
