"""Scheduling a campaign's end at its deadline.

The task (`tasks.settle_campaign`) imports the services that end a campaign, and starting one
(a service) schedules the task: this module names the task by its path instead of importing it, so
that campaigns' modules import one way (as `rounds/deadline.py` does for rounds).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from coopbuy.campaigns.models import Campaign

SETTLE_TASK = "coopbuy.campaigns.tasks.settle_campaign"


def schedule_settle(campaign: Campaign) -> None:
    """Enqueue the end for the deadline (backends that cannot defer, e.g. in tests: nothing)."""
    settle: Any = import_string(SETTLE_TASK)
    if not settle.get_backend().supports_defer:
        return
    campaign_id, at = campaign.pk, campaign.deadline
    transaction.on_commit(lambda: settle.using(run_after=at).enqueue(campaign_id))
