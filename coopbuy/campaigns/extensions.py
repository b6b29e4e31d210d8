"""Where areas above `campaigns` plug into a campaign's end, listed in settings so `campaigns`
imports none of them.

`settle_steps`: run in `campaign_settle`'s transaction, under the campaign's row lock, after a
campaign tipped and its held pledges were charged (`settings.COOPBUY_CAMPAIGN_SETTLE_STEPS`).
Each is called as `step(campaign=..., charge=...)`, `charge` being the one posting that charged
the members (None when nobody's pledge was held), and may post more (a team deal's sale).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from coopbuy.campaigns.models import Campaign
from coopbuy.ledger.models import Transaction


class SettleStep(Protocol):
    def __call__(self, *, campaign: Campaign, charge: Transaction | None) -> None: ...


def settle_steps() -> tuple[SettleStep, ...]:
    return tuple(import_string(path) for path in settings.COOPBUY_CAMPAIGN_SETTLE_STEPS)
