"""The errors of campaigns, shown to people as they are."""

from __future__ import annotations

from coopbuy.errors import UserFacingError


class CampaignError(UserFacingError):
    pass
