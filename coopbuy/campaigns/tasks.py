"""Background work of campaigns: ending each at its deadline, once.

`deadline.schedule_settle` enqueues `settle_campaign` for the deadline after the commit; the task
re-reads the campaign and does nothing unless it is open and due, so a repeated or early run is
harmless. `coopbuy settle_campaigns` (the sweep) ends any campaign whose task was missed.
"""

from __future__ import annotations

import logging

from django.tasks import task

from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.services import campaign_settle

logger = logging.getLogger(__name__)


@task
def settle_campaign(campaign_id: int) -> bool:
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.OPEN).first()
    if campaign is None:
        return False
    return campaign_settle(campaign=campaign).ended_now
