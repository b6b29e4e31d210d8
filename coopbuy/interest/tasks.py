"""Background work of interest: refresh the suggested groups, expiring the unanswered ones first
(so does `coopbuy suggest_groups`, the scheduled sweep)."""

from __future__ import annotations

from django.tasks import task

from coopbuy.interest.suggestions import suggestions_refresh


@task
def refresh_suggestions() -> int:
    """Expire, then match everyone with interest and no group (or looking for another); returns
    how many suggestions are new."""
    return len(suggestions_refresh().created)
